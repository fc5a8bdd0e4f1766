"""The Connector Builder's backend on `source-sms manifest`, as a user who imports it sees it.

`python -m airbyte_cdk.connector_builder.main read` is what the Builder calls: `resolve_manifest`
when the YAML is imported, `test_read` when the user presses "Test" on a stream, with the user's
testing values as the config and the CDK's default test-read limits (TestLimits: 100 records,
5 slices, 5 pages per slice) unless the request sets `__test_read_config`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from airbyte_cdk.sources.declarative.concurrent_declarative_source import TestLimits

from integration_tests.conftest import full_catalog, source_sms
from integration_tests.declarative_runs import (
    builder, components_pair, one_stream_catalog, printed_manifest, provider_streams, walk)
from integration_tests.test_data_model import phone_digits
from integration_tests.test_manifest_only import PRIVACY, canonical, now, read_time_fields
from sms_emulator.data import ACCOUNT_TODAY
from sms_emulator.server import Emulator
from source_sms.manifest import PROVIDERS, build_manifest

# A test read shows only the first 5 date windows from start_date. From the emulator's start_date
# (2026-01-01) these hold none of its messages, which lie in the months before its ACCOUNT_TODAY; the
# spec's start_date says so on the Builder's testing-values form, and a user following it (a start a
# few weeks before messages they know of) sees records: that is what every stream is read with here.
NEAR_THE_DATA = (ACCOUNT_TODAY - timedelta(days=28)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cases():
    manifest = build_manifest()
    for provider in PROVIDERS:
        for stream in provider_streams(manifest, provider):
            yield pytest.param(provider, stream["name"], id=f"{provider}-{stream['name']}")


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    return printed_manifest(tmp_path_factory.mktemp("manifest"))


@pytest.fixture(scope="module")
def server():
    emulator = Emulator(seed=7).start()
    yield emulator
    emulator.stop()


@pytest.fixture(scope="module")
def package_records(server, tmp_path_factory):
    """{(provider, privacy on): {stream: the package's records, canonical}} of a full read, read once each."""
    cache: dict = {}

    def read(provider: str, privacy: bool, definitions: dict) -> dict[str, set[str]]:
        if (provider, privacy) not in cache:
            folder = tmp_path_factory.mktemp(f"package-{provider}")
            config = {**server.config(provider), **({"privacy": PRIVACY} if privacy else {})}
            config["start_date"] = NEAR_THE_DATA
            catalog = source_sms(folder, "discover", config=config).catalog
            started = now()
            run = source_sms(folder, "read", config=config, catalog=full_catalog(catalog))
            window = (started, now())
            assert run.returncode == 0, run.stdout[-2000:]
            cache[(provider, privacy)] = (
                {s["name"]: {canonical(r, read_time_fields(definitions[s["name"]]), window) for r in run.records(s["name"])}
                 for s in catalog["streams"]}, window)
        return cache[(provider, privacy)]
    return read


@pytest.fixture(scope="module")
def resolved(manifest, server, tmp_path_factory):
    answer = builder(tmp_path_factory.mktemp("resolve"), "resolve_manifest", server.config(PROVIDERS[0]), manifest)
    assert answer["type"] == "RECORD", answer
    return answer["record"]["data"]["manifest"]


def test_resolve_manifest_gives_every_stream_and_source_sms_spec(resolved, manifest, tmp_path):
    for provider in PROVIDERS:
        assert [s["name"] for s in provider_streams(resolved, provider)] == [s["name"] for s in provider_streams(manifest, provider)]
    assert not [node for node in walk(resolved) if isinstance(node, dict) and "$ref" in node], "every $ref resolved"
    native = source_sms(tmp_path, "spec").of_type("SPEC")[0]["spec"]["connectionSpecification"]
    assert resolved["spec"]["connection_specification"] == native, "the Builder's testing-values form is source-sms's spec"


@pytest.mark.parametrize("provider, stream", list(_cases()))
def test_a_test_read_within_the_default_limits_shows_the_package_records(provider, stream, manifest, resolved, server,
                                                                         package_records, tmp_path):
    # Near the data for every stream, as for the package read its records are compared with.
    config = {**server.config(provider), "start_date": NEAR_THE_DATA}
    definition = next(s for s in provider_streams(resolved, provider) if s["name"] == stream)
    catalog = one_stream_catalog({"name": stream, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]})
    answer = builder(tmp_path, "test_read", config, manifest, catalog=catalog)
    assert answer["type"] == "RECORD", answer
    result = answer["record"]["data"]

    assert not [log for log in result["logs"] if log["level"] == "ERROR"], result["logs"]
    slices = result["slices"]
    pages = [page for piece in slices for page in piece["pages"]]
    records = [record for page in pages for record in page["records"]]
    assert len(slices) <= TestLimits.DEFAULT_MAX_SLICES
    assert all(len(piece["pages"]) <= TestLimits.DEFAULT_MAX_PAGES_PER_SLICE for piece in slices)
    # The CDK stops at the record limit once the page in hand is done (Twilio's 7-day slices showed 103).
    assert len(records) < TestLimits.DEFAULT_MAX_RECORDS + max([len(page["records"]) for page in pages] + [1])
    # Every page shows the request made to the provider (here the emulator) and its answer.
    for page in pages:
        assert page["request"]["url"].startswith(server.base_url(provider)), page["request"]["url"]
        assert page["response"]["status"] == 200

    assert records, f"{provider}.{stream}: a test read of {len(slices)} slices {[s['slice_descriptor'] for s in slices]} shows no records"
    # Each record shown is one the package emits, field for field: the core fields included.
    expected, window = package_records(provider, False, {d["name"]: d for d in provider_streams(resolved, provider)})
    timed = read_time_fields(definition)
    for record in records:
        assert canonical(record, timed, (window[0], now())) in expected[stream], record

    # The schema the Builder infers from what it read is covered by the stream's declared schema.
    declared = definition["schema_loader"]["schema"]["properties"]
    assert set(result["inferred_schema"]["properties"]) <= set(declared)


def test_a_test_read_from_months_before_the_data_shows_none_and_the_form_says_why(manifest, resolved, server, tmp_path):
    # What a new user met: MessageMedia messages from the emulator's 2026-01-01, five empty weeks.
    catalog = one_stream_catalog({"name": "messages", "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]})
    answer = builder(tmp_path, "test_read", server.config("messagemedia"), manifest, catalog=catalog)
    assert [r for piece in answer["record"]["data"]["slices"] for page in piece["pages"] for r in page["records"]] == []
    described = resolved["spec"]["connection_specification"]["properties"]["start_date"]["description"]
    assert "Connector Builder" in described and "first 5" in described


# One stream of each provider that holds phone numbers (and texts, where the API returns them).
HASHED = {"tyntec": "contacts", "messagemedia": "messages", "smsworks": "messages", "powertextor": "contacts",
          "twilio": "messages", "sinch": "inbound_messages"}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_with_privacy_on_a_test_read_shows_the_package_hashed_records(provider, manifest, resolved, server, package_records,
                                                                     tmp_path):
    stream = HASHED[provider]
    config = {**server.config(provider), "privacy": PRIVACY, "start_date": NEAR_THE_DATA}
    catalog = one_stream_catalog({"name": stream, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]})
    answer = builder(tmp_path, "test_read", config, manifest, catalog=catalog)
    result = answer["record"]["data"]
    records = [r for piece in result["slices"] for page in piece["pages"] for r in page["records"]]
    assert records
    expected, window = package_records(provider, True, {d["name"]: d for d in provider_streams(resolved, provider)})
    definition = next(s for s in provider_streams(resolved, provider) if s["name"] == stream)
    for record in records:
        assert canonical(record, read_time_fields(definition), (window[0], now())) in expected[stream], record
    # The records hold no number in clear. (The pages beside them show each raw HTTP answer: the
    # Builder's own view of what the provider sent, docs/connector-builder.md.)
    shown = str(records)
    leaked = sorted(n for n in phone_digits(server.apps[provider].truth()) if n in shown)
    assert leaked == [], leaked[:3]


def test_a_builder_that_allows_custom_components_shows_the_package_records_with_the_pair(resolved, server, package_records,
                                                                                       tmp_path):
    manifest, components = components_pair(tmp_path / "pair")
    config = {**server.config("twilio"), "privacy": PRIVACY, "start_date": NEAR_THE_DATA}
    catalog = one_stream_catalog({"name": "messages", "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]})
    answer = builder(tmp_path, "test_read", config, manifest, catalog=catalog, components=components)
    assert answer["type"] == "RECORD", answer
    records = [r for piece in answer["record"]["data"]["slices"] for page in piece["pages"] for r in page["records"]]
    expected, window = package_records("twilio", True, {d["name"]: d for d in provider_streams(resolved, "twilio")})
    assert records and all(canonical(r, set(), (window[0], now())) in expected["messages"] for r in records)
