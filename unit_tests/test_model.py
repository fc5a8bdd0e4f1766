"""The one data model: core fields, status mapping value by value, timestamps, phone numbers, hashing."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, strategies as st

from source_sms.manifest import MODELS
from source_sms.model import STATUSES, Hasher, Normaliser, canonical_phone, to_utc

# Every provider status source-sms knows, and what it must become. Written out by hand on purpose:
# the test fails if a provider fragment's map changes or gains a value this table does not list.
EXPECTED_MESSAGE_STATUSES = {
    "tyntec": {
        "ACCEPTED": "accepted", "BUFFERED": "sent", "dispatched": "sent", "DELIVERED": "delivered", "seen": "delivered",
        "EXPIRED": "expired", "REJECTED": "failed", "UNDELIVERABLE": "failed", "failed": "failed",
        "channel_failed": "failed", "channelFailed": "failed", "deleted": "cancelled", "unknown": "unknown",
    },
    "messagemedia": {
        "queued": "accepted", "submitted": "accepted", "processing": "accepted", "processed": "sent", "enroute": "sent",
        "delivered": "delivered", "read": "delivered", "scheduled": "scheduled", "cancelled": "cancelled",
        "expired": "expired", "rejected": "failed", "undeliverable": "failed", "failed": "failed", "received": "received",
    },
    "smsworks": {
        "SENT": "sent", "DELIVERED": "delivered", "EXPIRED": "expired", "UNDELIVERABLE": "failed", "REJECTED": "failed",
        "FAILED": "failed", "INCOMING": "received", "SCHEDULED": "scheduled", "PROCESSED": "sent", "CANCELLED": "cancelled",
    },
    "sinch": {
        "Queued": "accepted", "Dispatched": "sent", "Delivered": "delivered", "Failed": "failed", "Rejected": "failed",
        "Aborted": "failed", "Deleted": "failed", "Expired": "expired", "Cancelled": "cancelled", "Unknown": "sent",
    },
    "twilio": {
        "accepted": "accepted", "queued": "accepted", "sending": "accepted", "scheduled": "scheduled", "canceled": "cancelled",
        "sent": "sent", "partially_delivered": "sent", "delivered": "delivered", "read": "delivered", "undelivered": "failed",
        "failed": "failed", "receiving": "received", "received": "received",
    },
}
MESSAGE_STREAMS = {"tyntec": "messages", "messagemedia": "messages", "smsworks": "messages", "sinch": "message_statuses",
                   "twilio": "messages"}
EXPECTED_SENDER_ID_STATUSES = {"APPROVED": "approved", "EXPIRING": "approved", "EXPIRED": "expired", "PENDING": "pending",
                               "OPEN": "pending", "REJECTED": "rejected"}


def normaliser(provider: str, **kwargs) -> Normaliser:
    return Normaliser(models=MODELS, provider=provider, **kwargs)


@pytest.mark.parametrize("provider,raw,expected", [
    (provider, raw, expected) for provider, table in EXPECTED_MESSAGE_STATUSES.items() for raw, expected in table.items()])
def test_each_provider_message_status_maps_to_its_documented_value(provider: str, raw: str, expected: str) -> None:
    record = normaliser(provider).apply(MESSAGE_STREAMS[provider], {"status": raw, "message_id": "m1", "messageid": "m1"})
    assert record["status"] == expected
    assert record["provider_status"] == raw, "the provider's own value is kept"


@pytest.mark.parametrize("provider", EXPECTED_MESSAGE_STATUSES)
def test_the_tables_above_cover_every_mapped_status_and_nothing_maps_outside_the_set(provider: str) -> None:
    model = MODELS[(provider, MESSAGE_STREAMS[provider])]
    assert set(model.status_map) == {raw.lower() for raw in EXPECTED_MESSAGE_STATUSES[provider]}
    assert set(model.status_map.values()) <= set(STATUSES["message"])


@pytest.mark.parametrize("raw,expected", EXPECTED_SENDER_ID_STATUSES.items())
def test_messagemedia_sender_id_statuses(raw: str, expected: str) -> None:
    record = normaliser("messagemedia").apply("sender_ids", {"id": "s1", "display_status": raw})
    assert (record["status"], record["provider_status"]) == (expected, raw)
    assert set(MODELS[("messagemedia", "sender_ids")].status_map) == {r.lower() for r in EXPECTED_SENDER_ID_STATUSES}


def test_an_unknown_status_becomes_unknown_with_one_warning_and_the_record_is_kept() -> None:
    warnings: list[str] = []
    model = normaliser("smsworks", warn=warnings.append)

    first = model.apply("messages", {"messageid": "a", "status": "PARTIALLY_DELIVERED"})
    second = model.apply("messages", {"messageid": "b", "status": "PARTIALLY_DELIVERED"})

    assert (first["status"], first["provider_status"]) == ("unknown", "PARTIALLY_DELIVERED")
    assert second["status"] == "unknown"
    assert len(warnings) == 1 and "PARTIALLY_DELIVERED" in warnings[0] and "smsworks messages" in warnings[0]


def test_inbound_messages_are_received_whatever_the_provider_calls_them_unless_failed() -> None:
    model = normaliser("messagemedia")
    assert model.apply("messages", {"direction": "inbound", "status": "delivered"})["status"] == "received"
    assert model.apply("messages", {"direction": "inbound", "status": "rejected"})["status"] == "failed"
    assert model.apply("messages", {"direction": "outbound", "status": "delivered"})["status"] == "delivered"


@pytest.mark.parametrize("value,expected", [
    ("2026-05-16T07:48:02+0000", "2026-05-16T07:48:02Z"),          # tyntec: offset without a colon
    ("2026-05-16T09:48:02+0200", "2026-05-16T07:48:02Z"),
    ("2026-03-01T10:00:05.081Z", "2026-03-01T10:00:05Z"),          # tyntec v3, MessageMedia: milliseconds
    ("2026-07-09T09:42:34", "2026-07-09T09:42:34Z"),               # MessageMedia report, asked for in UTC
    ("Mon Aug 03 2026 11:54:58 GMT+0100 (British Summer Time)", "2026-08-03T10:54:58Z"),  # The SMS Works
    ("Wed Oct 28 2026 00:08:11 GMT+0000 (Greenwich Mean Time)", "2026-10-28T00:08:11Z"),
    (1785750898, "2026-08-03T09:54:58Z"),                           # epoch seconds
    (1785750898000, "2026-08-03T09:54:58Z"),                        # epoch milliseconds
    ("1785750898", "2026-08-03T09:54:58Z"),
    ("Fri, 24 May 2019 17:44:50 +0000", "2019-05-24T17:44:50Z"),     # Twilio's 2010 API: RFC 2822
    ("Mon, 03 Aug 2026 11:54:58 +0100", "2026-08-03T10:54:58Z"),
    ("", None), (None, None), ("not a date", None), (True, None),
])
def test_timestamps_become_iso_8601_utc_to_the_second(value, expected) -> None:
    assert to_utc(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("+4915854221595", "+4915854221595"), ("61418244342", "+61418244342"), (447214116121, "+447214116121"),
    ("+44 7700-900 123", "+447700900123"), ("0044 7700 900123", "+447700900123"), ("+44 (0)7700 900123", "+4407700900123"),
    ("YourCompany", "YourCompany"), ("CityCour0", "CityCour0"), (None, None),
])
def test_phone_numbers_become_plus_and_digits_and_sender_names_stay(value, expected) -> None:
    assert canonical_phone(value) == expected


def test_a_tyntec_sms_status_gets_every_core_field() -> None:
    record = normaliser("tyntec").apply("messages", {
        "requestId": "r1", "message_id": "r1", "status": "DELIVERED", "from": "ACME", "to": "+4915112345678",
        "submitDate": "2026-05-16T07:48:02+0000", "doneDate": "2026-05-16T07:48:07+0000", "errorCode": "0",
        "overallPrice": "0.0650", "size": 2, "parts": [{"partId": "r1-0", "currency": "EUR", "statusText": "Hello"}]})

    assert {k: record[k] for k in ("message_id", "direction", "from", "to", "status", "provider_status", "parts",
                                   "price", "currency", "created_at", "sent_at", "delivered_at", "updated_at")} == {
        "message_id": "r1", "direction": "outbound", "from": "ACME", "to": "+4915112345678", "status": "delivered",
        "provider_status": "DELIVERED", "parts": 2, "price": 0.065, "currency": "EUR", "created_at": "2026-05-16T07:48:02Z",
        "sent_at": "2026-05-16T07:48:02Z", "delivered_at": "2026-05-16T07:48:07Z", "updated_at": "2026-05-16T07:48:07Z"}
    assert record["error_code"] is None, "an error code is only a core field on a failed or expired message"
    assert record["provider_parts"][0]["statusText"] == "Hello", "the provider's parts list is kept beside the count"
    assert record["submitDate"] == "2026-05-16T07:48:02+0000", "originals are kept"


def test_an_smsworks_failure_reason_and_javascript_dates() -> None:
    record = normaliser("smsworks").apply("messages", {
        "messageid": "w1", "sender": "447700900123", "destination": 447214116121, "status": "UNDELIVERABLE",
        "content": "Hi", "created": "Mon Aug 03 2026 11:54:58 GMT+0100 (British Summer Time)",
        "modified": "2026-08-03T10:57:31.000Z", "failurereason": {"code": 1, "details": "Unknown subscriber"}})

    assert (record["from"], record["to"], record["body"]) == ("+447700900123", "+447214116121", "Hi")
    assert (record["status"], record["error_code"], record["error_reason"]) == ("failed", "1", "Unknown subscriber")
    assert (record["created_at"], record["updated_at"], record["delivered_at"]) == ("2026-08-03T10:54:58Z", "2026-08-03T10:57:31Z", None)
    assert record["destination"] == 447214116121


def test_every_record_of_a_kind_has_every_core_field_even_when_the_api_gives_none() -> None:
    record = normaliser("powertextor").apply("contacts", {"ContactId": "c1"})
    assert set(record) >= {"contact_id", "phone_number", "name", "first_name", "last_name", "email", "created_at", "updated_at"}


def test_streams_without_a_model_pass_through_untouched() -> None:
    record = {"GroupId": "g1", "Name": "VIP"}
    assert normaliser("powertextor").apply("contact_groups", dict(record)) == record


HEX64 = re.compile(r"^[0-9a-f]{64}$")


def test_hashing_replaces_every_declared_number_consistently_and_keeps_sender_names() -> None:
    hashing = normaliser("smsworks", hasher=Hasher("a-salt-of-16-chars!"), hash_phones=True)

    message = hashing.apply("messages", {"messageid": "w1", "sender": "YourCompany", "destination": 447214116121,
                                         "status": "SENT", "content": "Hi"})
    scheduled = hashing.apply("scheduled_messages", {"id": "s1", "status": "SCHEDULED", "message": {
        "sender": "447700900123", "destinations": ["+44 7214 116121", "447000000001"], "content": "Hi"}})

    assert HEX64.match(message["to"]) and message["destination"] == message["to"], "core and provider field hash alike"
    assert scheduled["message"]["destinations"][0] == message["to"], "the same number in another format, another stream"
    assert HEX64.match(scheduled["message"]["sender"]) and HEX64.match(scheduled["from"])
    assert message["from"] == message["sender"] == "YourCompany"
    assert message["body"] == "Hi", "bodies are hashed only when asked"


def test_the_salt_changes_every_hash_and_bodies_are_hashed_on_request() -> None:
    record = {"messageid": "w1", "destination": 447214116121, "content": "Your code is 123456", "status": "SENT"}
    one = normaliser("smsworks", hasher=Hasher("salt-number-one-16"), hash_phones=True, hash_bodies=True).apply("messages", dict(record))
    two = normaliser("smsworks", hasher=Hasher("salt-number-two-16"), hash_phones=True, hash_bodies=True).apply("messages", dict(record))
    assert one["to"] != two["to"]
    assert HEX64.match(one["body"]) and one["content"] == one["body"] and "123456" not in str(one)


def test_a_twilio_message_gets_its_direction_sign_and_dates_in_the_core_form() -> None:
    record = {"sid": "SM00000000000000000000000000000001", "direction": "outbound-reply", "from": "+14155550100",
              "to": "+447700900123", "status": "undelivered", "error_code": 30003, "error_message": "Unreachable destination handset",
              "num_segments": "2", "price": "-0.01580", "price_unit": "USD", "date_created": "Fri, 24 May 2019 17:44:46 +0000",
              "date_sent": "Fri, 24 May 2019 17:44:50 +0000", "date_updated": "Fri, 24 May 2019 17:44:57 +0000"}

    out = normaliser("twilio").apply("messages", dict(record))

    assert (out["direction"], out["provider_direction"]) == ("outbound", "outbound-reply")
    assert (out["status"], out["provider_status"], out["error_code"]) == ("failed", "undelivered", "30003")
    assert (out["price"], out["provider_price"], out["currency"], out["parts"]) == (0.0158, "-0.01580", "USD", 2)
    assert (out["created_at"], out["sent_at"], out["updated_at"]) == ("2019-05-24T17:44:46Z", "2019-05-24T17:44:50Z", "2019-05-24T17:44:57Z")
    inbound = normaliser("twilio").apply("messages", {**record, "direction": "inbound", "status": "received", "price": None})
    assert (inbound["direction"], inbound["status"], inbound["price"], inbound["error_code"]) == ("inbound", "received", None, None)


def test_the_data_model_page_tables_match_the_provider_models() -> None:
    from source_sms import model_docs

    assert model_docs.main(["--check"]) == 0, "run: python -m source_sms.model_docs"


@given(st.from_regex(r"\+?[0-9]{1,18}", fullmatch=True))
def test_bare_digit_numbers_read_the_same_as_formatted_ones(number: str) -> None:
    # Bare digits take a shortcut in canonical_phone; with a trailing space they take the general
    # path. Both must agree for every length, including too short and too long to be a number.
    assert canonical_phone(number) == canonical_phone(number + " ").strip()
