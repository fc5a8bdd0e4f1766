"""Twilio over the emulator, beyond the generic protocol tests: API-key auth, paging by next_page_uri, config errors."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import parse_qs

import pytest

from integration_tests.conftest import full_catalog
from sms_emulator.providers.twilio import API_KEY_SECRET, API_KEY_SID
from sms_emulator.server import Emulator


@pytest.fixture
def fresh_emulator():
    """Its own emulator: a test here adds messages, which the shared one must not see."""
    server = Emulator(seed=3).start()
    yield server
    server.stop()


def messages_catalog(run, config):
    discovered = run("discover", config=config).catalog
    return full_catalog({"streams": [s for s in discovered["streams"] if s["name"] == "messages"]})


def test_an_api_key_reads_the_same_account_as_the_auth_token(emulator, run):
    config = emulator.config("twilio")
    config["provider"]["authentication"] = {"auth_type": "api_key", "api_key_sid": API_KEY_SID, "api_key_secret": API_KEY_SECRET}

    assert run("check", config=config).status["status"] == "SUCCEEDED"
    result = run("read", config=config, catalog=messages_catalog(run, config))

    assert len(result.records("messages")) == len(emulator.apps["twilio"].truth()["messages"])


def test_a_busy_window_is_paged_1000_at_a_time_by_following_next_page_uri(fresh_emulator, run):
    busy = datetime(2026, 9, 2, 12, 0, tzinfo=timezone.utc)
    for second in range(2100):
        fresh_emulator.add_message("twilio", at=busy.replace(minute=second // 60 % 60, second=second % 60, hour=12 + second // 3600))
    config = fresh_emulator.config("twilio")
    catalog = messages_catalog(run, config)

    fresh_emulator.requests.clear()
    result = run("read", config=config, catalog=catalog)

    assert len({r["sid"] for r in result.records("messages")}) == len(fresh_emulator.apps["twilio"].truth()["messages"])
    queries = [parse_qs(r["query"]) for r in fresh_emulator.requests if r["path"].endswith("/Messages.json")]
    assert all(q["PageSize"] == ["1000"] for q in queries), "the largest page Twilio allows"
    followed = [q for q in queries if "PageToken" in q]
    assert len(followed) == 2, "two next pages in the busy window"
    assert all("DateSent>" in q and "DateSent<" in q for q in followed), "the next-page link keeps the window's filters"


def test_a_wrong_account_sid_is_refused_with_a_message_naming_the_settings(emulator, run):
    config = emulator.config("twilio")
    config["provider"]["account_sid"] = "AC" + "0" * 32

    result = run("check", config=config)

    assert result.status["status"] == "FAILED"
    assert "HTTP 401" in result.status["message"] and "provider.account_sid" in result.status["message"]


def test_an_incomplete_authentication_is_a_config_error_naming_the_missing_field(emulator, run):
    config = emulator.config("twilio")
    config["provider"]["authentication"] = {"auth_type": "api_key", "api_key_sid": API_KEY_SID}

    result = run("check", config=config)

    assert result.status["status"] == "FAILED"
    assert "provider.authentication.api_key_secret is required" in result.status["message"]
