"""Deterministic fake data: the same seed always gives the same account."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone

FIRST = ["Ava", "Ben", "Chloe", "Dev", "Elif", "Finn", "Grace", "Hugo", "Isla", "Jonas", "Kemi", "Luca",
         "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vera", "Wei", "Zoë"]
LAST = ["Adams", "Berg", "Costa", "Dubois", "Evans", "Fischer", "García", "Hansen", "Ito", "Jensen",
        "Kowalski", "López", "Müller", "Novak", "O'Brien", "Patel", "Rossi", "Schmidt", "Tanaka", "Weber"]
COMPANIES = ["Acme Dental", "Bright Pharmacy", "City Couriers", "Delta Gyms", "Evergreen Clinic",
             "Fjord Travel", "Globex Retail", "Harbor Vets", "Iris Salons", "Juniper Bank"]
WORDS = ["Your", "appointment", "is", "confirmed", "for", "tomorrow", "at", "10:30", "Reply", "STOP",
         "to", "opt", "out", "code", "order", "shipped", "🎉", "thanks", "reminder", "Grüße", "café"]
EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)
# The emulated accounts' "today": dated history lies before it, so data is the same for a seed on
# any day, and the connector configs the emulator hands out start before it (EMULATOR_START_DATE).
ACCOUNT_TODAY = datetime(2026, 10, 1, tzinfo=timezone.utc)
EMULATOR_START_DATE = "2026-01-01T00:00:00Z"


class Fake:
    """A seeded generator of realistic values; one per provider so providers do not shift each other."""

    def __init__(self, seed: int, salt: str) -> None:
        self.rng = random.Random(f"{seed}:{salt}")

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def msisdn(self, country: str = "49") -> str:
        """E.164 without the plus, as tyntec and others send numbers."""
        return country + "15" + self.digits(9)

    def name(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def company(self) -> str:
        return self.rng.choice(COMPANIES)

    def text(self, words: int = 8) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(words))

    def moment(self, days: int = 300) -> datetime:
        return EPOCH + timedelta(seconds=self.rng.randrange(days * 86400))

    def choice(self, seq):
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p
