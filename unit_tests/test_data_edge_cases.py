"""Awkward but real data, per provider (mocked HTTP): emitted without loss and valid against the
discovered stream schema.

One record per provider with null in every field but its id, a 1,600-character multi-part body
with emoji (10+ SMS parts in UCS-2), and a phone number in a human format (`+44 (0)7700 900123`).
tyntec's status has no body field, so its long text goes in `reference` (also free text).
"""

from __future__ import annotations

import json
from typing import Any, Callable

import jsonschema
import pytest
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse

from unit_tests.helpers import discover_streams, read_stream, record_data, response_json
from unit_tests.mock_server import test_messagemedia as mm, test_powertextor as pt, test_smsworks as sw, test_tyntec as ty

LONG_BODY = ("Grüße aus Zürich 🎉 — your appointment is confirmed ✅. " * 40)[:1600]
ODD_NUMBER = "+44 (0)7700 900123"
assert len(LONG_BODY) == 1600


def nulled(item: dict[str, Any], keep: set[str]) -> dict[str, Any]:
    """Every field null except the ones that identify the record."""
    return {key: (value if key in keep else None) for key, value in item.items()}


def tyntec(http_mocker: HttpMocker) -> tuple[dict, str, dict]:
    item = {**nulled(response_json("tyntec", "message_status"), {"requestId"}), "requestId": "edge-1",
            "reference": LONG_BODY, "to": ODD_NUMBER}
    http_mocker.get(HttpRequest(f"{ty.BASE}/messaging/v1/messages/edge-1", headers=ty.HEADERS), HttpResponse(json.dumps(item)))
    return ty.config(message_request_ids=["edge-1"]), "messages", item


def messagemedia(http_mocker: HttpMocker) -> tuple[dict, str, dict]:
    item = {**nulled(response_json("messagemedia", "message_status"), {"message_id"}), "message_id": "edge-1",
            "content": LONG_BODY, "destination_number": ODD_NUMBER}
    http_mocker.get(HttpRequest(f"{mm.BASE}/v1/messages/edge-1"), HttpResponse(json.dumps(item)))
    return mm.config(message_ids=["edge-1"]), "message_statuses", item


def smsworks(http_mocker: HttpMocker) -> tuple[dict, str, dict]:
    item = {"id": "edge-1", "status": None, "batch": None,
            "message": {"sender": None, "content": LONG_BODY, "destination": ODD_NUMBER, "schedule": None}}
    http_mocker.get(HttpRequest(f"{sw.BASE}/messages/schedule", headers=sw.HEADERS), HttpResponse(json.dumps([item])))
    return sw.config(), "scheduled_messages", item


def powertextor(http_mocker: HttpMocker) -> tuple[dict, str, dict]:
    item = {**nulled(response_json("powertextor", "contacts")["Data"][0], {"ContactId"}), "ContactId": "edge-1",
            "Name": LONG_BODY, "Phone": ODD_NUMBER}
    body = {"Success": True, "Error": None, "Data": [item]}
    http_mocker.get(HttpRequest(f"{pt.BASE}/api/contacts", query_params={}, headers=pt.HEADERS), HttpResponse(json.dumps(body)))
    return pt.config(), "contacts", item


CASES: dict[str, Callable[[HttpMocker], tuple[dict, str, dict]]] = {
    "tyntec": tyntec, "messagemedia": messagemedia, "smsworks": smsworks, "powertextor": powertextor}


@pytest.mark.parametrize("provider", CASES)
def test_nulls_a_long_emoji_body_and_an_odd_number_are_emitted_intact_and_valid(http_mocker: HttpMocker, provider: str) -> None:
    config, stream, item = CASES[provider](http_mocker)

    output = read_stream(config, stream)

    assert not output.errors, [e.trace.error.message for e in output.errors]
    records = record_data(output)
    assert len(records) == 1
    record = records[0]
    # Null fields may come out absent (the CDK's serializer omits None values: the same null
    # column in the warehouse); every non-null value must come out unchanged.
    # A core field that replaces a provider field of the same name keeps the provider's value
    # beside it: `status` in provider_status, any other in provider_<name>.
    for key, value in item.items():
        kept = record.get("provider_status" if key == "status" else key)
        if kept != value and "provider_" + key in record:
            kept = record["provider_" + key]
        assert kept == value, f"{key} was changed or dropped"
    assert all(key in record for key, value in item.items() if value is not None)
    schema = discover_streams(config)[stream].json_schema
    jsonschema.validate(record, schema, cls=jsonschema.Draft7Validator)
