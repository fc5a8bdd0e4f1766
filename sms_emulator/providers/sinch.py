"""The Sinch SMS REST API (`xms/v1`), as Sinch's SMS OpenAPI and its SDKs describe it.

Sources (docs/providers/sinch.md): developers.sinch.com SMS API reference (batches, delivery reports,
inbounds, groups), sinch/sinch-sdk-python `sinch/domains/sms/` (b45a3ed), the SMS OpenAPI copy in
ballerina-platform/openapi-connectors `openapi/sinch.sms/openapi.yaml`.

Mounted as if at `https://{region}.sms.api.sinch.com`: every path is `/xms/v1/{service_plan_id}/...`
with `Authorization: Bearer <API token of that service plan>`. Lists are paged with `page` (from 0) and
`page_size` (at most 100; default 30) and answer `{count, page, page_size, <items>}`; batches,
delivery reports and inbounds filter on `start_date` (inclusive) and `end_date` (exclusive), ISO 8601,
default start 24 h ago. Errors are `{code, text}`. Sending, dry runs, updating, replacing or cancelling
a batch, delivery feedback and every group change are writes.

Everything lies in the 60 days before the account's fixed "today" (sms_emulator.data.ACCOUNT_TODAY),
a pure function of the seed.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from sms_emulator.data import ACCOUNT_TODAY, Fake
from sms_emulator.providers.base import ProviderApp, Request, Response

SERVICE_PLAN_ID = "e2b5c4d1a09f4e3b8c7d6a5f40312e9b"
API_TOKEN = "emulator-sinch-token-7c41d9e0b2a6"
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 30
HISTORY_DAYS = 60
ULID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Final statuses of a recipient delivery report, weighted as a healthy account sees them, with the
# delivery receipt code each one comes with (0: delivered; 4xx: Sinch's own codes).
FINAL = [("Delivered", 0)] * 7 + [("Failed", 411), ("Expired", 406), ("Rejected", 402), ("Aborted", 416),
                                  ("Deleted", 410), ("Unknown", 0), ("Cancelled", 408)]
SENDERS = ["+12025550147", "+12025550188", "SinchShop", "447537404817"]


def sinch_time(moment: datetime) -> str:
    """ISO 8601 UTC with milliseconds, as the API writes every timestamp: 2026-08-03T10:54:58.123Z."""
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(value: Optional[str]) -> Optional[datetime]:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def error(status: int, code: str, text: str) -> Response:
    return status, {}, {"code": code, "text": text}


@dataclass
class Sinch(ProviderApp):
    name: str = "sinch"

    def ulid(self, fake: Fake, moment: datetime) -> str:
        """Batch, inbound and group ids are ULIDs: 10 characters of time, 16 of randomness."""
        millis, stamp = int(moment.timestamp() * 1000), ""
        for _ in range(10):
            millis, digit = divmod(millis, 32)
            stamp = ULID_ALPHABET[digit] + stamp
        return stamp + "".join(fake.choice(ULID_ALPHABET) for _ in range(16))

    def __post_init__(self) -> None:
        fake = Fake(self.seed, self.name)
        self.fake = fake
        today = ACCOUNT_TODAY
        self.groups: list[dict[str, Any]] = []
        self.members: dict[str, list[str]] = {}
        for i in range(self.count("contact_groups", 4)):
            created = today - timedelta(days=90 + fake.rng.randrange(200))
            group_id = self.ulid(fake, created)
            members = sorted({"+1" + fake.choice(["202", "415", "646"]) + "555" + fake.digits(4) for _ in range(3 + fake.rng.randrange(6))})
            self.members[group_id] = members
            group: dict[str, Any] = {
                "id": group_id, "name": ["VIP", "Newsletter", "Clinic reminders", "Staff ☕", "Spring promo"][i % 5],
                "size": len(members), "created_at": sinch_time(created),
                "modified_at": sinch_time(created + timedelta(days=fake.choice([0, 2, 30]))), "child_groups": [],
            }
            if i == 0:
                group["auto_update"] = {"to": "+12025550147", "add": {"first_word": "JOIN"}, "remove": {"first_word": "STOP"}}
            self.groups.append(group)
        self.groups.sort(key=lambda g: g["created_at"], reverse=True)  # "reverse chronological order"

        self.batches: list[dict[str, Any]] = []  # oldest first; lists answer newest first
        self.reports: list[dict[str, Any]] = []
        for _ in range(self.count("messages", 40)):
            created = today - timedelta(seconds=1 + fake.rng.randrange(HISTORY_DAYS * 86400), milliseconds=fake.rng.randrange(1000))
            self.add_batch(fake, created)
        self.batches.sort(key=lambda b: b["created_at"])
        self.reports.sort(key=lambda r: r["at"])

        self.inbounds: list[dict[str, Any]] = []
        for _ in range(self.count("inbound_messages", 12)):
            received = today - timedelta(seconds=1 + fake.rng.randrange(HISTORY_DAYS * 86400), milliseconds=fake.rng.randrange(1000))
            self.inbounds.append(self.inbound(fake, received))
        self.inbounds.sort(key=lambda m: m["received_at"])

        base = r"/xms/v1/(?P<plan>[^/]+)"
        self.route("GET", base + r"/batches", self.list_batches)
        self.route("GET", base + r"/batches/(?P<batch_id>[^/]+)", self.get_batch)
        self.route("GET", base + r"/batches/(?P<batch_id>[^/]+)/delivery_report", self.batch_report)
        self.route("GET", base + r"/delivery_reports", self.list_reports)
        self.route("GET", base + r"/inbounds", self.list_inbounds)
        self.route("GET", base + r"/groups", self.list_groups)
        self.route("GET", base + r"/groups/(?P<group_id>[^/]+)/members", self.get_members)
        # Writes: send, dry run (documented as sending nothing, but a POST with a batch body a read
        # has no use for), update / replace / cancel a batch, delivery feedback, and group changes.
        for method, path in [("POST", r"/batches"), ("POST", r"/batches/dry_run"), ("POST", r"/batches/[^/]+"),
                             ("PUT", r"/batches/[^/]+"), ("DELETE", r"/batches/[^/]+"),
                             ("POST", r"/batches/[^/]+/delivery_feedback"), ("POST", r"/groups"),
                             ("POST", r"/groups/[^/]+"), ("PUT", r"/groups/[^/]+"), ("DELETE", r"/groups/[^/]+")]:
            self.route(method, base + path, self.accept_write, writes=True)

    # -- seeded data -------------------------------------------------------------------------------
    def add_batch(self, fake: Fake, created: datetime, recipients: Optional[list[str]] = None) -> dict[str, Any]:
        batch_id = self.ulid(fake, created)
        to = recipients or ["+1" + fake.choice(["202", "415", "646", "917"]) + "555" + fake.digits(4)
                            for _ in range(fake.choice([1, 1, 1, 2, 3]))]
        canceled = fake.chance(0.05)
        batch = {
            "id": batch_id, "type": "mt_text", "from": fake.choice(SENDERS), "to": to, "body": fake.text(7),
            "created_at": sinch_time(created), "modified_at": sinch_time(created + timedelta(seconds=fake.choice([0, 0, 2]))),
            "canceled": canceled, "delivery_report": fake.choice(["summary", "full", "per_recipient"]),
            "expire_at": sinch_time(created + timedelta(days=3)), "flash_message": False,
        }
        if fake.chance(0.3):
            batch["client_reference"] = "order-" + fake.digits(6)
        if fake.chance(0.15):
            batch["send_at"] = sinch_time(created + timedelta(hours=fake.choice([1, 24])))
        self.batches.append(batch)
        for recipient in to:
            status, code = ("Cancelled", 408) if canceled else fake.choice(FINAL)
            at = created + timedelta(seconds=5 + fake.rng.randrange(3600), milliseconds=fake.rng.randrange(1000))
            report = {"type": "recipient_delivery_report_sms", "batch_id": batch_id, "recipient": recipient,
                      "code": code, "status": status, "at": sinch_time(at)}
            if status not in ("Cancelled", "Aborted"):
                report["operator_status_at"] = sinch_time(at.replace(second=0, microsecond=0))
            if "client_reference" in batch:
                report["client_reference"] = batch["client_reference"]
            if fake.chance(0.3):
                report["number_of_message_parts"] = fake.choice([1, 2])
            self.reports.append(report)
        return batch

    def inbound(self, fake: Fake, received: datetime) -> dict[str, Any]:
        item = {"type": "mo_text", "id": self.ulid(fake, received), "from": "+1" + fake.choice(["202", "415"]) + "555" + fake.digits(4),
                "to": fake.choice(["+12025550147", "+12025550188"]), "body": fake.text(5), "received_at": sinch_time(received),
                "operator_id": fake.choice(["310260", "311480", None])}
        if fake.chance(0.5):
            item["sent_at"] = sinch_time(received - timedelta(seconds=2))
        return {k: v for k, v in item.items() if v is not None}  # "null values are omitted in responses"

    def add_message(self, at: Optional[datetime] = None, inbound: bool = False, **fields: Any) -> dict[str, Any]:
        """A batch sent (with its delivery report) or an inbound received now, or at ``at``."""
        fake = Fake(self.seed, f"{self.name}:added:{len(self.batches)}:{len(self.inbounds)}")
        moment = (at or datetime.now(timezone.utc)).astimezone(timezone.utc)
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        if inbound:
            item = {**self.inbound(fake, moment), **fields}
            inbounds = list(self.inbounds)
            bisect.insort(inbounds, item, key=lambda m: m["received_at"])
            self.inbounds = inbounds
            return item
        batches, reports = list(self.batches), list(self.reports)
        self.batches, self.reports = [], []
        batch = self.add_batch(fake, moment, recipients=["+12025550" + fake.digits(3)])
        batch.update(fields)
        batch["canceled"] = False
        for report in self.reports:
            bisect.insort(reports, report, key=lambda r: r["at"])
        bisect.insort(batches, batch, key=lambda b: b["created_at"])
        self.batches, self.reports = batches, reports
        return batch

    # -- protocol ------------------------------------------------------------------------------
    def credentials(self, key: str = "full") -> dict[str, Any]:  # no limited key for Sinch yet
        return {"service_plan_id": SERVICE_PLAN_ID, "api_token": API_TOKEN}

    def authorized(self, request: Request) -> bool:
        return (request.header("Authorization") or "") == f"Bearer {API_TOKEN}"

    def unauthorized(self) -> Response:
        # The API answers 401 with an empty body; a JSON one here lets the connector's message be checked.
        return error(401, "unauthorized", "Authentication token is invalid for this service plan")

    def not_found(self, path: str) -> Response:
        return error(404, "not_found", f"No resource at {path}")

    def rate_limited(self, retry_after: int) -> Response:
        return 429, {"Retry-After": str(retry_after)}, {"code": "too_many_requests", "text": "Too many outstanding requests"}

    def truth(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "messages": self.batches,
            "message_statuses": self.reports,
            "inbound_messages": self.inbounds,
            # One record per group, with the members GET /groups/{id}/members lists.
            "contact_groups": [{**g, "members": self.members[g["id"]]} for g in self.groups],
        }

    # -- handlers ------------------------------------------------------------------------------
    def _plan(self, plan: str) -> Optional[Response]:
        # A token belongs to one service plan; another plan's path is refused like a wrong token.
        return None if plan == SERVICE_PLAN_ID else error(401, "unauthorized", "Authentication token is invalid for this service plan")

    def _page(self, request: Request, key: str, items: list[dict[str, Any]]) -> Response:
        try:
            page = int(request.arg("page", "0"))
            size = int(request.arg("page_size", str(DEFAULT_PAGE_SIZE)))
        except ValueError:
            return error(400, "syntax_invalid_parameter_format", "page and page_size must be integers")
        if page < 0 or not 1 <= size <= MAX_PAGE_SIZE:
            return error(400, "syntax_constraint_violation", f"page must be 0 or larger and page_size between 1 and {MAX_PAGE_SIZE}")
        chunk = items[page * size:(page + 1) * size]
        return 200, {}, {"count": len(items), "page": page, "page_size": len(chunk), key: chunk}

    def _dated(self, request: Request, items: list[dict[str, Any]], field: str) -> Optional[list[dict[str, Any]]]:
        """Items with start_date <= field < end_date, newest first; None when a date is malformed."""
        start_text, end_text = request.arg("start_date"), request.arg("end_date")
        start, end = parse_time(start_text), parse_time(end_text)
        if (start_text and start is None) or (end_text and end is None):
            return None
        start = start or datetime.now(timezone.utc) - timedelta(hours=24)  # documented default: 24 h ago
        return [item for item in reversed(items)
                if start <= parse_time(item[field]) and (end is None or parse_time(item[field]) < end)]

    def list_batches(self, request: Request, plan: str) -> Response:
        refused = self._plan(plan)
        if refused:
            return refused
        batches = self._dated(request, self.batches, "created_at")
        if batches is None:
            return error(400, "syntax_invalid_parameter_format", "start_date and end_date must be ISO-8601 date-times")
        senders = [s.strip() for s in (request.arg("from") or "").split(",") if s.strip()]
        if senders:
            batches = [b for b in batches if b["from"] in senders]
        return self._page(request, "batches", batches)

    def get_batch(self, request: Request, plan: str, batch_id: str) -> Response:
        refused = self._plan(plan)
        if refused:
            return refused
        found = next((b for b in self.batches if b["id"] == batch_id), None)
        return (200, {}, found) if found else error(404, "not_found", f"Batch {batch_id} is unknown")

    def batch_report(self, request: Request, plan: str, batch_id: str) -> Response:
        refused = self._plan(plan)
        if refused:
            return refused
        reports = [r for r in self.reports if r["batch_id"] == batch_id]
        if not any(b["id"] == batch_id for b in self.batches):
            return error(404, "not_found", f"Batch {batch_id} is unknown")
        statuses: dict[tuple[str, int], list[str]] = {}
        for report in reports:
            statuses.setdefault((report["status"], report["code"]), []).append(report["recipient"])
        full = request.arg("type") == "full"
        return 200, {}, {"type": "delivery_report_sms", "batch_id": batch_id, "total_message_count": len(reports),
                         "statuses": [{"status": s, "code": c, "count": len(r), **({"recipients": r} if full else {})}
                                      for (s, c), r in statuses.items()]}

    def list_reports(self, request: Request, plan: str) -> Response:
        refused = self._plan(plan)
        if refused:
            return refused
        reports = self._dated(request, self.reports, "at")
        if reports is None:
            return error(400, "syntax_invalid_parameter_format", "start_date and end_date must be ISO-8601 date-times")
        wanted = {s.strip().lower() for s in (request.arg("status") or "").split(",") if s.strip()}
        if wanted:
            reports = [r for r in reports if r["status"].lower() in wanted]
        return self._page(request, "delivery_reports", reports)

    def list_inbounds(self, request: Request, plan: str) -> Response:
        refused = self._plan(plan)
        if refused:
            return refused
        inbounds = self._dated(request, self.inbounds, "received_at")
        if inbounds is None:
            return error(400, "syntax_invalid_parameter_format", "start_date and end_date must be ISO-8601 date-times")
        return self._page(request, "inbounds", inbounds)

    def list_groups(self, request: Request, plan: str) -> Response:
        return self._plan(plan) or self._page(request, "groups", self.groups)

    def get_members(self, request: Request, plan: str, group_id: str) -> Response:
        refused = self._plan(plan)
        if refused:
            return refused
        if group_id not in self.members:
            return error(404, "not_found", f"Group {group_id} is unknown")
        return 200, {}, self.members[group_id]  # a bare array of MSISDNs, not paged

    def accept_write(self, request: Request, plan: str) -> Response:
        return 201, {}, {"id": "write-should-never-happen", "type": "mt_text", "canceled": False}

    def arrive(self, path: str, count: int) -> list[dict[str, Any]]:
        if not path.endswith("/groups"):
            return super().arrive(path, count)
        new = []
        for _ in range(count):
            now = datetime.now(timezone.utc)
            group_id = self.ulid(self.fake, now)
            self.members[group_id] = []
            new.append({"id": group_id, "name": "New group", "size": 0, "created_at": sinch_time(now),
                        "modified_at": sinch_time(now), "child_groups": []})
        self.groups[:0] = new
        return new


APP = Sinch
