"""Sinch SMS specifics the generic protocol tests do not cover: the emulator behaves like the API (Bearer
token per service plan, page_size cap, start_date inclusive / end_date exclusive, `{code, text}` errors),
and a full read through the real command returns the emulator's account and makes no write."""

from __future__ import annotations

import requests

from integration_tests.conftest import full_catalog
from sms_emulator.providers.sinch import API_TOKEN, SERVICE_PLAN_ID, parse_time


def get(emulator, path: str, token: str = API_TOKEN, plan: str = SERVICE_PLAN_ID, **query) -> requests.Response:
    return requests.get(f"{emulator.base_url('sinch')}/xms/v1/{plan}{path}", params=query,
                        headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_the_emulator_wants_the_token_of_this_service_plan(emulator):
    assert get(emulator, "/groups", token="wrong").status_code == 401
    refused = get(emulator, "/groups", plan="another-plan")
    assert refused.status_code == 401
    assert set(refused.json()) == {"code", "text"}


def test_the_emulator_caps_page_size_at_100_and_pages_from_0(emulator):
    wide = {"start_date": "2026-01-01T00:00:00Z"}
    assert get(emulator, "/batches", page_size=101, **wide).status_code == 400
    everything = get(emulator, "/batches", page_size=100, **wide).json()
    first, second = get(emulator, "/batches", page_size=5, **wide).json(), get(emulator, "/batches", page=1, page_size=5, **wide).json()
    assert first["batches"] + second["batches"] == everything["batches"][:10]
    assert first["count"] == everything["count"] == len(emulator.apps["sinch"].truth()["messages"])
    assert get(emulator, "/batches").json()["batches"] == [], "without start_date only the last 24 h, long after the seeded history"


def test_the_emulator_filters_start_date_inclusive_and_end_date_exclusive(emulator):
    reports = emulator.apps["sinch"].truth()["message_statuses"]
    middle = reports[len(reports) // 2]["at"]
    before = get(emulator, "/delivery_reports", start_date="2026-01-01T00:00:00Z", end_date=middle, page_size=100).json()
    after = get(emulator, "/delivery_reports", start_date=middle, page_size=100).json()
    assert all(parse_time(r["at"]) < parse_time(middle) for r in before["delivery_reports"])
    assert any(r["at"] == middle for r in after["delivery_reports"])
    assert before["count"] + after["count"] == len(reports)
    assert get(emulator, "/inbounds", start_date="yesterday").json()["code"] == "syntax_invalid_parameter_format"


def test_a_full_read_returns_the_account_and_calls_no_write(emulator, run):
    config = emulator.config("sinch")
    catalog = full_catalog(run("discover", config=config).catalog)

    result = run("read", config=config, catalog=catalog)

    assert result.returncode == 0, result.stderr[-2000:]
    truth = emulator.apps["sinch"].truth()
    for stream, rows in truth.items():
        assert len(result.records(stream)) == len(rows), stream
    groups = {g["id"]: g["members"] for g in truth["contact_groups"]}
    assert {r["id"]: r["members"] for r in result.records("contact_groups")} == groups
    statuses = {r["status"] for r in result.records("message_statuses")}
    assert {"delivered", "failed"} <= statuses
    assert [r for r in emulator.requests if r["provider"] == "sinch" and r["writes"]] == []
