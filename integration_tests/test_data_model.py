"""The one data model end to end: every provider's records carry the core fields, and with privacy
on no phone number (or message text) the emulator holds leaves source-sms in any form."""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest

from integration_tests.conftest import full_catalog
from source_sms.manifest import MODELS
from source_sms.model import KINDS, STATUSES
from sms_emulator.providers import REGISTRY

PROVIDERS = sorted(REGISTRY)
SALT = "integration-test-salt-0123"
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
# Where the emulator's data holds phone numbers and message texts, by field name. Deliberately not
# taken from the connector's model, so a number the model forgets to declare fails the test.
PHONE_KEYS = re.compile(r"phone|number|address|destination|sender|source|^to$|^from$|channelId", re.IGNORECASE)
BODY_KEYS = re.compile(r"^(content|body|statusText|text)$")


def values_under(item: Any, keys: re.Pattern, key: str = "") -> Iterator[Any]:
    if isinstance(item, dict):
        for k, v in item.items():
            yield from values_under(v, keys, k)
    elif isinstance(item, list):
        for v in item:
            yield from values_under(v, keys, key)
    elif keys.search(key):
        yield item


def phone_digits(truth: dict[str, list[dict]]) -> set[str]:
    numbers = set()
    for items in truth.values():
        for value in values_under(items, PHONE_KEYS):
            text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
            digits = "".join(c for c in text if c.isdigit())
            if re.fullmatch(r"\+?[\d\s().-]+", text or "x") and 8 <= len(digits) <= 15:
                numbers.add(digits)
    return numbers


def read_all(provider: str, emulator, run, **config_extra: Any):
    config = {**emulator.config(provider), **config_extra}
    catalog = run("discover", config=config).catalog
    result = run("read", config=config, catalog=full_catalog(catalog))
    assert result.returncode == 0, result.stdout[-2000:]
    return catalog, result


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_modelled_stream_carries_the_core_fields_in_their_normal_form(provider, emulator, run) -> None:
    _, result = read_all(provider, emulator, run)
    modelled = {stream: model for (p, stream), model in MODELS.items() if p == provider and model.kind != "other"}
    for stream, model in modelled.items():
        records = result.records(stream)
        assert records, f"{provider}.{stream}: no records to check"
        for record in records:
            present = {k for k in KINDS[model.kind]}
            for name in present & {"created_at", "scheduled_at", "sent_at", "delivered_at", "updated_at", "expires_at"}:
                assert record.get(name) is None or ISO_UTC.match(record[name]), f"{provider}.{stream}.{name}: {record.get(name)}"
            if "status" in present:
                assert record["status"] in STATUSES[model.kind], f"{provider}.{stream}: status {record['status']}"
            for name in present & {"from", "to", "phone_number"}:
                value = record.get(name)
                assert value is None or not re.fullmatch(r"[\d\s().-]+", value), f"{provider}.{stream}.{name}: {value}"
        if model.kind == "message":
            assert {r["direction"] for r in records} <= {"outbound", "inbound"}
            assert all(r.get("message_id") for r in records), f"{provider}.{stream}: a message without message_id"
    warnings = [m["log"]["message"] for m in result.of_type("LOG") if "not in source-sms's status map" in m["log"]["message"]]
    assert warnings == [], "the emulator only sends documented statuses"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_with_privacy_on_no_phone_number_or_text_leaves_the_connector(provider, emulator, run) -> None:
    truth = emulator.apps[provider].truth()
    numbers = phone_digits(truth)
    texts = {v for v in values_under(truth, BODY_KEYS) if isinstance(v, str) and len(v) >= 12}
    assert numbers, "the emulator's data should hold numbers to hide"

    catalog, result = read_all(provider, emulator, run, privacy={
        "hash_phone_numbers": True, "hash_message_bodies": True, "salt": SALT})

    assert sum(len(result.records(s["name"])) for s in catalog["streams"]) == sum(len(v) for v in truth.values())
    assert SALT not in result.stdout + result.stderr, "the salt is a secret"
    leaked = sorted(n for n in numbers if n in result.stdout)
    assert leaked == [], f"{len(leaked)} raw numbers in the output, e.g. {leaked[:3]}"
    leaked_texts = sorted(t for t in texts if t in result.stdout)
    assert leaked_texts == [], f"message texts in the output, e.g. {leaked_texts[:2]}"
    for record in result.records():
        for name in ("to", "phone_number"):
            assert record.get(name) is None or HEX64.match(record[name]), record


def test_the_same_number_hashes_alike_in_every_stream(emulator, run) -> None:
    _, result = read_all("messagemedia", emulator, run, privacy={"hash_phone_numbers": True, "salt": SALT})

    own_numbers = {r["phone_number"] for r in result.records("phone_numbers")}
    senders = {r["from"] for r in result.records("messages") if r["direction"] == "outbound"}
    assert own_numbers and own_numbers & senders, "messages sent from the account's own numbers join on the hash"
