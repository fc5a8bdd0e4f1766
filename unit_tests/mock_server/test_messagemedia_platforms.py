"""Every platform offered as a MessageMedia `region` is MessageMedia's API on that platform's https host.

The choices come from the spec itself, so a platform added to the list is tested here without a new
test; each must also be an allowed host in metadata.yaml and be documented with its source.
"""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

import pytest
import yaml
from airbyte_cdk.models import Status
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse

from source_sms.source import SourceSms
from unit_tests.helpers import SENTINEL_SECRET, read_stream, record_data, response_json

ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "source_sms" / "providers" / "messagemedia.yaml").read_text(encoding="utf-8"))["spec"]
PLATFORMS = SPEC["properties"]["region"]["enum"]
# The host each platform documents (docs/providers/messagemedia.md, "Platforms behind Sinch").
DOCUMENTED = {
    "api.messagemedia.com": "Sinch MessageMedia",
    "au.app.api.sinch.com": "Sinch Engage / MessageMedia, APAC",
    "eu.app.api.sinch.com": "Sinch Engage / MessageMedia, EU",
    "api.etxtservice.co.nz": "Spark eTXT",
}
API_KEY = "mm-platform-key-8c2f41d9"
HEADERS = {"Authorization": "Basic " + base64.b64encode(f"{API_KEY}:{SENTINEL_SECRET}".encode()).decode(),
           "Accept": "application/json"}


def config(host: str) -> dict:
    return {"provider": {"name": "messagemedia", "api_key": API_KEY, "api_secret": SENTINEL_SECRET, "region": host},
            "start_date": "2026-01-01T00:00:00Z"}


def test_the_offered_platforms_are_exactly_the_documented_ones() -> None:
    assert sorted(PLATFORMS) == sorted(DOCUMENTED)
    assert SPEC["properties"]["region"]["default"] == "api.messagemedia.com", "existing configs keep their host"


@pytest.mark.parametrize("host", PLATFORMS)
def test_each_platform_host_is_allowed_and_documented(host: str) -> None:
    metadata = yaml.safe_load((ROOT / "metadata.yaml").read_text(encoding="utf-8"))
    assert host in metadata["data"]["allowedHosts"]["hosts"]
    page = (ROOT / "docs" / "providers" / "messagemedia.md").read_text(encoding="utf-8")
    assert f"`{host}`" in page, f"docs/providers/messagemedia.md must name {host} with its source"


@pytest.mark.parametrize("host", PLATFORMS)
def test_check_calls_the_platform_host_over_https(host: str) -> None:
    with HttpMocker() as http_mocker:
        http_mocker.get(HttpRequest(f"https://{host}/v1/messaging/numbers/sender_address/addresses",
                                    query_params={"page_size": "100"}, headers=HEADERS),
                        HttpResponse(json.dumps({"data": [], "pagination": {}})))
        status = SourceSms(config=config(host)).check(logging.getLogger("test"), config(host))
    assert status.status == Status.SUCCEEDED, status.message


@pytest.mark.parametrize("host", PLATFORMS)
def test_contacts_are_read_from_the_platform_host_with_messagemedias_paging(host: str) -> None:
    page = {key: value for key, value in response_json("messagemedia", "contacts").items() if key != "nextPageToken"}
    with HttpMocker() as http_mocker:
        http_mocker.get(HttpRequest(f"https://{host}/api/v1/contacts/contacts", query_params={"pageSize": "1000"}, headers=HEADERS),
                        HttpResponse(json.dumps(page)))
        output = read_stream(config(host), "contacts")
    records = record_data(output)
    assert records and all(r["provider"] == "messagemedia" for r in records)
    assert not output.errors


def test_base_url_still_overrides_the_platform_for_hosts_no_public_source_names() -> None:
    # One NZ (multiTXT) and Grouptext: no public REST host, so base_url is the way in.
    host = "api.example-platform.co.nz"
    with HttpMocker() as http_mocker:
        http_mocker.get(HttpRequest(f"https://{host}/v1/messaging/numbers/sender_address/addresses", query_params={"page_size": "100"}),
                        HttpResponse(json.dumps({"data": [], "pagination": {}})))
        cfg = config("api.etxtservice.co.nz")
        cfg["provider"]["base_url"] = f"https://{host}"
        status = SourceSms(config=cfg).check(logging.getLogger("test"), cfg)
    assert status.status == Status.SUCCEEDED, status.message
