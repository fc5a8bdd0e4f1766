"""Every provider, end to end: the real `source-sms` command against the emulator over real sockets."""

from __future__ import annotations

import json
from collections import Counter

import jsonschema
import pytest

from integration_tests.conftest import full_catalog
from sms_emulator.providers import REGISTRY

PROVIDERS = sorted(REGISTRY)


def key_of(record: dict, primary_key: list[list[str]]) -> tuple:
    return tuple(json.dumps(record.get(path[0]), sort_keys=True) for path in primary_key)


def contains(record: dict, expected: dict) -> bool:
    """The record holds every non-null field of the provider's item (the CDK omits nulls): under
    its own name, or as provider_<name> where a core field took the name (status → provider_status)."""
    return all(record.get("provider_" + key, record.get(key)) == value for key, value in expected.items() if value is not None)


def test_spec_is_a_valid_json_schema_listing_every_provider(run):
    result = run("spec")
    spec = result.of_type("SPEC")[0]["spec"]["connectionSpecification"]
    jsonschema.Draft7Validator.check_schema(spec)
    names = {option["properties"]["name"]["const"] for option in spec["properties"]["provider"]["oneOf"]}
    assert set(PROVIDERS) <= names


@pytest.mark.parametrize("provider", PROVIDERS)
class TestProvider:
    def test_check_succeeds_with_the_emulator_credentials(self, provider, emulator, run):
        result = run("check", config=emulator.config(provider))
        assert result.status["status"] == "SUCCEEDED", result.status

    def test_check_fails_on_a_rejected_key_with_a_human_message(self, provider, emulator, run):
        config = emulator.config(provider)
        secrets = {key: value for key, value in config["provider"].items() if key not in ("name", "base_url") and isinstance(value, str)}
        for key in secrets:
            config["provider"][key] = "wrong-credential-9d8c7b6a5f4e"
        result = run("check", config=config)
        assert result.status["status"] == "FAILED"
        assert "401" in result.status["message"]
        assert "Traceback" not in result.status["message"]
        assert result.returncode == 0

    def test_read_returns_exactly_the_emulator_records_valid_and_unique(self, provider, emulator, run):
        config = emulator.config(provider)
        catalog = run("discover", config=config).catalog
        truth = emulator.apps[provider].truth()
        assert {s["name"] for s in catalog["streams"]} == set(truth), "discover lists exactly the provider's streams"

        emulator.requests.clear()
        result = run("read", config=config, catalog=full_catalog(catalog))
        assert result.returncode == 0, result.stdout[-3000:]
        assert not [m for m in result.of_type("TRACE") if m["trace"]["type"] == "ERROR"]

        for stream in catalog["streams"]:
            name = stream["name"]
            records = result.records(name)
            expected = truth[name]
            assert len(records) == len(expected), f"{provider}.{name}: {len(records)} records, emulator has {len(expected)}"
            for item in expected:
                assert any(contains(record, item) for record in records), f"{provider}.{name}: missing {item}"
            validator = jsonschema.Draft7Validator(stream["json_schema"])
            for record in records:
                assert record["provider"] == provider
                errors = list(validator.iter_errors(record))
                assert not errors, f"{provider}.{name}: {errors[0].message}"
            primary_key = stream.get("source_defined_primary_key")
            if primary_key:
                duplicates = [k for k, n in Counter(key_of(r, primary_key) for r in records).items() if n > 1]
                assert not duplicates, f"{provider}.{name}: duplicate primary keys {duplicates[:3]}"

        writes = [r for r in emulator.requests if r["provider"] == provider and r["writes"]]
        assert writes == [], f"a read must never change the account: {writes}"
        assert all(r["provider"] == provider for r in emulator.requests)
