"""`check`: one cheap authenticated call per provider; failures are FAILED statuses a person can act on."""

from __future__ import annotations

import json
import logging

from airbyte_cdk.models import Status
from airbyte_cdk.test.mock_http import HttpRequest, HttpResponse

from source_sms.source import SourceSms
from unit_tests.helpers import SENTINEL_SECRET

CONFIG = {"provider": {"name": "tyntec", "api_key": SENTINEL_SECRET}}
CHECK_URL = "https://api.tyntec.com/byon/provisioning/v1"


def check(config=CONFIG):
    return SourceSms(config=config).check(logging.getLogger("test"), config)


def test_check_succeeds_with_one_authenticated_call(http_mocker):
    http_mocker.get(HttpRequest(CHECK_URL, headers={"apikey": SENTINEL_SECRET}), HttpResponse("", 204))
    assert check().status == Status.SUCCEEDED


def test_a_rejected_key_is_a_failed_status_naming_provider_status_and_fix(http_mocker):
    http_mocker.get(HttpRequest(CHECK_URL), HttpResponse(json.dumps({"status": 401, "title": "Unauthorized"}), 401))
    status = check()
    assert status.status == Status.FAILED
    assert "tyntec rejected the credentials (HTTP 401)" in status.message
    assert "provider.api_key" in status.message
    assert not status.message.startswith(("'", '"')), "the CDK's repr quoting is removed"
    assert SENTINEL_SECRET not in status.message


def test_a_key_without_the_byon_product_is_a_403_that_says_so(http_mocker):
    http_mocker.get(HttpRequest(CHECK_URL), HttpResponse(json.dumps({"status": 403, "title": "Forbidden"}), 403))
    status = check()
    assert status.status == Status.FAILED
    assert "refused access (HTTP 403)" in status.message
