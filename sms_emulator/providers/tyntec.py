"""tyntec SMS API v1 and BYON, as documented in tyntec/api-collection sms/v1/openapi.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sms_emulator.data import Fake
from sms_emulator.providers.base import ProviderApp, Request, Response

API_KEY = "emulator-tyntec-key-7f3a9c2e"
MAX_PAGE_SIZE = 3000
STATES = ["DELIVERED"] * 6 + ["ACCEPTED", "BUFFERED", "EXPIRED", "REJECTED", "UNDELIVERABLE"]


def tyntec_time(moment: datetime) -> str:
    """tyntec writes offsets without a colon: 2026-03-01T10:00:00+0000."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S%z")


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
        for i in range(self.count("phone_numbers", 40)):
            registration = self.registrations[i % len(self.registrations)] if self.registrations else {}
            self.phone_numbers.append({"phoneNumber": fake.msisdn(), **{k: registration.get(k) for k in
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

        self.route("GET", r"/messaging/v1/messages/(?P<request_id>[^/]+)", self.message_status)
        self.route("GET", r"/byon/contacts/v1", self.list_contacts)
        self.route("GET", r"/byon/contacts/v1/(?P<contact_id>[^/]+)", self.get_contact)
        self.route("GET", r"/byon/phonebook/v1/numbers", self.list_numbers)
        self.route("GET", r"/byon/provisioning/v1", self.list_registrations)
        self.route("GET", r"/byon/provisioning/v1/(?P<request_id>[^/]+)", self.get_registration)
        # Writes: answered like the real API, recorded, and never to be called by a read.
        self.route("GET", r"/messaging/v1/sms", self.accept_write, writes=True)  # "Send SMS (GET)"
        self.route("POST", r"/messaging/v1/sms", self.accept_write, writes=True)
        self.route("POST", r"/messaging/v1/conversion", self.accept_write, writes=True)
        self.route("POST", r"/byon/contacts/v1(/[^/]+)?", self.accept_write, writes=True)
        self.route("DELETE", r"/byon/contacts/v1/[^/]+", self.accept_write, writes=True)
        self.route("POST", r"/byon/provisioning/v1", self.accept_write, writes=True)

    # -- protocol ------------------------------------------------------------------------------
    def credentials(self) -> dict[str, Any]:
        return {"api_key": API_KEY}

    def hints(self) -> dict[str, Any]:
        return {"message_request_ids": [*self.messages, self.expired_request_id]}

    def authorized(self, request: Request) -> bool:
        return request.header("apikey") == API_KEY

    def unauthorized(self) -> Response:
        return problem(401, "Unauthorized", "Missing or invalid apikey header")

    def not_found(self, path: str) -> Response:
        return problem(404, "Not Found", f"No resource at {path}")

    def truth(self) -> dict[str, list[dict[str, Any]]]:
        return {"messages": list(self.messages.values()), "contacts": self.contacts,
                "phone_numbers": self.phone_numbers, "phone_registrations": self.registrations}

    # -- handlers ------------------------------------------------------------------------------
    def message_status(self, request: Request, request_id: str) -> Response:
        if request_id not in self.messages:
            return problem(404, "Not Found", f"Message {request_id} not found")
        return 200, {}, self.messages[request_id]

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
        items = [n for n in self.phone_numbers
                 if all(request.arg(k) in (None, n[k]) for k in ("requestId", "contactId"))]
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

    def accept_write(self, request: Request) -> Response:
        return 202, {}, {"requestId": "write-should-never-happen"}


APP = Tyntec
