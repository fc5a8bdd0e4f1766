"""Each acceptance-rule checker finds a violation when fed one, and stays quiet on a schema that
keeps the rule: no rule in test_acceptance_spec.py or integration_tests/test_acceptance_rules.py
can pass because its checker never looks."""

from __future__ import annotations

import pytest

from unit_tests import acceptance_rules as rules

PICKER = rules.DATE_TIME_PICKER_PATTERN


def spec(**properties) -> dict:
    return {"type": "object", "properties": properties}


def branch(const: str, **extra) -> dict:
    return {"type": "object", "properties": {"name": {"type": "string", "const": const}, **extra}}


GOOD_SPEC = spec(
    provider={"type": "object", "order": 0, "oneOf": [
        branch("a", api_key={"type": "string", "airbyte_secret": True, "order": 1}),
        branch("b", jwt_token={"type": "string", "airbyte_secret": True, "order": 1}),
    ]},
    start_date={"type": "string", "format": "date-time", "pattern": PICKER, "order": 1},
    ids={"type": "array", "items": {"type": "string"}, "order": 2},
    region={"type": ["string", "null"], "enum": ["eu", "us", None], "order": 3},
    options={"type": "object", "additionalProperties": True, "order": 4,
             "properties": {"on": {"type": "boolean", "order": 0}, "salt": {"type": "string", "airbyte_secret": True, "order": 1}}},
    # Fields *named* like keywords are fields, not keywords.
    fields={"type": "object", "order": 5, "properties": {"not": {"type": "string"}, "type": {"type": "string"},
                                                           "order": {"type": "integer"}}},
)


def test_a_spec_that_keeps_every_rule_has_no_violation():
    assert rules.spec_violations(GOOD_SPEC) == {}


@pytest.mark.parametrize("checker, schema, expected", [
    # oneOf under an object, one common const property, no default or enum on it
    (rules.one_of_usage, spec(p={"type": "string", "oneOf": [branch("a"), branch("b")]}), "type: object"),
    (rules.one_of_usage, spec(p={"type": "object", "oneOf": [branch("a"), {"type": "object"}]}), "every branch"),
    (rules.one_of_usage, spec(p={"type": "object", "oneOf": [
        {"type": "object", "properties": {"x": {"type": "string", "const": "a"}}},
        {"type": "object", "properties": {"y": {"type": "string", "const": "b"}}}]}), "share no property"),
    (rules.one_of_usage, spec(p={"type": "object", "oneOf": [
        {"type": "object", "properties": {"name": {"type": "string"}}},
        {"type": "object", "properties": {"name": {"type": "string"}}}]}), "exactly one common property"),
    (rules.one_of_usage, spec(p={"type": "object", "oneOf": [
        branch("a", kind={"type": "string", "const": "x"}), branch("b", kind={"type": "string", "const": "y"})]}),
     "exactly one common property"),
    (rules.one_of_usage, spec(p={"type": "object", "oneOf": [
        {"type": "object", "properties": {"name": {"type": "string", "const": "a", "default": "a"}}}, branch("b")]}),
     "has default"),
    (rules.one_of_usage, spec(p={"type": "object", "oneOf": [
        {"type": "object", "properties": {"name": {"type": "string", "const": "a", "enum": ["a"]}}}, branch("b")]}),
     "has enum"),
    (rules.one_of_usage, spec(p={"type": "object", "oneOf": [branch("a"), branch("a")]}), "repeat"),
    (rules.one_of_usage, spec(p={"type": "object", "anyOf": [branch("a"), {"type": "string"}]}), "every branch"),
    # secrets
    (rules.secrets_marked, spec(api_key={"type": "string"}), "airbyte_secret"),
    (rules.secrets_marked, spec(jwt_token={"type": "string"}), "airbyte_secret"),
    (rules.secrets_marked, spec(apiSecret={"type": "string"}), "airbyte_secret"),
    (rules.secrets_marked, spec(p={"type": "object", "oneOf": [branch("a", password={"type": ["null", "string"]})]}),
     "/properties/p/oneOf/0/properties/password"),
    (rules.secrets_marked, spec(tenant_id={"type": "string"}), "airbyte_secret"),
    (rules.secrets_marked, spec(enabled={"type": "boolean", "airbyte_secret": True}), "cannot hold a secret"),
    # one type, or one type then null
    (rules.single_types, spec(x={"type": ["string", "integer"]}), "one type"),
    (rules.single_types, spec(x={"type": ["null", "string"]}), "one type"),
    (rules.single_types, spec(x={"type": ["string", "integer", "null"]}), "one type"),
    (rules.single_types, spec(x={"type": "array", "items": {"type": ["object", "array"]}}), "/properties/x/items"),
    # objects have properties
    (rules.objects_have_properties, spec(x={"type": "object"}), "no properties"),
    (rules.objects_have_properties, spec(x={"type": ["object", "null"], "properties": {}}), "no properties"),
    # array items
    (rules.array_items_simple, spec(x={"type": "array", "items": [{"type": "string"}]}), "single schema"),
    (rules.array_items_simple, spec(x={"type": "array", "items": {"type": "boolean"}}), "must be one of"),
    (rules.array_items_simple, spec(x={"type": "array", "items": {"type": "array", "items": {"type": "string"}}}), "must be one of"),
    # forbidden keywords, at any depth
    *[(rules.forbidden_keywords, spec(x={"type": "object", "properties": {"y": {"type": "string", keyword: value}}}), keyword)
      for keyword, value in [("not", {"const": "a"}), ("anyOf", [{"type": "string"}]), ("allOf", [{"type": "string"}]),
                             ("if", {"const": "a"}), ("then", {"minLength": 1}), ("else", {"maxLength": 1}),
                             ("patternProperties", {"^a": {"type": "string"}}), ("prefixItems", [{"type": "string"}]),
                             ("dependentSchemas", {"a": {}}), ("dependentRequired", {"a": ["b"]})]],
    # $ref
    (rules.no_refs, spec(x={"$ref": "#/definitions/x"}), "$ref"),
    # additionalProperties
    (rules.additional_properties_true, {**spec(x={"type": "string"}), "additionalProperties": False}, "/additionalProperties"),
    (rules.additional_properties_true, spec(x={"type": "object", "properties": {"y": {"type": "string"}},
                                               "additionalProperties": {"type": "string"}}), "/properties/x/additionalProperties"),
    # order
    (rules.unique_orders, spec(a={"type": "string", "order": 1}, b={"type": "string", "order": 1}), "share order 1"),
    (rules.unique_orders, spec(p={"type": "object", "properties": {"a": {"type": "string", "order": 0},
                                                                      "b": {"type": "string", "order": 0}}}), "share order 0"),
    # date-time picker pattern
    (rules.date_time_patterns, spec(d={"type": "string", "format": "date-time"}), "must carry pattern"),
    (rules.date_time_patterns, spec(d={"type": "string", "format": "date-time",
                                       "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$"}),
     "must carry pattern"),
    (rules.date_time_patterns, spec(d={"type": "string", "pattern": PICKER}), "not format: date-time"),
])
def test_each_spec_checker_finds_its_violation(checker, schema, expected):
    problems = checker(schema)
    assert problems, f"{checker.__name__} found nothing in {schema}"
    assert any(expected in problem for problem in problems), problems
    assert rules.spec_violations(schema), "the checker is one of SPEC_RULES"


def test_every_spec_rule_is_exercised_above():
    exercised = {case.__name__ for case in (
        rules.one_of_usage, rules.secrets_marked, rules.single_types, rules.objects_have_properties,
        rules.array_items_simple, rules.forbidden_keywords, rules.no_refs, rules.additional_properties_true,
        rules.unique_orders, rules.date_time_patterns)}
    assert exercised == {check.__name__ for check in rules.SPEC_RULES.values()}


def test_secret_names_are_told_by_their_words():
    for name in ("api_key", "key", "api_secret", "jwt_token", "password", "refresh_token", "apiKey", "client-secret", "salt"):
        assert rules.is_secret_name(name), name
    for name in ("base_url", "message_ids", "account_id", "region", "monkey", "tokenizer", "lookback_days"):
        assert not rules.is_secret_name(name), name


# -- discover ------------------------------------------------------------------------------------

def stream(**overrides) -> dict:
    return {"name": "s", "json_schema": {"type": "object", "properties": {"id": {"type": "string"},
                                                                          "at": {"type": ["null", "string"]}}},
            "supported_sync_modes": ["full_refresh", "incremental"], "source_defined_primary_key": [["id"]],
            "default_cursor_field": ["at"], **overrides}


def test_a_catalog_that_keeps_every_rule_has_no_violation():
    assert rules.catalog_violations({"streams": [stream(), stream(name="t")]}) == {}


@pytest.mark.parametrize("catalog, rule", [
    ({"streams": []}, "the catalog has streams"),
    ({"streams": [stream(), stream()]}, "stream names are unique"),
    ({"streams": [stream(source_defined_primary_key=[["missing"]])]}, "primary keys and cursor fields exist in the schema"),
    ({"streams": [stream(source_defined_primary_key=[["id", "deeper"]])]}, "primary keys and cursor fields exist in the schema"),
    ({"streams": [stream(default_cursor_field=["updated"])]}, "primary keys and cursor fields exist in the schema"),
    ({"streams": [stream(json_schema={"type": "object", "properties": {"id": {"type": "object", "properties": {"a": {}}}}},
                         default_cursor_field=[])]}, "primary keys and cursor fields exist in the schema"),
    ({"streams": [stream(json_schema={"type": "object", "properties": {"id": {"$ref": "#/definitions/id"}, "at": {}}})]},
     "no $ref, allOf or not in schemas"),
    ({"streams": [stream(json_schema={"type": "object", "properties": {"id": {"allOf": [{"type": "string"}]}, "at": {}}})]},
     "no $ref, allOf or not in schemas"),
    ({"streams": [stream(json_schema={"type": "object", "properties": {"id": {"not": {"type": "null"}}, "at": {}}})]},
     "no $ref, allOf or not in schemas"),
    ({"streams": [stream(supported_sync_modes=[])]}, "every stream has sync modes"),
    ({"streams": [stream(json_schema={"type": "object", "additionalProperties": False,
                                      "properties": {"id": {"type": "string"}, "at": {}}})]}, "additionalProperties is true where set"),
    ({"streams": [stream(json_schema={"type": "object", "properties": {"id": {"type": "strin"}, "at": {}}})]},
     "every schema is a valid draft-07 schema"),
])
def test_each_discover_checker_finds_its_violation(catalog, rule):
    assert rule in rules.catalog_violations(catalog)


# -- read ----------------------------------------------------------------------------------------

NESTED = stream(json_schema={"type": "object", "properties": {
    "id": {"type": "string"}, "at": {"type": ["null", "string"], "format": "date-time"}, "n": {"type": ["null", "integer"]},
    "price": {"type": "object", "properties": {"amount": {"type": ["null", "number"]}}},
    "tags": {"type": "array", "items": {"type": "object", "properties": {"k": {"type": "string"}}}},
    "free": {"type": ["null", "object"]}}})


def test_records_that_keep_every_rule_have_no_violation():
    good = [{"id": "1", "at": "2026-01-01T00:00:00Z", "n": 3, "price": {"amount": 1.5}, "tags": [{"k": "a"}],
             "free": {"anything": [1, {"goes": True}]}},
            {"id": "2", "at": None, "n": None}]
    assert rules.record_violations(NESTED, good) == []


@pytest.mark.parametrize("record, expected", [
    ({"id": "1", "extra": 1}, "'extra' was unexpected"),                    # fail_on_extra_columns
    ({"id": "1", "price": {"amount": 1, "currency": "EUR"}}, "'currency' was unexpected"),  # ... at every level
    ({"id": "1", "tags": [{"k": "a", "v": "b"}]}, "'v' was unexpected"),
    ({"id": "1", "n": 1.0}, "is not of type"),                               # an integer is an int
    ({"id": "1", "n": True}, "is not of type"),
    ({"id": "1", "at": "yesterday"}, "date-time"),
    ({"id": "1", "at": "2026-13-45T00:00:00Z"}, "date-time"),
    ({"id": 1}, "is not of type"),
    ({"id": None}, "primary key"),
    ({"at": "2026-01-01T00:00:00Z"}, "primary key"),
])
def test_each_record_violation_is_found(record, expected):
    problems = rules.record_violations(NESTED, [record])
    assert any(expected in problem for problem in problems), problems


def test_an_empty_stream_is_found():
    catalog = {"streams": [stream(), stream(name="t")]}
    assert rules.empty_streams(catalog, {"s": [{"id": "1"}], "t": []}) == ["t: no record"]


def test_the_unknown_stream_rule_needs_a_non_zero_exit_and_an_error_naming_the_stream_and_the_streams_there_are():
    error = {"type": "TRACE", "trace": {"type": "ERROR", "error": {"message": "no 'ghost'; the streams are: a, b"}}}
    assert rules.unknown_stream_error([error], 1, "ghost", ["a", "b"]) == []
    assert rules.unknown_stream_error([], 0, "ghost", ["a", "b"]) == ["the read exited 0", "no error trace message"]
    assert rules.unknown_stream_error([error], 0, "ghost", ["a", "b"]) == ["the read exited 0"]
    assert "names ghost" in " ".join(rules.unknown_stream_error([error], 1, "ghost-2", ["a"]))
    assert "missing ['c']" in " ".join(rules.unknown_stream_error([error], 1, "ghost", ["a", "c"]))
