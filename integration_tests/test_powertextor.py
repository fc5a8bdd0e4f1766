"""Power Textor beyond the generic protocol tests: a key past its validity period.

Power Textor's own documentation makes the key's validity period part of creating it, and its envelope
can refuse a request with HTTP 200 and Success: false. The emulator answers an expired key that way.
"""

from __future__ import annotations

from sms_emulator.providers.powertextor import EXPIRED_API_KEY


def test_check_with_an_expired_key_fails_and_says_to_create_a_new_one(emulator, run):
    config = emulator.config("powertextor")
    config["provider"]["api_key"] = EXPIRED_API_KEY

    result = run("check", config=config)

    assert result.returncode == 0
    assert result.status["status"] == "FAILED"
    assert "API Key has expired" in result.status["message"]
    assert "Create a new API key in the Power Textor web app (API Keys > New)" in result.status["message"]


def test_a_read_with_an_expired_key_fails_instead_of_returning_an_empty_account(emulator, run):
    config = emulator.config("powertextor")
    config["provider"]["api_key"] = EXPIRED_API_KEY
    catalog = {"streams": [{"stream": {"name": "contacts", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                            "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}

    result = run("read", config=config, catalog=catalog)

    errors = [m["trace"]["error"] for m in result.of_type("TRACE") if m["trace"]["type"] == "ERROR"]
    assert result.records() == []
    assert any(e["failure_type"] == "config_error" and "API Keys" in e["message"] for e in errors), errors
