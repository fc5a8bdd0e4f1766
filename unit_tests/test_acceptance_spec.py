"""The spec `source-sms spec` prints keeps Airbyte's acceptance rules for specs, each rule a test,
for the whole spec and for each provider's option (rules and sources: docs/acceptance-rules.md)."""

from __future__ import annotations

import logging

import pytest
from airbyte_cdk.models import ConnectorSpecificationSerializer

from source_sms.manifest import PROVIDERS
from source_sms.source import SourceSms
from unit_tests import acceptance_rules as rules


def printed_spec() -> dict:
    """The SPEC message's spec, as `source-sms spec` prints it (the entrypoint prints this object)."""
    return ConnectorSpecificationSerializer.dump(SourceSms().spec(logging.getLogger("test")))


SPEC = printed_spec()
CONNECTION = SPEC["connectionSpecification"]
OPTIONS = {option["properties"]["name"]["const"]: option for option in CONNECTION["properties"]["provider"]["oneOf"]}


@pytest.mark.parametrize("rule", list(rules.SPEC_RULES))
def test_the_spec_keeps_the_rule(rule):
    assert rules.SPEC_RULES[rule](CONNECTION) == []


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("rule", [r for r in rules.SPEC_RULES if not r.startswith("oneOf")])
def test_each_provider_option_keeps_the_rule(provider, rule):
    assert rules.SPEC_RULES[rule](OPTIONS[provider]) == []


def test_every_provider_has_an_option_so_the_rules_above_cover_it():
    assert set(OPTIONS) == set(PROVIDERS)


def test_no_unresolved_ref_anywhere_in_the_spec_message():
    assert rules.no_refs(SPEC) == []


def test_the_provider_oneof_is_told_apart_by_name_alone():
    for name, option in OPTIONS.items():
        assert option["properties"]["name"] == {"type": "string", "const": name, "order": 0}


def test_every_credential_is_a_secret_and_nothing_else_is():
    marked = {(name, key) for name, option in OPTIONS.items()
              for key, field in option["properties"].items() if field.get("airbyte_secret")}
    named = {(name, key) for name, option in OPTIONS.items() for key in option["properties"] if rules.is_secret_name(key)}
    assert marked == named
    assert CONNECTION["properties"]["privacy"]["properties"]["salt"]["airbyte_secret"] is True


def test_start_date_takes_what_the_date_picker_writes_and_nothing_else():
    import re

    start_date = CONNECTION["properties"]["start_date"]
    assert start_date["format"] == "date-time"
    assert re.match(start_date["pattern"], "2026-01-01T00:00:00Z")
    for written in ("2026-01-01", "2026-01-01T00:00:00", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00+00:00"):
        assert not re.match(start_date["pattern"], written), written
