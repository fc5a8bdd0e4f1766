"""Airbyte's acceptance rules for `spec`, `discover` and `read`, run with the real `source-sms`
command against the emulator, for every provider it emulates, at the acceptance suite's high
strictness: every discovered stream is read (no custom catalog, no stream allowed to be empty) and
records are validated with no field their schema does not declare. Rules, sources and what each
caught: docs/acceptance-rules.md; the checkers and their own tests: unit_tests/acceptance_rules.py,
unit_tests/test_acceptance_checkers.py."""

from __future__ import annotations

import pytest

from integration_tests.conftest import Run, full_catalog, source_sms
from sms_emulator.providers import REGISTRY
from unit_tests import acceptance_rules as rules

PROVIDERS = sorted(REGISTRY)
# The name the acceptance suite's own trace-on-failure test uses.
GHOST = "__AIRBYTE__stream_that_does_not_exist"


@pytest.fixture(scope="module")
def synced(emulator, tmp_path_factory):
    """Each provider's discovered catalog and its full read of every stream, once per module."""
    done: dict[str, tuple[dict, Run]] = {}

    def _synced(provider: str) -> tuple[dict, Run]:
        if provider not in done:
            folder = tmp_path_factory.mktemp(f"acceptance-{provider}")
            config = emulator.config(provider)
            catalog = source_sms(folder, "discover", config=config).catalog
            done[provider] = catalog, source_sms(folder, "read", config=config, catalog=full_catalog(catalog))
        return done[provider]
    return _synced


def ghost_stream(name: str = GHOST) -> dict:
    return {"stream": {"name": name, "json_schema": {"type": "object", "properties": {"f1": {"type": "string"}}},
                       "supported_sync_modes": ["full_refresh"]},
            "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}


def test_the_printed_spec_keeps_every_spec_rule(run):
    spec = run("spec").of_type("SPEC")[0]["spec"]
    assert rules.spec_violations(spec["connectionSpecification"]) == {}
    assert rules.no_refs(spec) == []


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("rule", ["the catalog has streams", "stream names are unique", *rules.STREAM_RULES])
def test_discover_keeps_the_rule(provider, rule, synced):
    catalog, _ = synced(provider)
    assert rules.catalog_violations(catalog).get(rule, []) == []


@pytest.mark.parametrize("provider", PROVIDERS)
class TestRead:
    def test_the_full_read_succeeds_without_an_error_trace(self, provider, synced):
        _, result = synced(provider)
        assert result.returncode == 0, result.stdout[-2000:]
        assert rules.trace_of(result.messages) is None

    def test_every_record_matches_its_schema_with_no_undeclared_field_and_a_full_primary_key(self, provider, synced):
        catalog, result = synced(provider)
        problems = [p for stream in catalog["streams"] for p in rules.record_violations(stream, result.records(stream["name"]))]
        assert problems == []

    def test_no_stream_is_empty_on_the_emulator_account(self, provider, synced):
        catalog, result = synced(provider)
        assert rules.empty_streams(catalog, {s["name"]: result.records(s["name"]) for s in catalog["streams"]}) == []

    def test_a_catalog_naming_a_stream_that_does_not_exist_ends_in_an_error_naming_it_and_the_streams_there_are(
            self, provider, emulator, run, synced):
        catalog, _ = synced(provider)
        known = [s["name"] for s in catalog["streams"]]
        result = run("read", config=emulator.config(provider), catalog={"streams": [ghost_stream()]})
        assert rules.unknown_stream_error(result.messages, result.returncode, GHOST, known) == []
        error = [m for m in result.of_type("TRACE") if m["trace"]["type"] == "ERROR"][-1]["trace"]["error"]
        assert error["failure_type"] == "config_error"
        assert "Traceback" not in error["message"]
        statuses = [m["trace"]["stream_status"] for m in result.of_type("TRACE") if m["trace"]["type"] == "STREAM_STATUS"]
        assert [(s["stream_descriptor"]["name"], s["status"]) for s in statuses] == [(GHOST, "INCOMPLETE")]


def test_the_streams_that_exist_are_read_before_the_missing_one_fails_the_sync(emulator, run, synced):
    catalog, _ = synced("smsworks")
    credits = next(s for s in catalog["streams"] if s["name"] == "credits")
    # A stream of another provider: what a catalog kept after switching the config's provider holds.
    configured = {"streams": [full_catalog({"streams": [credits]})["streams"][0], ghost_stream("phone_registrations")]}
    result = run("read", config=emulator.config("smsworks"), catalog=configured)
    assert result.records("credits")
    assert result.of_type("STATE")
    assert rules.unknown_stream_error(result.messages, result.returncode, "phone_registrations",
                                      [s["name"] for s in catalog["streams"]]) == []
    assert result.messages[-1]["type"] == "TRACE" and result.messages[-1]["trace"]["type"] == "ERROR"
    assert "does not have: 'phone_registrations'. Its streams are: " in rules.trace_of(result.messages)
