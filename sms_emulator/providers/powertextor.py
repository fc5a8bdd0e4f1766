"""Power Textor's connector-services API, as its Power Platform swagger documents it.

Source: microsoft/PowerPlatformConnectors `certified-connectors/Power Textor/apiDefinition.swagger.json`
(08b15f4, host connectorservices.powertextor.com). Three GETs, no paging, every answer an envelope
{Success, Error, Data}; everything else is a POST that sends, schedules or edits (writes here).

Not documented, so chosen here and said so in docs/providers/powertextor.md: the 401 body for a wrong
key, the answer for an expired key (HTTP 200, Success: false: the envelope's way of failing), and the
format of a contact's `Groups` string (comma-separated group names).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sms_emulator.data import Fake
from sms_emulator.providers.base import ProviderApp, Request, Response

API_KEY = "emulator-powertextor-key-51c0e8d4"
# A key whose validity period is over: accepted as a key, refused by every endpoint.
EXPIRED_API_KEY = "emulator-powertextor-expired-key-0a7b"
# A valid key of an account whose plan has no review requests: /api/places answers 403.
NO_REVIEWS_API_KEY = "emulator-powertextor-no-reviews-key-93c1"
REVIEWS = "review requests"
GROUP_NAMES = ["VIP", "Newsletter", "Staff", "Walk-ins ☕", "Spring promo 🌷", "Reminders", "Late payers", "Zürich"]
STATUSES = ["Subscribed"] * 5 + ["Unsubscribed", "Pending", None]


def envelope(data: Any) -> Response:
    return 200, {}, {"Success": True, "Error": None, "Data": data}


def failure(status: int, error: str) -> Response:
    return status, {}, {"Success": False, "Error": error, "Data": None}


@dataclass
class PowerTextor(ProviderApp):
    name: str = "powertextor"

    def __post_init__(self) -> None:
        fake = Fake(self.seed, self.name)
        account = fake.uuid()
        self.groups = [{"GroupId": fake.uuid(), "Name": name, "ContactsCount": 0}
                       for name in GROUP_NAMES[:self.count("contact_groups", 5)]]
        self.contacts = []
        for _ in range(self.count("contacts", 30)):
            member_of = [g for g in self.groups if fake.chance(0.35)]
            self.contacts.append({
                "ContactId": fake.uuid(), "Phone": "+1" + fake.digits(10),
                "Name": fake.choice([fake.name(), fake.name(), fake.name() + " 🙂", None]),
                "WelcomeSent": fake.chance(0.7), "Status": fake.choice(STATUSES),
                "Groups": ", ".join(g["Name"] for g in member_of) if member_of else fake.choice(["", None]),
            })
            for group in member_of:
                group["ContactsCount"] += 1
        self.places = []
        for i in range(self.count("places", 3)):
            self.places.append({
                "PlaceId": fake.uuid(), "AccountId": account, "GooglePlaceId": "ChIJ" + fake.digits(6) + "xYz_" + fake.digits(4),
                "Name": f"{fake.company()} – branch {i + 1}",
                "CreatedAt": (fake.moment() + timedelta(milliseconds=fake.rng.randrange(1000))).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            })

        self.route("GET", r"/api/contacts", self.list_contacts)
        self.route("GET", r"/api/groups", self.list_groups)
        self.route("GET", r"/api/places", self.list_places, product=REVIEWS)
        # Writes: every other documented operation sends, schedules, edits or (de)registers a webhook.
        self.route("POST", r"/api/messages/[A-Za-z]+", self.accept_write, writes=True)
        self.route("POST", r"/api/contacts/(contactnew|contactupdate)", self.accept_write, writes=True)
        self.route("POST", r"/api/twilio/(registration|MMSregistration)", self.accept_write, writes=True)
        self.route("DELETE", r"/api/twilio/[^/]+", self.accept_write, writes=True)

    # -- protocol ------------------------------------------------------------------------------
    LIMITED_PRODUCTS = (REVIEWS,)

    def credentials(self, key: str = "full") -> dict[str, Any]:
        return {"api_key": NO_REVIEWS_API_KEY if key == "limited" else API_KEY}

    def authorized(self, request: Request) -> bool:
        return request.header("ApiKey") in (API_KEY, EXPIRED_API_KEY, NO_REVIEWS_API_KEY)

    def key_kind(self, request: Request) -> str:
        return "limited" if request.header("ApiKey") == NO_REVIEWS_API_KEY else "full"

    def forbidden(self, product: str) -> Response:
        # Power Textor documents no 403; its envelope is assumed, as for its 401.
        return failure(403, f"Your plan does not include {product}")

    def unauthorized(self) -> Response:
        return failure(401, "Unauthorized: invalid API key")

    def not_found(self, path: str) -> Response:
        return failure(404, f"No resource at {path}")

    def member_ids(self, group: dict[str, Any]) -> list[str]:
        return [c["ContactId"] for c in self.contacts
                if group["Name"] in [name.strip() for name in (c["Groups"] or "").split(",")]]

    def truth(self) -> dict[str, list[dict[str, Any]]]:
        return {"contacts": self.contacts, "places": self.places,
                "contact_groups": [{**g, "member_ids": self.member_ids(g)} for g in self.groups]}

    # -- handlers ------------------------------------------------------------------------------
    def _expired(self, request: Request) -> bool:
        return request.header("ApiKey") == EXPIRED_API_KEY

    def list_contacts(self, request: Request) -> Response:
        return failure(200, "API Key has expired") if self._expired(request) else envelope(self.contacts)

    def list_groups(self, request: Request) -> Response:
        return failure(200, "API Key has expired") if self._expired(request) else envelope(self.groups)

    def list_places(self, request: Request) -> Response:
        return failure(200, "API Key has expired") if self._expired(request) else envelope(self.places)

    def accept_write(self, request: Request) -> Response:
        return 200, {}, {"Success": True, "Error": None, "Data": {"CampaignId": "write-should-never-happen"}}


APP = PowerTextor
