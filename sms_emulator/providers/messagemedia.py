"""Sinch MessageMedia, as documented in messagemedia/documentation spec/openapi.yaml (MM) and
messagemedia/sinchengage-developer spec/ (SE): Basic auth, the v2-preview detail report (POST-search,
page/page_size <= 100, has_next), message status by id (45-day retention), sender addresses and dedicated
number assignments (token paging), the Contacts API (nextPageToken, pageSize <= 1000), and the
replies / delivery-report queues (peek with GET; POST .../confirmed drains them and is a write).

Message timestamps lie in the 85 days before the account's fixed "today" (sms_emulator.data.ACCOUNT_TODAY),
inside the start_date the emulator's configs carry; everything is a pure function of the seed.
"""

from __future__ import annotations

import base64
import bisect
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from sms_emulator.data import ACCOUNT_TODAY, Fake
from sms_emulator.providers.base import ProviderApp, Request, Response

API_KEY = "emulator-mm-key-51c0e8a2"
API_SECRET = "emulator-mm-secret-9b7d4f16a3"
# A valid key pair of the same account without the paid Dedicated Numbers feature or the Contacts API.
LIMITED_KEY = "emulator-mm-messaging-only-key-6d2e"
LIMITED_SECRET = "emulator-mm-messaging-only-secret-0c94b1"
DEDICATED, CONTACTS = "Dedicated Numbers", "the Contacts API"
MAX_REPORT_PAGE_SIZE = 100
MAX_CONTACTS_PAGE_SIZE = 1000
HISTORY_DAYS = 85
# Without `timezone`, report dates are read in the account's timezone (MM detailrequest).
ACCOUNT_TIMEZONE_OFFSET = timedelta(hours=10)  # Australia/Brisbane, no daylight saving
STATUSES = ["delivered"] * 6 + ["enroute", "submitted", "failed", "rejected", "expired", "undeliverable"]
STATUS_CODES = {"delivered": (220, "Message delivered"), "enroute": (200, "Message en route"),
                "submitted": (210, "Message submitted"), "failed": (330, "Message failed"),
                "rejected": (411, "Invalid destination address"), "expired": (320, "Message expired"),
                "undeliverable": (402, "Undeliverable"), "received": (None, None)}


def mm_time(moment: datetime) -> str:
    """Entity timestamps: ISO 8601 UTC with milliseconds, e.g. 2016-11-03T11:49:02.807Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def report_time(moment: datetime) -> str:
    """Detail-report timestamps carry no offset (documented example 2017-02-10T16:30:00)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def error(status: int, message: str, details: Optional[list[str]] = None) -> Response:
    body: dict[str, Any] = {"message": message}
    if details is not None:
        body["details"] = details
    return status, {}, body


def contacts_error(status: int, kind: str, title: str, detail: str, fields: Optional[list[dict]] = None) -> Response:
    body = {"uuid": "00000000-0000-4000-8000-000000000000", "type": kind, "title": title, "detail": detail}
    if fields is not None:
        body["invalidFields"] = fields
    return status, {}, body


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset#{offset}".encode()).decode()


def decode_token(token: str) -> Optional[int]:
    try:
        kind, offset = base64.urlsafe_b64decode(token.encode()).decode().split("#")
        return int(offset) if kind == "offset" else None
    except (ValueError, UnicodeDecodeError):
        return None


def parse_report_date(value: Any, tz_offset: timedelta) -> Optional[datetime]:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone(tz_offset))
    return moment.astimezone(timezone.utc)


@dataclass
class MessageMedia(ProviderApp):
    name: str = "messagemedia"

    def __post_init__(self) -> None:
        fake = Fake(self.seed, self.name)
        today = ACCOUNT_TODAY
        self.account_id = "MM" + fake.digits(6)
        self.sub_accounts = {self.account_id, self.account_id + "-SUB1"}
        vendor = "MessageMedia"

        self.contact_lists = []
        for i in range(self.count("contact_lists", 6)):
            created = fake.moment()
            self.contact_lists.append({
                "id": fake.uuid(), "accountId": self.account_id, "vendorId": vendor,
                "name": fake.choice(["VIP customers", "Newsletter", "Clinic reminders", "Café regulars 🎉", "Staff"]) + f" {i}",
                "alias": fake.choice([None, f"list-{i}"]), "createdDate": mm_time(created),
                "lastModifiedDate": mm_time(created + timedelta(days=fake.choice([0, 3, 40]))),
            })
        self.contacts = []
        for i in range(self.count("contacts", 30)):
            first, last = fake.name().split(" ", 1)
            created = fake.moment()
            member_of = [lst for lst in self.contact_lists if fake.chance(0.3)]
            self.contacts.append({
                "id": fake.uuid(), "accountId": self.account_id, "vendorId": vendor,
                "firstName": first, "lastName": last, "fullName": f"{first} {last}", "alias": fake.choice([None, first.lower()]),
                "dateOfBirth": fake.choice([None, f"19{fake.digits(2)}-0{1 + i % 9}-1{i % 9}"]), "country": "AU",
                "state": fake.choice(["NSW", "VIC", "QLD", None]), "location": fake.choice(["Sydney", "Melbourne", "Brisbane", None]),
                "note": fake.choice([None, fake.text(5)]), "createdDate": mm_time(created),
                "lastModifiedDate": mm_time(created + timedelta(hours=fake.choice([0, 5, 200]))),
                "customFields": [{"id": fake.uuid(), "mergeTag": "customer_no", "value": fake.digits(6), "type": "NUMBER"}] if fake.chance(0.5) else [],
                "channels": [{"channelId": "+614" + fake.digits(8), "type": "SMS",
                              "subscriptionState": fake.choice(["SUBSCRIBED", "SUBSCRIBED", "UNSUBSCRIBED"])}],
                "lists": [{"id": lst["id"], "name": lst["name"]} for lst in member_of],
            })

        self.sender_ids = []
        for i in range(self.count("sender_ids", 7)):
            created = fake.moment()
            kind = ["ALPHANUMERIC", "OWN_NUMBER", "DEDICATED"][i % 3]
            entry = {
                "id": fake.uuid(),
                "sender_address": fake.choice(["ACMEDENTAL", "GLOBEX", "CityCour", "Fjord"]) + str(i) if kind == "ALPHANUMERIC" else "614" + fake.digits(8),
                "sender_address_type": "ALPHANUMERIC" if kind == "ALPHANUMERIC" else "INTERNATIONAL",
                "usage_type": kind, "destination_countries": fake.choice([["AU"], ["AU", "NZ"], ["GB"]]),
                "reason": fake.choice([None, "Appointment reminders"]), "label": fake.choice([None, f"label {i}"]),
                "account_id": self.account_id, "created_date": mm_time(created),
                "last_modified_date": mm_time(created + timedelta(days=2)),
            }
            if kind == "OWN_NUMBER":
                entry["expiry"] = mm_time(created + timedelta(days=365))
                entry["display_status"] = fake.choice(["APPROVED", "EXPIRING", "EXPIRED"])
            self.sender_ids.append(entry)

        self.assigned_numbers = []
        for i in range(self.count("phone_numbers", 5)):
            number_id = fake.uuid()
            self.assigned_numbers.append({
                "assignment": {"id": fake.uuid(), "number_id": number_id, "label": fake.choice([None, f"Line {i}"]),
                               "metadata": fake.choice([{}, {"team": "support"}, {"store": "Café Nord"}])},
                "number": {"id": number_id, "phone_number": "614" + fake.digits(8), "country": "AU",
                           "type": fake.choice(["MOBILE", "MOBILE", "TOLL_FREE", "SHORT_CODE"]),
                           "classification": fake.choice(["BRONZE", "SILVER", "GOLD"]),
                           "available_after": mm_time(fake.moment()), "capabilities": fake.choice([["SMS"], ["SMS", "MMS"], ["SMS", "TTS"]])},
            })
        own_numbers = [n["number"]["phone_number"] for n in self.assigned_numbers] or ["61400000000"]

        # The detail report: every sent and received message. Status entities exist for sent ones.
        self.report: list[dict[str, Any]] = []
        self.statuses: dict[str, dict[str, Any]] = {}
        outbound_ids: list[str] = []
        for _ in range(self.count("messages", 240)):
            sent = today - timedelta(seconds=1 + fake.rng.randrange(HISTORY_DAYS * 86400))
            message_id = fake.uuid()
            inbound = fake.chance(0.25)
            status = "delivered" if inbound else fake.choice(STATUSES)
            code, description = STATUS_CODES["received" if inbound else status]
            customer, own = "614" + fake.digits(8), fake.choice(own_numbers)
            metadata = fake.choice([None, [{"key": "campaign", "value": "spring-🌸"}], [{"key": "order", "value": fake.digits(5)}]])
            row = {
                "message_id": message_id, "format": fake.choice(["SMS"] * 9 + ["MMS"]),
                "timestamp": report_time(sent),
                "delivered_timestamp": report_time(sent + timedelta(seconds=7)) if status == "delivered" else None,
                "last_status_update": report_time(sent + timedelta(seconds=7)),
                "direction": "inbound" if inbound else "outbound", "status": status,
                "status_code": code, "status_description": description,
                "source_address": customer if inbound else own, "destination_address": own if inbound else customer,
                "destination_address_country": "AU", "source_address_country": "AU",
                "in_response_to": fake.choice(outbound_ids) if inbound and outbound_ids and fake.chance(0.7) else None,
                "content": fake.text(fake.choice([3, 8, 14])), "account_id": fake.choice(sorted(self.sub_accounts)),
                "units": 1 + int(fake.chance(0.1)), "billing_category": None, "message_type": None, "metadata": metadata,
            }
            self.report.append(row)
            if not inbound:
                outbound_ids.append(message_id)
                self.statuses[message_id] = {
                    "message_id": message_id, "status": status, "content": row["content"], "format": row["format"],
                    "destination_number": "+" + customer, "source_number": "+" + own, "source_number_type": "INTERNATIONAL",
                    "callback_url": fake.choice([None, "https://example.com/mm/callback"]), "delivery_report": True,
                    "scheduled": None, "message_expiry_timestamp": None,
                    "metadata": {m["key"]: m["value"] for m in metadata} if metadata else None,
                }
        self.report.sort(key=lambda r: (r["timestamp"], r["message_id"]))
        # Ids a user would configure for status lookups: a few known ones plus one past the 45 days.
        self.status_ids = outbound_ids[:5]
        self.expired_message_id = fake.uuid()

        # Queues (peek only): unconfirmed replies and delivery reports, at most 100 per call.
        self.replies = [{"reply_id": fake.uuid(), "message_id": r["in_response_to"], "content": r["content"],
                         "date_received": r["timestamp"] + ".000Z", "source_number": "+" + r["source_address"],
                         "destination_number": "+" + r["destination_address"], "callback_url": None, "metadata": None,
                         "vendor_account_id": {"vendor_id": vendor, "account_id": r["account_id"]}}
                        for r in self.report if r["direction"] == "inbound"]
        self.delivery_reports = [{"delivery_report_id": fake.uuid(), "message_id": r["message_id"], "status": r["status"],
                                  "date_received": r["last_status_update"] + ".000Z", "submitted_date": r["timestamp"] + ".000Z",
                                  "source_number": "+" + r["source_address"], "original_text": r["content"], "billing_units": r["units"],
                                  "callback_url": None, "metadata": None,
                                  "vendor_account_id": {"vendor_id": vendor, "account_id": r["account_id"]}}
                                 for r in self.report if r["direction"] == "outbound"]

        # Reads.
        self.route("POST", r"/v2-preview/reporting/messages/detail", self.detail_report)
        self.route("GET", r"/v1/messages/(?P<message_id>[^/]+)", self.message_status)
        self.route("GET", r"/v1/messaging/numbers/sender_address/addresses/?", self.list_sender_addresses)
        self.route("GET", r"/v1/messaging/numbers/dedicated/assignments/?", self.list_assignments, product=DEDICATED)
        self.route("GET", r"/api/v1/contacts/contacts", self.list_contacts, product=CONTACTS)
        self.route("GET", r"/api/v1/contacts/lists", self.list_contact_lists, product=CONTACTS)
        self.route("GET", r"/v1/replies", self.check_replies)
        self.route("GET", r"/v1/delivery_reports", self.check_delivery_reports)
        # Writes: answered, recorded, and never to be called by a read. Confirming drains the queues.
        for method, pattern in [
            ("POST", r"/v1/messages"), ("PUT", r"/v1/messages/[^/]+"),
            ("POST", r"/v1/replies/confirmed"), ("POST", r"/v1/delivery_reports/confirmed"),
            ("POST", r"/v1/messaging/numbers/sender_address/requests(/.*)?"),
            ("POST", r"/v1/messaging/numbers/sender_address/addresses/.+"),
            ("PATCH", r"/v1/messaging/numbers/sender_address/addresses/.+"),
            ("DELETE", r"/v1/messaging/numbers/sender_address/addresses/.+"),
            ("POST", r"/v1/messaging/numbers/dedicated/[^/]+/assignment"),
            ("PATCH", r"/v1/messaging/numbers/dedicated/[^/]+/assignment"),
            ("DELETE", r"/v1/messaging/numbers/dedicated/[^/]+/assignment"),
            ("POST", r"/v1/number_authorisation/mt/blacklist"), ("DELETE", r"/v1/number_authorisation/mt/blacklist/.+"),
            ("POST", r"/v1/webhooks/messages"), ("PATCH", r"/v1/webhooks/messages/.+"), ("DELETE", r"/v1/webhooks/messages/.+"),
            ("POST", r"/api/v1/contacts/.*"), ("PATCH", r"/api/v1/contacts/.*"), ("DELETE", r"/api/v1/contacts/.*"),
            ("POST", r"/v2-preview/reporting/messages/async/(detail|summary)"),
            ("POST", r"/v2-preview/reporting/(detail|summary)/scheduled"),
            ("PUT", r"/v2-preview/reporting/(detail|summary)/scheduled/.+"),
            ("DELETE", r"/v2-preview/reporting/scheduled/.+"),
        ]:
            self.route(method, pattern, self.accept_write, writes=True)

    def add_message(self, at: Optional[datetime] = None, inbound: bool = False, **fields: Any) -> dict[str, Any]:
        """A message sent or received now (or at ``at``), as the detail report will list it.

        Report timestamps have whole seconds, so ``at`` is cut to the second. Deterministic: the n-th
        added message of a seed is always the same apart from its time.
        """
        fake = Fake(self.seed, f"{self.name}:added:{len(self.report)}")
        moment = (at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
        customer, own = "614" + fake.digits(8), self.assigned_numbers[0]["number"]["phone_number"] if self.assigned_numbers else "61400000000"
        status = "delivered" if inbound else fake.choice(STATUSES)
        code, description = STATUS_CODES["received" if inbound else status]
        row = {
            "message_id": fake.uuid(), "format": "SMS", "timestamp": report_time(moment),
            "delivered_timestamp": report_time(moment) if status == "delivered" else None,
            "last_status_update": report_time(moment), "direction": "inbound" if inbound else "outbound",
            "status": status, "status_code": code, "status_description": description,
            "source_address": customer if inbound else own, "destination_address": own if inbound else customer,
            "destination_address_country": "AU", "source_address_country": "AU", "in_response_to": None,
            "content": fake.text(5), "account_id": self.account_id, "units": 1, "billing_category": None,
            "message_type": None, "metadata": None, **fields,
        }
        if not inbound:
            self.statuses[row["message_id"]] = {
                "message_id": row["message_id"], "status": status, "content": row["content"], "format": "SMS",
                "destination_number": "+" + customer, "source_number": "+" + own, "source_number_type": "INTERNATIONAL",
                "callback_url": None, "delivery_report": True, "scheduled": None, "message_expiry_timestamp": None, "metadata": None,
            }
        # A new sorted list, swapped in whole: a report being paged concurrently sees one or the other.
        report = list(self.report)
        bisect.insort(report, row, key=lambda r: (r["timestamp"], r["message_id"]))
        self.report = report
        return row

    # -- protocol ------------------------------------------------------------------------------
    LIMITED_PRODUCTS = (DEDICATED, CONTACTS)

    def credentials(self, key: str = "full") -> dict[str, Any]:
        if key == "limited":
            return {"api_key": LIMITED_KEY, "api_secret": LIMITED_SECRET}
        return {"api_key": API_KEY, "api_secret": API_SECRET}

    def key_kind(self, request: Request) -> str:
        limited = "Basic " + base64.b64encode(f"{LIMITED_KEY}:{LIMITED_SECRET}".encode()).decode()
        return "limited" if request.header("Authorization") == limited else "full"

    def forbidden(self, product: str) -> Response:
        if product == CONTACTS:  # the Contacts API's own error shape
            return contacts_error(403, "forbidden", "Forbidden", "The authenticated user or account doesn't have permission")
        return error(403, "This feature has not been enabled in your account.")  # MM's documented 403 body

    def hints(self) -> dict[str, Any]:
        return {"message_ids": [*self.status_ids, self.expired_message_id]}

    def authorized(self, request: Request) -> bool:
        accepted = ["Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
                    for key, secret in ((API_KEY, API_SECRET), (LIMITED_KEY, LIMITED_SECRET))]
        return request.header("Authorization") in accepted

    def unauthorized(self) -> Response:
        return error(401, "Unauthenticated: invalid API key or secret")

    def not_found(self, path: str) -> Response:
        return error(404, f"No resource at {path}")

    def truth(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "messages": self.report,
            "message_statuses": [self.statuses[i] for i in self.status_ids],
            "sender_ids": self.sender_ids,
            "phone_numbers": self.assigned_numbers,
            "contacts": self.contacts,
            "contact_lists": self.contact_lists,
        }

    # -- helpers -------------------------------------------------------------------------------
    def _sub_account_error(self, request: Request) -> Optional[Response]:
        account = request.header("Account")
        if account is not None and account not in self.sub_accounts:
            return error(403, f"Account {account} is not a sub-account of this API key's account")
        return None

    def _for_account(self, request: Request, items: list[dict], key: str) -> list[dict]:
        account = request.header("Account")
        return [i for i in items if account is None or i.get(key) == account]

    def _token_page(self, request: Request, items: list[dict], default_size: int) -> Response:
        try:
            size = int(request.arg("page_size", str(default_size)))
        except ValueError:
            return error(400, "Invalid request", ["page_size must be an integer"])
        if size < 1:
            return error(400, "Invalid request", ["page_size must be at least 1"])
        offset = 0
        if request.arg("token") is not None:
            decoded = decode_token(request.arg("token") or "")
            if decoded is None:
                return error(400, "Invalid request", ["token is not valid"])
            offset = decoded
        chunk = items[offset:offset + size]
        pagination: dict[str, Any] = {"page_size": size}
        if offset + size < len(items):
            pagination["next_token"] = encode_token(offset + size)
        return 200, {}, {"data": chunk, "pagination": pagination}

    def _contacts_page(self, request: Request, items: list[dict]) -> Response:
        try:
            size = int(request.arg("pageSize", "20"))
        except ValueError:
            size = -1
        if not 1 <= size <= MAX_CONTACTS_PAGE_SIZE:
            return contacts_error(400, "validation", "Request has incorrect values", "pageSize must be between 1 and 1000",
                                  [{"name": "pageSize", "code": "constraint_violation", "reason": "must be between 1 and 1000"}])
        offset = 0
        if request.arg("nextPageToken") is not None:
            decoded = decode_token(request.arg("nextPageToken") or "")
            if decoded is None:
                return contacts_error(400, "validation", "Request has incorrect values", "nextPageToken is not valid",
                                      [{"name": "nextPageToken", "code": "invalid_format", "reason": "unknown token"}])
            offset = decoded
        chunk = items[offset:offset + size]
        body: dict[str, Any] = {"content": chunk, "totalElements": len(items)}
        if offset + size < len(items):
            body["nextPageToken"] = encode_token(offset + size)
        if offset > 0:
            body["prevPageToken"] = encode_token(max(0, offset - size))
        return 200, {}, body

    # -- handlers ------------------------------------------------------------------------------
    def detail_report(self, request: Request) -> Response:
        denied = self._sub_account_error(request)
        if denied:
            return denied
        try:
            query = json.loads(request.body or b"{}")
        except ValueError:
            return error(400, "Invalid request", ["The request body is not valid JSON"])
        if not isinstance(query, dict):
            return error(400, "Invalid request", ["The request body must be an object"])
        details = [f"{key} is required" for key in ("start_date", "end_date") if key not in query]
        if details:
            return error(400, "Invalid request", details)
        tz_name = query.get("timezone")
        if tz_name not in (None, "UTC", "Etc/UTC"):
            return error(400, "Invalid request", [f"timezone {tz_name} is not supported by the emulator"])
        offset = ACCOUNT_TIMEZONE_OFFSET if tz_name is None else timedelta(0)
        start, end = parse_report_date(query["start_date"], offset), parse_report_date(query["end_date"], offset)
        if start is None or end is None:
            return error(400, "Invalid request", ["start_date and end_date must be ISO 8601 date-times"])
        if end <= start:
            return error(400, "Invalid request", ["end_date must be after start_date"])
        page, size = query.get("page", 0), query.get("page_size", MAX_REPORT_PAGE_SIZE)
        if not isinstance(page, int) or isinstance(page, bool) or page < 0:
            return error(400, "Invalid request", ["page must be an integer of at least 0"])
        if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_REPORT_PAGE_SIZE:
            return error(400, "Invalid request", [f"page_size must be between 1 and {MAX_REPORT_PAGE_SIZE}"])
        direction = query.get("direction", "all")
        if direction not in ("inbound", "outbound", "all"):
            return error(400, "Invalid request", ["direction must be inbound, outbound or all"])
        rows = []
        for row in self._for_account(request, self.report, "account_id"):
            moment = datetime.fromisoformat(row["timestamp"]).replace(tzinfo=timezone.utc)
            if start <= moment <= end and direction in ("all", row["direction"]):
                # Timestamps come back in the requested timezone, without an offset.
                rows.append({**row, **{k: report_time(datetime.fromisoformat(row[k]) + offset)
                                       for k in ("timestamp", "delivered_timestamp", "last_status_update") if row[k]}})
        chunk = rows[page * size:(page + 1) * size]
        return 200, {}, {"messages": chunk,
                         "pagination": {"page": page, "page_size": size, "has_next": (page + 1) * size < len(rows)}}

    def message_status(self, request: Request, message_id: str) -> Response:
        denied = self._sub_account_error(request)
        if denied:
            return denied
        if message_id not in self.statuses:
            return error(404, f"Message {message_id} not found or older than 45 days")
        return 200, {}, self.statuses[message_id]

    def list_sender_addresses(self, request: Request) -> Response:
        return self._sub_account_error(request) or self._token_page(request, self._for_account(request, self.sender_ids, "account_id"), 20)

    def list_assignments(self, request: Request) -> Response:
        return self._sub_account_error(request) or self._token_page(request, self.assigned_numbers, 50)

    def list_contacts(self, request: Request) -> Response:
        return self._sub_account_error(request) or self._contacts_page(request, self.contacts)

    def list_contact_lists(self, request: Request) -> Response:
        return self._sub_account_error(request) or self._contacts_page(request, self.contact_lists)

    def check_replies(self, request: Request) -> Response:
        return 200, {}, {"replies": self.replies[:100]}

    def check_delivery_reports(self, request: Request) -> Response:
        return 200, {}, {"delivery_reports": self.delivery_reports[:100]}

    def accept_write(self, request: Request) -> Response:
        return 202, {}, {"message": "write-should-never-happen"}

    def arrive(self, path: str, count: int) -> list[dict[str, Any]]:
        now = datetime.now(timezone.utc)
        if path == "/api/v1/contacts/contacts":
            items, template = self.contacts, self.contacts[0] if self.contacts else {}
            fake = Fake(self.seed, f"{self.name}:arrived:{len(items)}")
            new = [{**template, "id": fake.uuid(), "createdDate": mm_time(now), "lastModifiedDate": mm_time(now)} for _ in range(count)]
        elif path == "/v2-preview/reporting/messages/detail":
            items, template = self.report, self.report[0] if self.report else {}
            fake = Fake(self.seed, f"{self.name}:arrived:{len(items)}")
            new = [{**template, "message_id": fake.uuid(), "timestamp": report_time(now), "last_status_update": report_time(now),
                    "delivered_timestamp": None} for _ in range(count)]
        else:
            return super().arrive(path, count)
        items[:0] = new
        return new


APP = MessageMedia
