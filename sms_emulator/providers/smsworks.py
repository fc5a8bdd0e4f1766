"""The SMS Works API v1 (https://api.thesmsworks.co.uk/v1), as documented in TheSMSWorks/smsw-go-sdk
api/swagger.yaml (v1.5.0) and TheSMSWorks/smsw-nodejs-sdk docs/ (v1.9/1.10: Query.limit/skip,
GET /messages/schedule). See docs/providers/smsworks.md for what is documented and what is assumed.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from sms_emulator.data import ACCOUNT_TODAY, Fake
from sms_emulator.providers.base import ProviderApp, Request, Response

# The documented token example already starts with "JWT " (TokenResponse in the Go SDK's swagger).
TOKEN = "JWT eyJhbGciOiJIUzI1NiJ9.ZW11bGF0b3Itc21zd29ya3M.c21zd29ya3MtZW11bGF0b3Itc2lnbmF0dXJl"
# A valid token of an account without a Reply Number: searches for INCOMING messages get 403.
NO_REPLY_NUMBER_TOKEN = "JWT eyJhbGciOiJIUzI1NiJ9.bm8tcmVwbHktbnVtYmVy.c21zd29ya3MtbGltaXRlZC1zaWc"
REPLY_NUMBER = "a Reply Number"
MAX_LIMIT = 1000  # "Retrieve up to 1000 messages"; Query.limit defaults to 1000
OUTBOUND = ["DELIVERED"] * 6 + ["SENT", "SENT", "EXPIRED", "UNDELIVERABLE", "REJECTED"]
FAILED = {"EXPIRED", "UNDELIVERABLE", "REJECTED"}
FAILURES = [(34, "Handset error", False), (1, "Unknown subscriber", True), (7, "Absent subscriber", False)]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _last_sunday(year: int, month: int) -> datetime:
    """01:00 UTC on the last Sunday of March or October: when UK summer time starts and ends."""
    last = datetime(year, month + 1, 1, 1, tzinfo=timezone.utc) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def js_date(moment: datetime) -> str:
    """JavaScript Date.toString() on a server in Europe/London: `Wed Jul 19 2017 20:53:46 GMT+0100 (BST)`."""
    moment = moment.astimezone(timezone.utc)
    bst = _last_sunday(moment.year, 3) <= moment < _last_sunday(moment.year, 10)
    local = moment + timedelta(hours=1 if bst else 0)
    zone = "GMT+0100 (British Summer Time)" if bst else "GMT+0000 (Greenwich Mean Time)"
    return f"{DAYS[local.weekday()]} {MONTHS[local.month - 1]} {local.day:02d} {local.year} {local:%H:%M:%S} {zone}"


def iso_date(moment: datetime) -> str:
    """JavaScript Date.toISOString(): some fields (e.g. `modified` after a status update) come like this."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


JS_DATE = re.compile(r"^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT([+-])(\d{2})(\d{2})")


def parse_date(value: Any) -> Optional[datetime]:
    """What `new Date(value)` would accept in a query: ISO 8601 or a Date.toString() string."""
    if not isinstance(value, str) or not value:
        return None
    found = JS_DATE.match(value)
    if found:
        month, day, year, hh, mm, ss, sign, oh, om = found.groups()
        offset = timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == "+" else -1)
        return datetime(int(year), MONTHS.index(month) + 1, int(day), int(hh), int(mm), int(ss),
                        tzinfo=timezone(offset)).astimezone(timezone.utc)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def error(status: int, message: str, code: Optional[int] = None) -> Response:
    if code is None:
        return status, {}, {"message": message}  # ErrorModel
    return status, {}, {"message": message, "errorCode": code, "status": "ERROR", "permanent": True}  # ExtendedErrorModel


@dataclass
class SmsWorks(ProviderApp):
    name: str = "smsworks"

    def __post_init__(self) -> None:
        fake = Fake(self.seed, self.name)
        # Messages lie in the 80 days before the account's fixed "today", after the start_date the
        # emulator's configs carry: the same data for a seed on any day.
        today = ACCOUNT_TODAY
        self.customer_id = fake.uuid()
        self.credits = round(50 + fake.rng.random() * 5000, 2)
        self.batch_ids = [fake.digits(7) for _ in range(self.count("batches", 3))]
        self.messages: list[dict[str, Any]] = []  # every message the account holds, with its true time
        self.created: dict[str, datetime] = {}
        self.unread: set[str] = set()
        for i in range(self.count("messages", 60)):
            created = today - timedelta(seconds=1 + fake.rng.randrange(80 * 86400))
            incoming = fake.chance(0.2)
            status = "INCOMING" if incoming else fake.choice(OUTBOUND)
            message_id = fake.uuid().replace("-", "")[:24]
            batch = None if incoming or not self.batch_ids or not fake.chance(0.3) else fake.choice(self.batch_ids)
            modified = created + timedelta(seconds=3 + fake.rng.randrange(600))
            item: dict[str, Any] = {
                "messageid": message_id, "id": message_id, "customerid": self.customer_id,
                "content": fake.text(6) if fake.chance(0.9) else "",
                "sender": ("44" + "7" + fake.digits(9)) if incoming else fake.choice(["YourCompany", "AcmeDental", "447700900123"]),
                # documented as a number, not a string
                "destination": int("447" + fake.digits(9)) if not incoming else 447700900123,
                "status": status,
                "tag": fake.choice(["campaign2", "reminders", None]) if not incoming else None,
                "keyword": fake.choice(["STOP", "INFO", None]) if incoming else None,
                "identifier": fake.digits(10),
                "deliveryreporturl": fake.choice([None, "https://example.com/delivery/report/path"]),
                "created": js_date(created),
                # The API writes dates in more than one format: some `modified` come as ISO strings.
                "modified": js_date(modified) if fake.chance(0.6) else iso_date(modified),
                "schedule": js_date(created - timedelta(seconds=1)) if fake.chance(0.5) else "",
            }
            if batch:
                item["batchid"] = batch
            if incoming and fake.chance(0.5):
                self.unread.add(message_id)
            if status in FAILED:
                code, details, permanent = fake.choice(FAILURES)
                item["failurereason"] = {"code": code, "details": details, "permanent": permanent}
            self.messages.append(item)
            self.created[message_id] = created
        self.messages.sort(key=lambda m: self.created[m["messageid"]])

        self.scheduled = []
        for i in range(self.count("scheduled_messages", 6)):
            batch = fake.chance(0.3)
            when = fake.moment(days=400)
            message: dict[str, Any] = {"sender": "YourCompany", "content": fake.text(5), "schedule": js_date(when)}
            if batch:
                message["destinations"] = ["447" + fake.digits(9) for _ in range(3)]
            else:
                message["destination"] = "447" + fake.digits(9)
            self.scheduled.append({"id": fake.digits(7), "status": fake.choice(["SCHEDULED", "SCHEDULED", "PROCESSED", "CANCELLED"]),
                                   "batch": batch, "message": message})

        self.route("POST", r"/messages", self.search(lambda m: True))
        self.route("POST", r"/messages/failed", self.search(lambda m: m["status"] in FAILED))
        self.route("GET", r"/messages/schedule", self.list_scheduled)
        self.route("GET", r"/messages/(?P<message_id>[^/]+)", self.get_message)
        self.route("GET", r"/batch/(?P<batch_id>[^/]+)", self.get_batch)
        self.route("GET", r"/credits/balance", self.balance)
        self.route("GET", r"/utils/test", self.utils_test)
        self.route("GET", r"/utils/errors/(?P<code>[0-9]+)", self.sample_error)
        # The inbox search returns unread incoming messages only; whether answering it marks them read
        # is not documented, so the connector never calls it and the emulator counts it as a write.
        self.route("POST", r"/messages/inbox", self.search(lambda m: m["messageid"] in self.unread), writes=True)
        # Writes: send, schedule, cancel, delete, OTP, and the credential utilities.
        for method, path in [("POST", r"/message/send"), ("POST", r"/message/flash"), ("POST", r"/message/schedule"),
                             ("POST", r"/batch/send"), ("POST", r"/batch/any"), ("POST", r"/batch/schedule"),
                             ("DELETE", r"/messages/[^/]+"), ("DELETE", r"/messages/schedule/[^/]+"),
                             ("DELETE", r"/batches/schedule/[^/]+"), ("POST", r"/otp/send"), ("POST", r"/otp/verify"),
                             ("POST", r"/auth/token"), ("GET", r"/auth/getApiKey")]:
            self.route(method, path, self.accept_write, writes=True)

    def add_message(self, at: Optional[datetime] = None, inbound: bool = False, **fields: Any) -> dict[str, Any]:
        """A message sent or received now (or at ``at``, cut to the second as the API's dates are).

        Deterministic: the n-th added message of a seed is always the same apart from its time.
        """
        fake = Fake(self.seed, f"{self.name}:added:{len(self.messages)}")
        created = (at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
        message_id = fake.uuid().replace("-", "")[:24]
        item: dict[str, Any] = {
            "messageid": message_id, "id": message_id, "customerid": self.customer_id, "content": fake.text(6),
            "sender": ("447" + fake.digits(9)) if inbound else "YourCompany",
            "destination": 447700900123 if inbound else int("447" + fake.digits(9)),
            "status": "INCOMING" if inbound else "SENT", "tag": None, "keyword": None,
            "identifier": fake.digits(10), "deliveryreporturl": None,
            "created": js_date(created), "modified": js_date(created), "schedule": "", **fields,
        }
        self.created[message_id] = created
        # A new sorted list, swapped in whole: a search being paged concurrently sees one or the other.
        messages = list(self.messages)
        bisect.insort(messages, item, key=lambda m: self.created[m["messageid"]])
        self.messages = messages
        return item

    # -- protocol ------------------------------------------------------------------------------
    LIMITED_PRODUCTS = (REPLY_NUMBER,)

    def credentials(self, key: str = "full") -> dict[str, Any]:
        return {"jwt_token": NO_REPLY_NUMBER_TOKEN if key == "limited" else TOKEN}

    def authorized(self, request: Request) -> bool:
        return (request.header("Authorization") or "").strip() in (TOKEN, NO_REPLY_NUMBER_TOKEN)

    def key_kind(self, request: Request) -> str:
        return "limited" if (request.header("Authorization") or "").strip() == NO_REPLY_NUMBER_TOKEN else "full"

    def forbidden(self, product: str) -> Response:
        return error(403, f"Your account needs {product} for this request")

    def unauthorized(self) -> Response:
        return error(401, "Unauthorized")

    def not_found(self, path: str) -> Response:
        return error(404, f"Cannot find {path}")

    def test_message(self) -> str:
        # The wording is not documented ("Returns the customer ID to the caller"); the id is a UUID.
        return f"The SMS Works API is up and running. Your customer ID is {self.customer_id}"

    def outbound(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["status"] != "INCOMING"]

    def truth(self) -> dict[str, list[dict[str, Any]]]:
        # `messages` holds outbound messages only: the connector reads inbound ones in their own stream.
        batches = [m for m in self.outbound() if m.get("batchid")]
        return {
            "messages": self.outbound(),
            "inbound_messages": [m for m in self.messages if m["status"] == "INCOMING"],
            "batches": batches,
            "scheduled_messages": self.scheduled,
            "credits": [{"credits": self.credits}],
            "account": [{"customerid": self.customer_id, "message": self.test_message()}],
        }

    # -- handlers ------------------------------------------------------------------------------
    def search(self, keep):
        def handler(request: Request) -> Response:
            try:
                query = json.loads(request.body or b"{}")
            except ValueError:
                return error(400, "Request body must be JSON", 1000)
            if not isinstance(query, dict):
                return error(400, "Request body must be a Query object", 1000)
            limit, skip = query.get("limit", MAX_LIMIT), query.get("skip", 0)
            if not isinstance(limit, int) or not isinstance(skip, int) or limit < 1 or skip < 0:
                return error(400, "limit and skip must be non-negative integers", 1000)
            if limit > MAX_LIMIT:
                return error(400, f"limit must not exceed {MAX_LIMIT}", 1000)
            # Inbound messages arrive on a Reply Number; how the API answers an account without one
            # is not documented, this emulator answers 403 so a limited key can be tested.
            if query.get("status") == "INCOMING" and not self.allows(request, REPLY_NUMBER):
                return self.forbidden(REPLY_NUMBER)
            start, end = parse_date(query.get("from")), parse_date(query.get("to"))
            if (query.get("from") and start is None) or (query.get("to") and end is None):
                return error(400, "from and to must be date-time strings", 1000)
            items = []
            for message in self.messages:
                created = self.created[message["messageid"]]
                if not keep(message):
                    continue
                if query.get("status") and message["status"] != query["status"]:
                    continue
                if start and created < start or end and created > end:
                    continue
                if any(query.get(k) not in (None, str(message.get(k))) for k in ("destination", "sender", "keyword")):
                    continue
                if "unread" in query and (message["messageid"] in self.unread) != query["unread"]:
                    continue
                items.append(message)
            return 200, {}, items[skip:skip + limit]
        return handler

    def balance(self, request: Request) -> Response:
        return 200, {}, {"credits": self.credits}

    def utils_test(self, request: Request) -> Response:
        return 200, {}, {"message": self.test_message()}

    def list_scheduled(self, request: Request) -> Response:
        return 200, {}, self.scheduled

    def get_message(self, request: Request, message_id: str) -> Response:
        for message in self.messages:
            if message["messageid"] == message_id:
                return 200, {}, message
        return error(404, "Message not found")

    def get_batch(self, request: Request, batch_id: str) -> Response:
        items = [m for m in self.messages if m.get("batchid") == batch_id]
        if not items:
            return error(404, "Batch not found")
        return 200, {}, items

    def sample_error(self, request: Request, code: str) -> Response:
        return 200, {}, {"message": "Sample error", "errorCode": int(code), "status": "ERROR", "permanent": False}

    def accept_write(self, request: Request) -> Response:
        return 201, {}, {"messageid": "write-should-never-happen", "status": "SENT"}

    def arrive(self, path: str, count: int) -> list[dict[str, Any]]:
        if path != "/messages":
            return super().arrive(path, count)
        now = datetime.now(timezone.utc)
        fake = Fake(self.seed, f"{self.name}:arrived:{len(self.messages)}")
        template = next((m for m in self.messages if m["status"] != "INCOMING"), {})
        new = []
        for _ in range(count):
            message_id = fake.uuid().replace("-", "")[:24]
            new.append({**template, "messageid": message_id, "id": message_id, "status": "SENT",
                        "created": js_date(now), "modified": js_date(now), "schedule": ""})
            new[-1].pop("batchid", None)
            self.created[message_id] = now
        self.messages[:0] = new
        return new


APP = SmsWorks
