"""Twilio Programmable Messaging, as twilio/twilio-oai defines it (spec/json/twilio_api_v2010.json and
twilio_messaging_v1.json): HTTP Basic with the Account SID + Auth Token or an API key SID + secret,
the Account SID in every 2010 path; 2010 lists paged by PageSize (<= 1000) and `next_page_uri`
(a path carrying every filter and a PageToken), v1 lists by `meta.next_page_url` (absolute);
messages filtered by `DateSent>` (on or after) and `DateSent<` (on or before), a date or a UTC
date-time; Twilio's error body {code, message, more_info, status}. Both hosts are served under one
mount: the 2010-04-01 and v1 paths do not overlap.

Message dates lie in the 85 days before the account's fixed "today" (sms_emulator.data.ACCOUNT_TODAY);
everything is a pure function of the seed.
"""

from __future__ import annotations

import base64
import bisect
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any, Optional
from urllib.parse import urlencode

from sms_emulator.data import ACCOUNT_TODAY, Fake
from sms_emulator.providers.base import ProviderApp, Request, Response

ACCOUNT_SID = "AC" + "5e1f0c2b9a8d7e6f" * 2
AUTH_TOKEN = "emulator-twilio-token-4d2a9c7e1b"
API_KEY_SID = "SK" + "8b3c1d0e2f4a6b7c" * 2
API_KEY_SECRET = "emulator-twilio-key-secret-6f1e3a"
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 50
HISTORY_DAYS = 85
# Outbound outcomes, weighted as a healthy account sees them; inbound messages are `received`.
STATUSES = ["delivered"] * 7 + ["sent", "undelivered", "failed", "read"]
ERRORS = {"undelivered": (30003, "Unreachable destination handset"), "failed": (30008, "Unknown error")}
OUTBOUND_DIRECTIONS = ["outbound-api"] * 6 + ["outbound-reply", "outbound-call"]
MORE_INFO = "https://www.twilio.com/docs/errors/{code}"


def rfc2822(moment: datetime) -> str:
    """The 2010 API's dates: RFC 2822 in GMT, e.g. Fri, 24 May 2019 17:44:50 +0000."""
    return format_datetime(moment.astimezone(timezone.utc)).replace("-0000", "+0000")


def iso(moment: datetime) -> str:
    """Messaging v1's dates: ISO 8601 UTC, e.g. 2015-07-30T20:12:31Z."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def error(status: int, code: int, message: str) -> Response:
    return status, {}, {"code": code, "message": message, "more_info": MORE_INFO.format(code=code), "status": status}


def parse_filter(value: str) -> Optional[tuple[datetime, bool]]:
    """A DateSent value as (instant, whether it was a bare date), or None if it is neither form."""
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=timezone.utc), True
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc), False


@dataclass
class Twilio(ProviderApp):
    name: str = "twilio"

    def __post_init__(self) -> None:
        fake = Fake(self.seed, self.name)
        self.numbers = []
        for i in range(self.count("phone_numbers", 6)):
            created = fake.moment()
            number = "+1" + fake.choice(["415", "628", "212", "312"]) + fake.digits(7)
            self.numbers.append({
                "sid": "PN" + fake.uuid().replace("-", ""), "account_sid": ACCOUNT_SID,
                "friendly_name": f"({number[2:5]}) {number[5:8]}-{number[8:]}", "phone_number": number,
                "origin": "twilio", "type": fake.choice(["local", "local", "mobile", "tollfree"]), "status": "in-use", "beta": False,
                "capabilities": {"sms": True, "mms": fake.chance(0.7), "voice": fake.chance(0.8), "fax": False},
                "sms_url": fake.choice(["https://example.com/sms", None]), "sms_method": "POST",
                "sms_fallback_url": None, "sms_fallback_method": "POST", "sms_application_sid": None,
                "status_callback": None, "status_callback_method": "POST", "voice_url": None, "voice_method": "POST",
                "voice_application_sid": None, "voice_receive_mode": "voice", "voice_caller_id_lookup": False,
                "voice_fallback_url": None, "voice_fallback_method": "POST", "trunk_sid": None, "address_sid": None,
                "address_requirements": "none", "identity_sid": None, "bundle_sid": None, "emergency_status": "Inactive",
                "emergency_address_sid": None, "emergency_address_status": "unregistered", "api_version": "2010-04-01",
                "date_created": rfc2822(created), "date_updated": rfc2822(created + timedelta(days=i)),
                "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers/PN{i}.json",
                "subresource_uris": {"assigned_add_ons": f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers/PN{i}/AssignedAddOns.json"},
            })
            self.numbers[-1]["uri"] = f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers/{self.numbers[-1]['sid']}.json"

        self.services = []
        self.senders: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for i in range(self.count("messaging_services", 3)):
            created = fake.moment()
            sid = "MG" + fake.uuid().replace("-", "")
            base = f"https://messaging.twilio.com/v1/Services/{sid}"
            self.services.append({
                "sid": sid, "account_sid": ACCOUNT_SID, "friendly_name": ["Appointment reminders", "Café Nord promos 🎉", "OTP"][i % 3] + (f" {i}" if i >= 3 else ""),
                "date_created": iso(created), "date_updated": iso(created + timedelta(days=3)),
                "inbound_request_url": fake.choice([None, "https://example.com/inbound"]), "inbound_method": "POST",
                "fallback_url": None, "fallback_method": "POST", "status_callback": fake.choice([None, "https://example.com/status"]),
                "sticky_sender": True, "mms_converter": True, "smart_encoding": fake.chance(0.5), "scan_message_content": "inherit",
                "fallback_to_long_code": False, "area_code_geomatch": True, "synchronous_validation": True,
                "validity_period": fake.choice([14400, 36000, 600]), "usecase": fake.choice(["notifications", "marketing", "2fa"]),
                "us_app_to_person_registered": fake.chance(0.5), "use_inbound_webhook_on_number": False, "url": base,
                "links": {k: f"{base}/{v}" for k, v in {"phone_numbers": "PhoneNumbers", "short_codes": "ShortCodes",
                          "alpha_senders": "AlphaSenders", "messages": "Messages", "us_app_to_person": "Compliance/Usa2p",
                          "us_app_to_person_usecases": "Compliance/Usa2p/Usecases", "channel_senders": "ChannelSenders",
                          "destination_alpha_senders": "DestinationAlphaSenders"}.items()},
            })
            own = self.numbers[i::3] if self.numbers else []
            common = {"account_sid": ACCOUNT_SID, "service_sid": sid}
            self.senders[sid] = {
                "PhoneNumbers": [{**common, "sid": n["sid"], "phone_number": n["phone_number"], "country_code": "US",
                                  "capabilities": [k.upper() for k, v in n["capabilities"].items() if v],
                                  "date_created": iso(created), "date_updated": iso(created), "url": f"{base}/PhoneNumbers/{n['sid']}"} for n in own],
                "AlphaSenders": [{**common, "sid": f"AI{fake.uuid().replace('-', '')}", "alpha_sender": f"{['ACME', 'CafeNord', 'Globex'][i % 3]}{i}",
                                  "capabilities": ["SMS"], "date_created": iso(created), "date_updated": iso(created)} for _ in range(i % 2 + 1)],
                "ShortCodes": [{**common, "sid": f"SC{fake.uuid().replace('-', '')}", "short_code": fake.digits(6), "country_code": "US",
                                "capabilities": ["SMS", "MMS"], "date_created": iso(created), "date_updated": iso(created)}] if i == 0 else [],
            }
            for kind, items in self.senders[sid].items():
                for item in items:
                    item.setdefault("url", f"{base}/{kind}/{item['sid']}")

        self.messages: list[dict[str, Any]] = []
        for _ in range(self.count("messages", 320)):
            sent = ACCOUNT_TODAY - timedelta(seconds=1 + fake.rng.randrange(HISTORY_DAYS * 86400))
            self._insert(self._message(fake, sent, inbound=fake.chance(0.25)))
        self.balance = {"account_sid": ACCOUNT_SID, "balance": f"{fake.rng.randrange(500, 90000) / 100:.2f}", "currency": "USD"}
        self.usage: list[dict[str, Any]] = []
        day = ACCOUNT_TODAY.date() - timedelta(days=HISTORY_DAYS)
        while day <= ACCOUNT_TODAY.date():
            outbound = sum(1 for m in self.messages if m["direction"] != "inbound" and m["date_sent"][5:16] == format_datetime(
                datetime.combine(day, datetime.min.time(), tzinfo=timezone.utc))[5:16])
            inbound = fake.rng.randrange(0, 4)
            for category, count, unit_price, text in (("sms", outbound + inbound, 0.0079, "SMS"),
                                                      ("sms-outbound", outbound, 0.0079, "Outbound SMS"),
                                                      ("sms-inbound", inbound, 0.0079, "Inbound SMS")):
                self.usage.append(self._usage(category, text, day, count, unit_price))
            day += timedelta(days=1)

        # Reads.
        account = r"/2010-04-01/Accounts/(?P<account>AC[0-9a-fA-F]{32})"
        self.route("GET", account + r"/Messages\.json", self.list_messages)
        self.route("GET", account + r"/Messages/(?P<sid>(SM|MM)[0-9a-f]{32})\.json", self.fetch_message)
        self.route("GET", account + r"/IncomingPhoneNumbers\.json", self.list_numbers)
        self.route("GET", account + r"/Balance\.json", self.fetch_balance)
        self.route("GET", account + r"/Usage/Records/Daily\.json", self.list_usage)
        self.route("GET", r"/v1/Services", self.list_services)
        self.route("GET", r"/v1/Services/(?P<service>MG[0-9a-f]{32})/(?P<kind>PhoneNumbers|AlphaSenders|ShortCodes)", self.list_senders)
        # Writes: answered, recorded, and never to be called by a read.
        for method, pattern in [
            ("POST", account + r"/Messages\.json"),                      # send
            ("POST", account + r"/Messages/[^/]+\.json"),                # redact the body, cancel a scheduled message
            ("DELETE", account + r"/Messages/[^/]+\.json"),              # delete a message
            ("DELETE", account + r"/Messages/[^/]+/Media/[^/]+\.json"),  # delete its media
            ("POST", account + r"/Messages/[^/]+/Feedback\.json"),
            ("POST", account + r"/IncomingPhoneNumbers(/.*)?\.json"), ("DELETE", account + r"/IncomingPhoneNumbers/.+"),
            ("POST", r"/v1/Services(/.*)?"), ("DELETE", r"/v1/Services/.+"),
        ]:
            self.route(method, pattern, self.accept_write, writes=True)

    # -- data ----------------------------------------------------------------------------------
    def _message(self, fake: Fake, sent: datetime, inbound: bool, **fields: Any) -> dict[str, Any]:
        sid = "SM" + fake.uuid().replace("-", "")
        status = "received" if inbound else fake.choice(STATUSES)
        own = fake.choice(self.numbers)["phone_number"] if self.numbers else "+14155550100"
        customer = "+44" + "7" + fake.digits(9)
        service = None if inbound or not self.services or fake.chance(0.5) else fake.choice(self.services)
        sender = own
        if service and fake.chance(0.3):
            sender = self.senders[service["sid"]]["AlphaSenders"][0]["alpha_sender"]
        code, message = ERRORS.get(status, (None, None))
        segments = 1 + int(fake.chance(0.15))
        created = sent - timedelta(seconds=1)
        return {
            "sid": sid, "account_sid": ACCOUNT_SID, "messaging_service_sid": service["sid"] if service else None,
            "api_version": "2010-04-01", "body": fake.text(fake.choice([3, 8, 14])), "num_segments": str(segments), "num_media": "0",
            "direction": "inbound" if inbound else fake.choice(OUTBOUND_DIRECTIONS),
            "from": customer if inbound else sender, "to": own if inbound else customer, "status": status,
            "error_code": code, "error_message": message,
            "price": None if status == "failed" else f"-{0.0079 * segments:.5f}", "price_unit": "USD",
            "date_created": rfc2822(created), "date_sent": rfc2822(sent),
            "date_updated": rfc2822(sent + timedelta(seconds=0 if inbound else 7)),
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
            "subresource_uris": {"media": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}/Media.json",
                                 "feedback": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}/Feedback.json"},
            "_sent": sent, **fields,
        }

    def _insert(self, message: dict[str, Any]) -> None:
        # Newest first, as Twilio lists them. A new list swapped in whole: a concurrent page sees one or the other.
        messages = list(self.messages)
        bisect.insort(messages, message, key=lambda m: (-m["_sent"].timestamp(), m["sid"]))
        self.messages = messages

    def _usage(self, category: str, text: str, day: date, count: int, unit_price: float) -> dict[str, Any]:
        base = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Usage/Records"
        query = f"Category={category}&StartDate={day}&EndDate={day}"
        return {"account_sid": ACCOUNT_SID, "api_version": "2010-04-01", "as_of": iso(ACCOUNT_TODAY).replace("Z", "+00:00"),
                "category": category, "count": str(count), "count_unit": "messages", "description": text,
                "start_date": day.isoformat(), "end_date": day.isoformat(), "price": round(count * unit_price, 4), "price_unit": "usd",
                "usage": str(count), "usage_unit": "messages", "uri": f"{base}/Daily.json?{query}",
                "subresource_uris": {k: f"{base}/{v}.json?Category={category}" for k, v in {
                    "all_time": "AllTime", "today": "Today", "yesterday": "Yesterday", "this_month": "ThisMonth",
                    "last_month": "LastMonth", "daily": "Daily", "monthly": "Monthly", "yearly": "Yearly"}.items()}}

    def add_message(self, at: Optional[datetime] = None, inbound: bool = False, **fields: Any) -> dict[str, Any]:
        """A message sent or received now (or at ``at``, cut to the second as Twilio's dates are)."""
        fake = Fake(self.seed, f"{self.name}:added:{len(self.messages)}")
        moment = (at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
        message = self._message(fake, moment, inbound, **fields)
        self._insert(message)
        return self._public(message)

    @staticmethod
    def _public(message: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in message.items() if not k.startswith("_")}

    # -- protocol ------------------------------------------------------------------------------
    def credentials(self, key: str = "full") -> dict[str, Any]:
        # No limited key: the emulated Twilio account declares no products (LIMITED_PRODUCTS is empty).
        return {"account_sid": ACCOUNT_SID, "authentication": {"auth_type": "auth_token", "auth_token": AUTH_TOKEN}}

    def authorized(self, request: Request) -> bool:
        accepted = {"Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
                    for user, password in ((ACCOUNT_SID, AUTH_TOKEN), (API_KEY_SID, API_KEY_SECRET))}
        if request.header("Authorization") not in accepted:
            return False
        # Credentials only open their own account: another Account SID in the path is refused the same way.
        parts = request.path.split("/")
        return not (len(parts) > 3 and parts[2] == "Accounts" and parts[3].removesuffix(".json") != ACCOUNT_SID)

    def unauthorized(self) -> Response:
        return error(401, 20003, "Authenticate")

    def not_found(self, path: str) -> Response:
        return error(404, 20404, f"The requested resource {path} was not found")

    def rate_limited(self, retry_after: int) -> Response:
        status, _, body = error(429, 20429, "Too Many Requests")
        return status, {"Retry-After": str(retry_after)}, body

    def truth(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "messages": [self._public(m) for m in self.messages],
            "phone_numbers": self.numbers,
            "messaging_services": self.services,
            "sender_ids": [s for kinds in self.senders.values() for items in kinds.values() for s in items],
            "credits": [self.balance],
            "usage_records": self.usage,
        }

    # -- paging --------------------------------------------------------------------------------
    def _page_args(self, request: Request) -> tuple[int, int] | Response:
        try:
            size = int(request.arg("PageSize", str(DEFAULT_PAGE_SIZE)))
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            return error(400, 20001, f"PageSize must be between 1 and {MAX_PAGE_SIZE}")
        token = request.arg("PageToken")
        offset = 0
        if token is not None:
            try:
                offset = int(token.removeprefix("PT"), 16)
            except ValueError:
                return error(400, 20001, "Invalid PageToken")
        return size, offset

    def _page_2010(self, request: Request, key: str, items: list[dict[str, Any]]) -> Response:
        args = self._page_args(request)
        if len(args) == 3:
            return args  # an error response
        size, offset = args
        page = offset // size
        filters = [(k, v[0]) for k, v in request.query.items() if k not in ("PageSize", "Page", "PageToken")]
        uri = request.path

        def link(page_number: int, token_offset: Optional[int]) -> str:
            query = filters + [("PageSize", str(size)), ("Page", str(page_number))]
            if token_offset is not None:
                query.append(("PageToken", f"PT{token_offset:x}"))
            return f"{uri}?{urlencode(query)}"

        chunk = items[offset:offset + size]
        more = offset + size < len(items)
        return 200, {}, {
            key: chunk, "page": page, "page_size": size, "start": offset, "end": offset + max(len(chunk) - 1, 0),
            "uri": link(page, offset or None), "first_page_uri": link(0, None),
            "next_page_uri": link(page + 1, offset + size) if more else None,
            "previous_page_uri": link(page - 1, max(offset - size, 0)) if offset else None,
        }

    def _page_v1(self, request: Request, key: str, items: list[dict[str, Any]]) -> Response:
        args = self._page_args(request)
        if len(args) == 3:
            return args  # an error response
        size, offset = args
        page = offset // size
        host = request.header("Host")
        # Absolute, on the host that was asked (the emulator's own address; messaging.twilio.com for real).
        prefix = f"http://{host}/{self.name}" if host else "https://messaging.twilio.com"

        def link(page_number: int, token_offset: Optional[int]) -> str:
            query = [("PageSize", str(size)), ("Page", str(page_number))]
            if token_offset is not None:
                query.append(("PageToken", f"PT{token_offset:x}"))
            return f"{prefix}{request.path}?{urlencode(query)}"

        more = offset + size < len(items)
        return 200, {}, {key: items[offset:offset + size], "meta": {
            "page": page, "page_size": size, "first_page_url": link(0, None), "url": link(page, offset or None),
            "previous_page_url": link(page - 1, max(offset - size, 0)) if offset else None,
            "next_page_url": link(page + 1, offset + size) if more else None, "key": key}}

    # -- handlers ------------------------------------------------------------------------------
    def list_messages(self, request: Request, account: str) -> Response:
        bounds = {}
        for name in ("DateSent>", "DateSent<", "DateSent"):
            value = request.arg(name)
            if value is not None:
                parsed = parse_filter(value)
                if parsed is None:
                    return error(400, 20001, f"{name} must be a date (YYYY-MM-DD) or a UTC date-time")
                bounds[name] = parsed
        selected = []
        for message in self.messages:
            sent = message["_sent"]
            if "DateSent>" in bounds and sent < bounds["DateSent>"][0]:
                continue
            if "DateSent<" in bounds:
                limit, whole_day = bounds["DateSent<"]
                if sent > (limit + timedelta(days=1, microseconds=-1) if whole_day else limit):
                    continue
            if "DateSent" in bounds and sent.date() != bounds["DateSent"][0].date():
                continue
            if request.arg("To") not in (None, message["to"]) or request.arg("From") not in (None, message["from"]):
                continue
            selected.append(self._public(message))
        return self._page_2010(request, "messages", selected)

    def fetch_message(self, request: Request, account: str, sid: str) -> Response:
        found = next((m for m in self.messages if m["sid"] == sid), None)
        return (200, {}, self._public(found)) if found else self.not_found(request.path)

    def list_numbers(self, request: Request, account: str) -> Response:
        return self._page_2010(request, "incoming_phone_numbers", self.numbers)

    def fetch_balance(self, request: Request, account: str) -> Response:
        return 200, {}, self.balance

    def list_usage(self, request: Request, account: str) -> Response:
        days = {}
        for name in ("StartDate", "EndDate"):
            value = request.arg(name)
            try:
                days[name] = date.fromisoformat(value) if value else None
            except ValueError:
                return error(400, 20001, f"{name} must be YYYY-MM-DD")
        category = request.arg("Category")
        rows = [u for u in self.usage if category in (None, u["category"])
                and (days["StartDate"] is None or u["start_date"] >= days["StartDate"].isoformat())
                and (days["EndDate"] is None or u["start_date"] <= days["EndDate"].isoformat())]
        return self._page_2010(request, "usage_records", rows)

    def list_services(self, request: Request) -> Response:
        return self._page_v1(request, "services", self.services)

    def list_senders(self, request: Request, service: str, kind: str) -> Response:
        if service not in self.senders:
            return self.not_found(request.path)
        key = {"PhoneNumbers": "phone_numbers", "AlphaSenders": "alpha_senders", "ShortCodes": "short_codes"}[kind]
        return self._page_v1(request, key, self.senders[service][kind])

    def accept_write(self, request: Request, **_: Any) -> Response:
        return 201, {}, {"message": "write-should-never-happen"}


APP = Twilio
