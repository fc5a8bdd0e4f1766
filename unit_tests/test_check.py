"""`check`: one cheap authenticated call per provider; failures are FAILED statuses a person can act on."""

from __future__ import annotations

import json
import logging

from airbyte_cdk.models import Status
from airbyte_cdk.test.mock_http import HttpRequest, HttpResponse

from source_sms.source import SourceSms
from unit_tests.helpers import SENTINEL_SECRET

CONFIG = {"provider": {"name": "tyntec", "api_key": SENTINEL_SECRET}}
CHECK_URL = "https://api.tyntec.com/account/v1/ip/restriction"
BASE = "https://api.tyntec.com"
WHITELIST = json.dumps({"enabled": False, "whiteList": []})


def check(config=CONFIG):
    return SourceSms(config=config).check(logging.getLogger("test"), config)


def test_check_succeeds_with_one_authenticated_call(http_mocker):
    http_mocker.get(HttpRequest(CHECK_URL, headers={"apikey": SENTINEL_SECRET}), HttpResponse(WHITELIST))
    assert check().status == Status.SUCCEEDED


def test_a_key_with_the_sms_api_only_passes_and_the_log_names_what_it_lacks(http_mocker, caplog):
    forbidden = HttpResponse(json.dumps({"status": 403, "title": "Forbidden"}), 403)
    http_mocker.get(HttpRequest(CHECK_URL), HttpResponse(WHITELIST))
    http_mocker.get(HttpRequest(f"{BASE}/messaging/v1/messages/00000000-0000-4000-8000-000000000000"),
                    HttpResponse(json.dumps({"status": 404, "title": "Not Found"}), 404))
    http_mocker.get(HttpRequest(f"{BASE}/conversations/v3/configurations"), forbidden)
    http_mocker.get(HttpRequest(f"{BASE}/byon/provisioning/v1", query_params={"friendlyName": "source-sms-check"}), forbidden)
    with caplog.at_level(logging.INFO):
        assert check().status == Status.SUCCEEDED
    said = {(r.levelno, r.getMessage()) for r in caplog.records}
    assert any(level == logging.INFO and "can read the SMS API" in text for level, text in said)
    assert any(level == logging.WARNING and "lacks BYON" in text for level, text in said)
    assert any(level == logging.WARNING and "lacks the Conversations API" in text for level, text in said)


def test_a_rejected_key_is_a_failed_status_naming_provider_status_and_fix(http_mocker):
    http_mocker.get(HttpRequest(CHECK_URL), HttpResponse(json.dumps({"status": 401, "title": "Unauthorized"}), 401))
    status = check()
    assert status.status == Status.FAILED
    assert "tyntec rejected the credentials (HTTP 401)" in status.message
    assert "provider.api_key" in status.message
    assert not status.message.startswith(("'", '"')), "the CDK's repr quoting is removed"
    assert SENTINEL_SECRET not in status.message


def test_a_403_on_the_call_every_key_may_make_still_fails(http_mocker):
    http_mocker.get(HttpRequest(CHECK_URL), HttpResponse(json.dumps({"status": 403, "title": "Forbidden"}), 403))
    status = check()
    assert status.status == Status.FAILED
    assert "refused access (HTTP 403)" in status.message
