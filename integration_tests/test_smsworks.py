"""The SMS Works specifics the generic protocol tests do not cover: the emulator behaves like the API
(JWT check, Query filtering, limit cap), and incremental state round-trips through the real command."""

from __future__ import annotations

from datetime import datetime, timedelta

import requests

from integration_tests.conftest import full_catalog
from sms_emulator.providers.smsworks import TOKEN, js_date, parse_date


def post(emulator, path: str, body: dict, token: str = TOKEN) -> requests.Response:
    return requests.post(f"{emulator.base_url('smsworks')}{path}", json=body, headers={"Authorization": token}, timeout=10)


def test_the_emulator_checks_the_jwt_and_answers_with_the_error_model(emulator):
    response = post(emulator, "/messages", {}, token="JWT wrong")
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}


def test_the_emulator_caps_limit_at_1000_and_pages_with_skip(emulator):
    assert post(emulator, "/messages", {"limit": 1001}).status_code == 400
    everything = post(emulator, "/messages", {}).json()
    first, second = post(emulator, "/messages", {"limit": 5}).json(), post(emulator, "/messages", {"limit": 5, "skip": 5}).json()
    assert first + second == everything[:10]


def test_the_emulator_filters_by_status_and_creation_window_in_iso_or_js_form(emulator):
    messages = post(emulator, "/messages", {}).json()
    incoming = post(emulator, "/messages", {"status": "INCOMING"}).json()
    assert incoming and all(m["status"] == "INCOMING" for m in incoming)
    middle = parse_date(messages[len(messages) // 2]["created"])
    iso = post(emulator, "/messages", {"from": middle.strftime("%Y-%m-%dT%H:%M:%SZ")}).json()
    js = post(emulator, "/messages", {"from": js_date(middle)}).json()
    assert iso == js
    assert 0 < len(iso) < len(messages)
    assert all(parse_date(m["created"]) >= middle for m in iso)


def test_incremental_state_round_trips_through_the_command(emulator, run):
    config = emulator.config("smsworks")
    discovered = run("discover", config=config).catalog
    catalog = full_catalog({"streams": [s for s in discovered["streams"] if s["name"] in ("messages", "inbound_messages")]})
    for stream in catalog["streams"]:
        stream["sync_mode"] = "incremental"
        stream["destination_sync_mode"] = "append"
        stream["cursor_field"] = ["created_at"]

    first = run("read", config=config, catalog=catalog)
    assert first.returncode == 0
    truth = emulator.apps["smsworks"].truth()
    assert len(first.records("messages")) == len(truth["messages"])
    states = first.of_type("STATE")
    latest = {s["state"]["stream"]["stream_descriptor"]["name"]: s["state"] for s in states}
    newest = max(r["created_at"] for r in first.records("messages"))
    assert latest["messages"]["stream"]["stream_state"]["created_at"] == newest

    second = run("read", config=config, catalog=catalog, state=list(latest.values()))
    assert second.returncode == 0
    # Only the lookback window (3 days before the cursor) is read again.
    again = second.records("messages")
    assert len(again) < len(first.records("messages"))
    cutoff = (datetime.strptime(newest, "%Y-%m-%dT%H:%M:%SZ") - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert again and all(r["created_at"] >= cutoff for r in again)
    writes = [r for r in emulator.requests if r["provider"] == "smsworks" and r["writes"]]
    assert writes == []
