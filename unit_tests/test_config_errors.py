"""Bad configs are rejected with a message that names the field and the fix, never a stack trace."""

from __future__ import annotations

import json

import pytest

from source_sms.config_check import config_errors
from source_sms.manifest import connection_specification
from source_sms.run import run

SPEC = connection_specification()
GOOD = {"provider": {"name": "tyntec", "api_key": "a-long-test-key-123456"}}


def errors(config):
    return config_errors(config, SPEC)


def test_a_good_config_has_no_errors():
    assert errors(GOOD) == []


@pytest.mark.parametrize(
    "config, expected",
    [
        ({}, "provider is required"),
        ({"provider": "tyntec"}, "provider must be an object"),
        ({"provider": {"name": "vonage"}}, "provider.name: 'vonage' is not a supported provider; use one of"),
        ({"provider": {"name": "tyntec"}}, "provider.api_key is required"),
        ({"provider": {"name": "tyntec", "api_key": ""}}, "provider.api_key"),
        ({"provider": {**GOOD["provider"], "base_url": "http://api.example.com"}}, "provider.base_url"),
        ({"provider": {**GOOD["provider"], "base_url": "ftp://127.0.0.1"}}, "provider.base_url"),
        ({"provider": {**GOOD["provider"], "message_request_ids": "abc"}}, "provider.message_request_ids"),
        ({**GOOD, "start_date": "last tuesday"}, "start_date"),
        ({**GOOD, "concurrency": 0}, "concurrency"),
        ({**GOOD, "privacy": {"hash_phone_numbers": True}}, "privacy.salt is required"),
        ({**GOOD, "privacy": {"hash_message_bodies": True, "salt": "short"}}, "privacy.salt"),
        ({**GOOD, "privacy": {"hash_phone_number": True, "salt": "x" * 16}}, "privacy"),
        ([], "must be a JSON object"),
    ],
)
def test_each_bad_field_is_named(config, expected):
    found = errors(config)
    assert found, f"{config} should be rejected"
    assert any(expected in message for message in found), found


def test_https_is_required_except_for_loopback():
    for url in ("https://api.tyntec.com", "http://127.0.0.1:8080/tyntec", "http://localhost:1234", "http://[::1]:80"):
        assert errors({"provider": {**GOOD["provider"], "base_url": url}}) == [], url
    message = " ".join(errors({"provider": {**GOOD["provider"], "base_url": "http://10.0.0.5"}}))
    assert "https://" in message and "localhost" in message


def test_check_with_a_bad_config_prints_a_failed_status_not_a_trace(tmp_path, capsys):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"provider": {"name": "tyntec"}}))
    run(["check", "--config", str(path)])
    messages = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    status = messages[-1]["connectionStatus"]
    assert status["status"] == "FAILED"
    assert "provider.api_key is required" in status["message"]


def test_discover_with_a_bad_config_exits_non_zero_with_a_config_error_trace(tmp_path, capsys):
    path = tmp_path / "config.json"
    path.write_text("{not json")
    with pytest.raises(SystemExit) as exit_info:
        run(["discover", "--config", str(path)])
    assert exit_info.value.code == 1
    trace = json.loads(capsys.readouterr().out.splitlines()[-1])["trace"]
    assert trace["error"]["failure_type"] == "config_error"
    assert "--config" in trace["error"]["message"]
