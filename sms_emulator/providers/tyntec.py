"""tyntec SMS API v1, BYON and Conversations API v3, as documented in tyntec/api-collection.

Sources: sms/v1/openapi.yaml (SMS API v1 and BYON); conversations/v3/common.yaml (message status and
events), conversations/v3/configurations.yaml (account and channel configuration), at 5660f69.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sms_emulator.data import Fake
from sms_emulator.providers.base import ProviderApp, Request, Response

API_KEY = "emulator-tyntec-key-7f3a9c2e"
# A valid key of the same account entitled to the SMS API only: BYON and Conversations API calls get 403.
SMS_ONLY_KEY = "emulator-tyntec-sms-only-key-2b81d5"
MAX_PAGE_SIZE = 3000
STATES = ["DELIVERED"] * 6 + ["ACCEPTED", "BUFFERED", "EXPIRED", "REJECTED", "UNDELIVERABLE"]
V3 = "/conversations/v3"
# The products a key may or may not be entitled to (route.product); the Account API has none.
SMS, BYON, CONVERSATIONS = "the SMS API", "BYON", "the Conversations API"
# Event sequences of Conversations API messages (SMS has no seen/deleted; common.yaml's table).
V3_JOURNEYS = [["accepted", "dispatched", "delivered"]] * 5 + [["accepted", "dispatched"], ["accepted", "channelFailed"]]
CHANNEL_FAILURES = [("sms::error::unknown-subscriber", "The number is not in use 📵"),
                    ("whatsapp::error::470", "Message failed to send because more than 24 hours have passed since the customer last replied to this number")]


def tyntec_time(moment: datetime) -> str:
    """tyntec writes offsets without a colon: 2026-03-01T10:00:00+0000."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S%z")


def rfc3339(moment: datetime) -> str:
    """The Conversations API writes RFC 3339 with milliseconds: 2021-11-19T06:39:28.081Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def problem(status: int, title: str, detail: str) -> Response:
    return status, {"Content-Type": "application/problem+json"}, {
        "type": f"https://docs.tyntec.com/problems/{status}", "title": title, "status": status, "detail": detail}


@dataclass
class Tyntec(ProviderApp):
    name: str = "tyntec"

    def __post_init__(self) -> None:
        fake = Fake(self.seed, self.name)
        account = "acc-" + fake.digits(6)
        self.contacts = []
        for i in range(self.count("contacts", 25)):
            person, company = fake.name(), fake.company()
            self.contacts.append({
                "friendlyName": f"{company.lower().replace(' ', '-')}-{i:05d}",
                "companyName": company, "companyAddress": f"{fake.digits(2)} Market St, Berlin",
                "contactName": person, "contactEmail": person.split()[0].lower() + "@example.com",
                "contactPhone": "+" + fake.msisdn(), "contactTitle": fake.choice(["CTO", "Ops lead", "Owner", None]),
            })
        self.registrations = []
        for i in range(self.count("registrations", 8)):
            contact = self.contacts[i % len(self.contacts)] if self.contacts else {"friendlyName": None}
            self.registrations.append({
                "accountId": account, "contactId": contact["friendlyName"], "friendlyName": f"registration-{i:04d}",
                "requestId": fake.uuid(), "status": fake.choice(["SUCCESSFUL", "SUCCESSFUL", "PENDING", "FAILED"]),
            })
        self.phone_numbers = []
        owned: set[str] = set()  # an account holds a number once: at tens of thousands, draws collide
        for i in range(self.count("phone_numbers", 40)):
            registration = self.registrations[i % len(self.registrations)] if self.registrations else {}
            number = fake.msisdn()
            while number in owned:
                number = fake.msisdn()
            owned.add(number)
            self.phone_numbers.append({"phoneNumber": number, **{k: registration.get(k) for k in
                                       ("accountId", "contactId", "friendlyName", "requestId", "status")}})
        self.messages: dict[str, dict[str, Any]] = {}
        for _ in range(self.count("messages", 30)):
            request_id = fake.uuid()
            submitted = fake.moment()
            state = fake.choice(STATES)
            parts = []
            for p in range(1 + int(fake.chance(0.2))):
                parts.append({"partId": f"{request_id[:8]}-{p}", "deliveryState": state,
                              "doneDate": tyntec_time(submitted + timedelta(seconds=5)), "errorCode": "0" if state == "DELIVERED" else "1",
                              "price": "0.0650", "currency": "EUR", "priceEffective": tyntec_time(submitted),
                              "statusText": fake.text(4)[:20]})
            self.messages[request_id] = {
                "requestId": request_id, "status": state, "from": "tyntec", "to": "+" + fake.msisdn(),
                "href": f"https://api.tyntec.com/messaging/v1/messages/{request_id}", "reference": fake.choice([None, "order-" + fake.digits(5)]),
                "submitDate": tyntec_time(submitted), "doneDate": tyntec_time(submitted + timedelta(seconds=5)),
                "errorCode": "0" if state == "DELIVERED" else "1", "errorReason": None if state == "DELIVERED" else state.lower(),
                "mccmnc": "26201", "ttid": fake.digits(5), "overallPrice": f"{0.065 * len(parts):.4f}",
                "priceEffective": tyntec_time(submitted), "size": len(parts), "parts": parts,
            }
        # An id past tyntec's 3-month retention: a real user's list will contain some.
        self.expired_request_id = fake.uuid()

        # Conversations API v3: status and event history per messageId.
        self.conversations: dict[str, dict[str, Any]] = {}
        self.conversation_events: dict[str, list[dict[str, Any]]] = {}
        for _ in range(self.count("conversation_messages", 12)):
            message_id = fake.uuid()
            channel = fake.choice(["sms"] * 4 + ["whatsapp", "viber"])
            moment = fake.moment()
            events = []
            for step in fake.choice(V3_JOURNEYS):
                moment += timedelta(milliseconds=200 + fake.rng.randrange(5000))
                event = {"timestamp": rfc3339(moment), "event": f"MessageStatus::{step}", "channel": channel}
                if step == "channelFailed":
                    code, text = fake.choice(CHANNEL_FAILURES)
                    event["details"] = {"code": code, "message": text}
                events.append(event)
            self.conversation_events[message_id] = events
            self.conversations[message_id] = {"messageId": message_id, "deliveryChannel": channel,
                                              "status": events[-1]["event"].split("::")[1], "timestamp": events[-1]["timestamp"]}
        self.expired_message_id = fake.uuid()
        number = fake.msisdn()
        self.channels = []
        for i in range(self.count("channels", 5)):
            kind = ["sms", "sms", "whatsapp", "viber", "rcs", "mms"][i % 6]
            ident = {"viber": {"serviceId": fake.digits(4)}, "rcs": {"agentId": f"agent_{i}"}}.get(kind, {"phoneNumber": number if kind == "whatsapp" else fake.msisdn()})
            channel = {"channel": kind, "scopes": ["messages:read", "callbacks:read", "callbacks:write"], "id": ident,
                       "name": fake.choice([f"{fake.company()} {kind}", None]),
                       "callback": {"callbackVersion": "2.12", "inboundMessageUrl": "https://hooks.example.com/inbound",
                                    "messageStatusUrl": "https://hooks.example.com/status", "eventFilter": fake.choice([[], ["MessageStatus::delivered"]])}}
            if kind == "viber":
                channel["config"] = {"serviceType": "two-way"}
            self.channels.append(channel)
        self.configuration = {
            "scopes": ["channels:read", "callbacks:read", "callbacks:write", "media:read"],
            "callback": {"callbackVersion": "2.12", "inboundMessageUrl": "https://hooks.example.com/inbound",
                         "messageStatusUrl": "https://hooks.example.com/status", "eventFilter": [],
                         "signature": {"secret": "whsec-" + fake.digits(12), "method": "HS256"},
                         "header": {"key": "X-Hook-Token", "value": "token-" + fake.digits(12)}},
            "config": {"mediaCredentials": {"type": "basic", "basic": {"username": "media-bot", "password": "pw-" + fake.digits(10)}}},
        }

        self.ip_restriction = {"enabled": fake.chance(0.5), "whiteList": [f"203.0.113.{fake.digits(2).lstrip('0') or '1'}", "10.0.0.0/8"]}

        self.route("GET", r"/account/v1/ip/restriction", self.get_ip_restriction)
        self.route("GET", r"/messaging/v1/messages/(?P<request_id>[^/]+)", self.message_status, product=SMS)
        self.route("GET", r"/byon/contacts/v1", self.list_contacts, product=BYON)
        self.route("GET", r"/byon/contacts/v1/(?P<contact_id>[^/]+)", self.get_contact, product=BYON)
        self.route("GET", r"/byon/phonebook/v1/numbers", self.list_numbers, product=BYON)
        self.route("GET", r"/byon/provisioning/v1", self.list_registrations, product=BYON)
        self.route("GET", r"/byon/provisioning/v1/(?P<request_id>[^/]+)", self.get_registration, product=BYON)
        self.route("GET", V3 + r"/messages/(?P<message_id>[^/]+)/status", self.conversation_status, product=CONVERSATIONS)
        self.route("GET", V3 + r"/messages/(?P<message_id>[^/]+)/events", self.conversation_history, product=CONVERSATIONS)
        self.route("GET", V3 + r"/configurations", self.account_configuration, product=CONVERSATIONS)
        self.route("GET", V3 + r"/configurations/channels(/(?P<kind>sms|mms|rcs|viber|whatsapp))?", self.list_channels, product=CONVERSATIONS)
        # Writes: answered like the real API, recorded, and never to be called by a read.
        self.route("GET", r"/messaging/v1/sms", self.accept_write, writes=True)  # "Send SMS (GET)"
        self.route("POST", r"/account/v1/ip/restriction", self.accept_write, writes=True)
        self.route("POST", r"/messaging/v1/sms", self.accept_write, writes=True)
        self.route("POST", r"/messaging/v1/conversion", self.accept_write, writes=True)
        self.route("POST", r"/byon/contacts/v1(/[^/]+)?", self.accept_write, writes=True)
        self.route("DELETE", r"/byon/contacts/v1/[^/]+", self.accept_write, writes=True)
        self.route("POST", r"/byon/provisioning/v1", self.accept_write, writes=True)
        self.route("POST", V3 + r"/(messages|bulks)", self.accept_write, writes=True)
        self.route("PUT", V3 + r"/configurations/(callbacks|mediaCredentials)", self.accept_write, writes=True)
        self.route("DELETE", V3 + r"/configurations/mediaCredentials", self.accept_write, writes=True)
        self.route("PUT", V3 + r"/configurations/channels/.+", self.accept_write, writes=True)
        self.route("POST", V3 + r"/media", self.accept_write, writes=True)
        self.route("DELETE", V3 + r"/media/[^/]+", self.accept_write, writes=True)

    # -- protocol ------------------------------------------------------------------------------
    LIMITED_PRODUCTS = (BYON, CONVERSATIONS)

    def credentials(self, key: str = "full") -> dict[str, Any]:
        return {"api_key": SMS_ONLY_KEY if key == "limited" else API_KEY}

    def key_kind(self, request: Request) -> str:
        return "limited" if request.header("apikey") == SMS_ONLY_KEY else "full"

    def forbidden(self, product: str) -> Response:
        return problem(403, "Forbidden", f"The API key is not enabled for {product}")

    def hints(self) -> dict[str, Any]:
        return {"message_request_ids": [*self.messages, self.expired_request_id],
                "conversation_message_ids": [*self.conversations, self.expired_message_id]}

    def authorized(self, request: Request) -> bool:
        return request.header("apikey") in (API_KEY, SMS_ONLY_KEY)

    def unauthorized(self) -> Response:
        return problem(401, "Unauthorized", "Missing or invalid apikey header")

    def not_found(self, path: str) -> Response:
        return problem(404, "Not Found", f"No resource at {path}")

    def truth(self) -> dict[str, list[dict[str, Any]]]:
        return {"messages": [*self.messages.values(), *self.conversations.values()], "contacts": self.contacts,
                "phone_numbers": self.phone_numbers, "phone_registrations": self.registrations,
                "message_events": [event for events in self.conversation_events.values() for event in events],
                "channels": self.channels, "account": [self.redacted_configuration()], "ip_restriction": [self.ip_restriction]}

    def redacted_configuration(self) -> dict[str, Any]:
        """The account configuration as a read returns it: webhook and media secrets removed."""
        callback = self.configuration["callback"]
        return {**self.configuration, "callback": {**callback, "signature": {"method": callback["signature"]["method"]},
                                                   "header": {"key": callback["header"]["key"]}},
                "config": {"mediaCredentials": {"type": "basic", "basic": {"username": "media-bot"}}}}

    # -- handlers ------------------------------------------------------------------------------
    def message_status(self, request: Request, request_id: str) -> Response:
        if request_id not in self.messages:
            return problem(404, "Not Found", f"Message {request_id} not found")
        return 200, {}, self.messages[request_id]

    def get_ip_restriction(self, request: Request) -> Response:
        return 200, {}, self.ip_restriction

    def list_contacts(self, request: Request) -> Response:
        name = request.arg("friendlyName")
        items = [c for c in self.contacts if name is None or c["friendlyName"] == name]
        if not items:
            return 204, {}, None
        return 200, {}, [{"contacts": items, "size": len(items)}]

    def get_contact(self, request: Request, contact_id: str) -> Response:
        for contact in self.contacts:
            if contact["friendlyName"] == contact_id:
                return 200, {}, contact
        return problem(404, "Not Found", f"Contact {contact_id} not found")

    def list_numbers(self, request: Request) -> Response:
        try:
            page = int(request.arg("page", "0"))
            size = int(request.arg("size", "20"))
        except ValueError:
            return problem(400, "Bad Request", "page and size must be integers")
        if size > MAX_PAGE_SIZE or size < 1 or page < 0:
            return problem(400, "Bad Request", f"size must be between 1 and {MAX_PAGE_SIZE}")
        wanted = {k: request.arg(k) for k in ("requestId", "contactId") if request.arg(k) is not None}
        # Unfiltered pages are sliced directly: filtering a 1M-number account for every page made the
        # emulator, not the connector, the bottleneck of the 1M-record benchmark.
        items = [n for n in self.phone_numbers if all(n[k] == v for k, v in wanted.items())] if wanted else self.phone_numbers
        chunk = items[page * size:(page + 1) * size]
        return 200, {}, [{"provisioningRequests": chunk, "size": len(chunk)}]

    def list_registrations(self, request: Request) -> Response:
        items = [r for r in self.registrations
                 if all(request.arg(k) in (None, r[k]) for k in ("friendlyName", "contactId"))]
        if not items:
            return 204, {}, None
        return 200, {}, [{"provisioningRequests": items, "size": len(items)}]

    def get_registration(self, request: Request, request_id: str) -> Response:
        for registration in self.registrations:
            if registration["requestId"] == request_id:
                return 200, {}, registration
        return problem(404, "Not Found", f"Request {request_id} not found")

    def conversation_status(self, request: Request, message_id: str) -> Response:
        if message_id not in self.conversations:
            return problem(404, "Not Found", f"Message {message_id} not found")
        return 200, {}, self.conversations[message_id]

    def conversation_history(self, request: Request, message_id: str) -> Response:
        if message_id not in self.conversation_events:
            return problem(404, "Not Found", f"Message {message_id} not found")
        return 200, {}, {"messageId": message_id, "events": self.conversation_events[message_id]}

    def account_configuration(self, request: Request) -> Response:
        return 200, {}, self.configuration

    def list_channels(self, request: Request, kind: str = None) -> Response:
        return 200, {}, [c for c in self.channels if kind in (None, c["channel"])]

    def accept_write(self, request: Request) -> Response:
        return 202, {}, {"requestId": "write-should-never-happen"}

    def arrive(self, path: str, count: int) -> list[dict[str, Any]]:
        if path != "/byon/phonebook/v1/numbers":
            return super().arrive(path, count)
        fake = Fake(self.seed, f"{self.name}:arrived:{len(self.phone_numbers)}")
        template = self.phone_numbers[0] if self.phone_numbers else {}
        new = [{**template, "phoneNumber": fake.msisdn("44")} for _ in range(count)]
        self.phone_numbers[:0] = new
        return new


APP = Tyntec
