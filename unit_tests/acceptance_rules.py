"""Airbyte's connector acceptance rules, restated as plain checkers that return their violations.

The rules come from Airbyte's connector acceptance test suite
(airbyte-integrations/bases/connector-acceptance-test, connector_acceptance_test/tests/test_core.py:
TestSpec, TestDiscovery, TestBasicRead; utils/asserts.py for how records are validated), applied
at its high strictness and, where the suite only warns or matches names loosely, stricter: see
docs/acceptance-rules.md for each rule, its source and how it differs.

Every checker takes a spec, a stream schema, a catalog or records and returns a list of
human-readable violations, each naming where it is (a JSON-pointer-like path). An empty list
means the rule holds. The walk is schema-aware: it descends only into places that hold schemas
(properties, items, oneOf branches, ...), so a field that happens to be *named* ``type``, ``not``
or ``order`` is a field, never mistaken for a keyword.
"""

from __future__ import annotations

import re
from collections import Counter
from copy import deepcopy
from datetime import datetime
from typing import Any, Iterable, Iterator, Mapping, Optional

import jsonschema

# The value Airbyte's UI date picker writes into a date-time field (seconds, UTC, "Z"), as a
# pattern: a field that carries it gets the picker, and what the picker writes passes it.
DATE_TIME_PICKER_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"

# Words that make a field name a secret's name. The suite matches whole names against a list
# (token, key, password, ...); here a name is a secret's if any of its words is one of these,
# so api_key, jwt_token or apiSecret count as well as key or token.
SECRET_WORDS = frozenset({
    "key", "token", "secret", "password", "passwd", "pwd", "jwt", "auth", "credential", "credentials",
    "certificate", "salt", "apikey", "appid", "bearer", "signature",
})
# Whole names the suite lists whose words alone would not say "secret".
SECRET_NAMES = frozenset({"service_account", "service_account_info", "tenant_id", "app_id", "appid"})
# Types a secret can be typed in as; a boolean, null, object or array cannot hold one (the UI
# cannot mask them either).
SECRET_HOLDING_TYPES = frozenset({"string", "integer", "number"})

# Keywords the UI cannot render in a spec (the suite's test_forbidden_complex_types).
SPEC_FORBIDDEN_KEYWORDS = ("not", "anyOf", "allOf", "if", "then", "else", "patternProperties", "prefixItems",
                           "dependentSchemas", "dependentRequired")
# Keywords destinations cannot type a column from (the suite's discovery tests).
SCHEMA_FORBIDDEN_KEYWORDS = ("$ref", "allOf", "not")
SIMPLE_ITEM_TYPES = ("object", "string", "number", "integer")

# Where a schema keeps its subschemas: keyword -> how its value holds them.
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "$defs", "dependentSchemas")
_SCHEMA_LISTS = ("oneOf", "anyOf", "allOf", "prefixItems")
_SCHEMA_SINGLE = ("not", "if", "then", "else", "additionalProperties", "additionalItems", "contains",
                  "propertyNames", "unevaluatedProperties", "unevaluatedItems")


def walk(schema: Any, path: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every (path, subschema) of ``schema``, itself first; only places that hold schemas."""
    if not isinstance(schema, Mapping):
        return
    yield path or "/", schema
    for keyword in _SCHEMA_MAPS:
        children = schema.get(keyword)
        if isinstance(children, Mapping):
            for name, child in children.items():
                yield from walk(child, f"{path}/{keyword}/{name}")
    for keyword in _SCHEMA_LISTS:
        children = schema.get(keyword)
        if isinstance(children, list):
            for index, child in enumerate(children):
                yield from walk(child, f"{path}/{keyword}/{index}")
    items = schema.get("items")
    if isinstance(items, list):
        for index, child in enumerate(items):
            yield from walk(child, f"{path}/items/{index}")
    else:
        yield from walk(items, f"{path}/items")
    for keyword in _SCHEMA_SINGLE:
        yield from walk(schema.get(keyword), f"{path}/{keyword}")


def fields(schema: Any) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """Every named field (path, name, definition): each entry of every ``properties``."""
    for path, node in walk(schema):
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            for name, definition in properties.items():
                if isinstance(definition, Mapping):
                    yield f"{path.rstrip('/')}/properties/{name}", name, definition


def _types(node: Mapping[str, Any]) -> list[Any]:
    declared = node.get("type")
    if declared is None:
        return []
    return list(declared) if isinstance(declared, list) else [declared]


def keys_anywhere(value: Any, key: str, path: str = "") -> Iterator[str]:
    """Paths of every mapping entry called ``key`` anywhere in ``value`` (for $ref, which is never a
    field name we would want either)."""
    if isinstance(value, Mapping):
        for name, child in value.items():
            here = f"{path}/{name}"
            if name == key:
                yield here
            yield from keys_anywhere(child, key, here)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from keys_anywhere(child, key, f"{path}/{index}")


# -- spec ----------------------------------------------------------------------------------------

def one_of_usage(spec: Mapping[str, Any]) -> list[str]:
    """A oneOf (or anyOf) sits under a ``type: object``; every branch has properties; exactly one
    property common to all branches has ``const`` in each, with distinct values and neither
    ``default`` nor ``enum`` beside it."""
    problems = []
    for path, node in walk(spec):
        for keyword in ("oneOf", "anyOf"):
            branches = node.get(keyword)
            if branches is None:
                continue
            where = f"{path.rstrip('/')}/{keyword}"
            if node.get("type") != "object":
                problems.append(f"{where}: the schema holding it must have type: object, has {node.get('type')!r}")
            if not isinstance(branches, list) or not branches:
                problems.append(f"{where}: must be a non-empty list of branches")
                continue
            if not all(isinstance(b, Mapping) and isinstance(b.get("properties"), Mapping) and b["properties"]
                       for b in branches):
                problems.append(f"{where}: every branch must be an object with properties")
                continue
            common = set.intersection(*(set(b["properties"]) for b in branches))
            if not common:
                problems.append(f"{where}: the branches share no property to tell them apart")
                continue
            discriminators = sorted(name for name in common
                                    if all("const" in b["properties"][name] for b in branches))
            if len(discriminators) != 1:
                problems.append(f"{where}: exactly one common property must carry const in every branch, "
                                f"found {discriminators or 'none'}")
                continue
            name = discriminators[0]
            values = [b["properties"][name]["const"] for b in branches]
            if len({repr(v) for v in values}) != len(values):
                problems.append(f"{where}: the const values of {name} repeat: {values}")
            for index, branch in enumerate(branches):
                for banned in ("default", "enum"):
                    if banned in branch["properties"][name]:
                        problems.append(f"{where}/{index}/properties/{name}: has {banned}; use const alone")
    return problems


def is_secret_name(name: str) -> bool:
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower().replace("-", "_").split("_")
    return name.lower() in SECRET_NAMES or any(word in SECRET_WORDS for word in words)


def can_hold_secret(definition: Mapping[str, Any]) -> bool:
    return bool(set(_types(definition)) & SECRET_HOLDING_TYPES) and "const" not in definition


def secrets_marked(spec: Mapping[str, Any]) -> list[str]:
    """A field whose name says secret and that can hold one is ``airbyte_secret: true``; a field
    marked secret can hold one (a masked boolean or object is a UI error)."""
    problems = []
    for path, name, definition in fields(spec):
        marked = definition.get("airbyte_secret") is True
        if is_secret_name(name) and can_hold_secret(definition) and not marked:
            problems.append(f"{path}: its name says secret, so it must be airbyte_secret: true")
        if marked and not can_hold_secret(definition):
            problems.append(f"{path}: marked airbyte_secret but its type {definition.get('type')!r} cannot hold a secret")
    return problems


def single_types(schema: Mapping[str, Any]) -> list[str]:
    """Every ``type`` is one type, or a list of one type, or of one type followed by "null"."""
    problems = []
    for path, node in walk(schema):
        declared = node.get("type")
        if declared is None or isinstance(declared, str):
            continue
        if not isinstance(declared, list) or not 1 <= len(declared) <= 2 or len(set(declared)) != len(declared) \
                or (len(declared) == 2 and (declared[1] != "null" or declared[0] == "null")):
            problems.append(f"{path}: type {declared!r} must be one type, or one type then \"null\"")
    return problems


def objects_have_properties(spec: Mapping[str, Any]) -> list[str]:
    """Every object below the top has properties (or oneOf branches): the UI shows nothing else."""
    return [f"{path}: an object with no properties cannot be filled in the UI"
            for path, node in walk(spec)
            if path != "/" and "object" in _types(node) and "oneOf" not in node and not node.get("properties")]


def array_items_simple(spec: Mapping[str, Any]) -> list[str]:
    """Array items are one schema whose type is object, string, number or integer, or an enum."""
    problems = []
    for path, node in walk(spec):
        if "array" not in _types(node) or "items" not in node:
            continue
        items = node["items"]
        if not isinstance(items, Mapping):
            problems.append(f"{path}/items: must be a single schema, not {type(items).__name__}")
        elif "enum" not in items and (len(_types(items)) != 1 or _types(items)[0] not in SIMPLE_ITEM_TYPES):
            problems.append(f"{path}/items: type {items.get('type')!r} must be one of {SIMPLE_ITEM_TYPES} or an enum")
    return problems


def forbidden_keywords(schema: Mapping[str, Any], keywords: Iterable[str] = SPEC_FORBIDDEN_KEYWORDS) -> list[str]:
    keywords = tuple(keywords)
    return [f"{path.rstrip('/')}/{keyword}: {keyword} is not allowed"
            for path, node in walk(schema) for keyword in keywords if keyword in node]


def no_refs(value: Any) -> list[str]:
    """No ``$ref`` anywhere: the spec and schemas Airbyte receives must be resolved."""
    return [f"{path}: unresolved $ref" for path in keys_anywhere(value, "$ref")]


def additional_properties_true(schema: Mapping[str, Any]) -> list[str]:
    """``additionalProperties``, where set, is ``true``: false would make configs (or records) that
    carry a field removed later invalid."""
    return [f"{path.rstrip('/')}/additionalProperties: is {node['additionalProperties']!r}, must be true"
            for path, node in walk(schema)
            if "additionalProperties" in node and node["additionalProperties"] is not True]


def unique_orders(spec: Mapping[str, Any]) -> list[str]:
    """No two fields of one object (and one UI group) share an ``order``."""
    problems = []
    for path, node in walk(spec):
        properties = node.get("properties")
        if not isinstance(properties, Mapping):
            continue
        seen: dict[tuple[Any, Any], str] = {}
        for name, definition in properties.items():
            if not isinstance(definition, Mapping) or "order" not in definition:
                continue
            slot = (definition.get("group", ""), definition["order"])
            if slot in seen:
                problems.append(f"{path.rstrip('/')}/properties: {seen[slot]} and {name} share order {slot[1]}")
            else:
                seen[slot] = name
    return problems


def date_time_patterns(spec: Mapping[str, Any]) -> list[str]:
    """A ``format: date-time`` field carries the date picker's pattern, and a field with that
    pattern says ``format: date-time`` (so the UI shows the picker)."""
    problems = []
    for path, node in walk(spec):
        if node.get("format") == "date-time" and node.get("pattern") != DATE_TIME_PICKER_PATTERN:
            problems.append(f"{path}: a date-time field must carry pattern {DATE_TIME_PICKER_PATTERN}, "
                            f"has {node.get('pattern')!r}")
        if node.get("pattern") == DATE_TIME_PICKER_PATTERN and node.get("format") != "date-time":
            problems.append(f"{path}: has the date-time picker's pattern but not format: date-time")
    return problems


SPEC_RULES = {
    "oneOf under an object, told apart by one const property": one_of_usage,
    "secret-named fields are airbyte_secret": secrets_marked,
    "one type, or one type plus null": single_types,
    "no object without properties": objects_have_properties,
    "array items are one simple type or an enum": array_items_simple,
    "no not/anyOf/allOf/if/then/else/patternProperties/prefixItems/dependent*": forbidden_keywords,
    "no unresolved $ref": no_refs,
    "additionalProperties is true where set": additional_properties_true,
    "no two fields at one level share an order": unique_orders,
    "date-time fields carry the date picker's pattern": date_time_patterns,
}


def spec_violations(spec: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every spec rule's violations, by rule, for the connectionSpecification ``spec``."""
    return {rule: problems for rule, check in SPEC_RULES.items() if (problems := check(spec))}


# -- discover ------------------------------------------------------------------------------------

def _has_path(schema: Mapping[str, Any], path: list[str]) -> bool:
    node: Any = schema
    for part in path:
        properties = node.get("properties") if isinstance(node, Mapping) else None
        if not isinstance(properties, Mapping) or part not in properties:
            return False
        node = properties[part]
    return True


def keys_in_schema(stream: Mapping[str, Any]) -> list[str]:
    """Every primary-key part and the default cursor field are fields of the stream's schema, and
    no primary-key part is typed object or array."""
    name, schema = stream["name"], stream.get("json_schema") or {}
    problems = []
    if not isinstance(schema.get("properties"), Mapping):
        return [f"{name}: the schema must be an object with properties"]
    for key in stream.get("source_defined_primary_key") or []:
        if not _has_path(schema, key):
            problems.append(f"{name}: primary key {key} is not in its schema")
            continue
        node: Any = schema
        for part in key:
            node = node["properties"][part]
        if set(_types(node)) & {"object", "array"}:
            problems.append(f"{name}: primary key {key} is typed {node.get('type')!r}; keys must be scalars")
    cursor = stream.get("default_cursor_field") or []
    if cursor and not _has_path(schema, cursor):
        problems.append(f"{name}: cursor field {cursor} is not in its schema")
    return problems


def schema_keywords(stream: Mapping[str, Any]) -> list[str]:
    """No $ref, allOf or not in a stream's schema."""
    schema = stream.get("json_schema") or {}
    return [f"{stream['name']}: {p}" for p in no_refs(schema) + forbidden_keywords(schema, ("allOf", "not"))]


def sync_modes(stream: Mapping[str, Any]) -> list[str]:
    modes = stream.get("supported_sync_modes")
    return [] if modes else [f"{stream['name']}: supported_sync_modes must list at least one mode"]


def schema_additional_properties(stream: Mapping[str, Any]) -> list[str]:
    return [f"{stream['name']}: {p}" for p in additional_properties_true(stream.get("json_schema") or {})]


def valid_json_schema(stream: Mapping[str, Any]) -> list[str]:
    try:
        jsonschema.Draft7Validator.check_schema(stream.get("json_schema") or {})
    except jsonschema.SchemaError as error:
        return [f"{stream['name']}: not a valid draft-07 schema: {error.message}"]
    return []


STREAM_RULES = {
    "primary keys and cursor fields exist in the schema": keys_in_schema,
    "no $ref, allOf or not in schemas": schema_keywords,
    "every stream has sync modes": sync_modes,
    "additionalProperties is true where set": schema_additional_properties,
    "every schema is a valid draft-07 schema": valid_json_schema,
}


def catalog_violations(catalog: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every discover rule's violations, by rule, for a discovered catalog (protocol JSON)."""
    streams = catalog.get("streams") or []
    found: dict[str, list[str]] = {}
    if not streams:
        found["the catalog has streams"] = ["the catalog lists no stream"]
    repeated = sorted(name for name, n in Counter(s["name"] for s in streams).items() if n > 1)
    if repeated:
        found["stream names are unique"] = [f"{name}: listed more than once" for name in repeated]
    for rule, check in STREAM_RULES.items():
        problems = [p for stream in streams for p in check(stream)]
        if problems:
            found[rule] = problems
    return found


# -- read ----------------------------------------------------------------------------------------

def closed(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` in which every object that lists properties admits no other field.

    The suite's fail_on_extra_columns closes the top level only; nested objects that declare
    their fields are held to them too. Objects that declare none stay free-form."""
    copy = deepcopy(dict(schema))
    for _, node in walk(copy):
        if isinstance(node.get("properties"), Mapping):
            node["additionalProperties"] = False  # type: ignore[index]
    return copy


def _strict_validator(schema: Mapping[str, Any]) -> jsonschema.Validator:
    """The schema as the suite validates records with fail_on_extra_columns, stricter: no field the
    schema does not declare at any level, an integer is a Python int (1.0 is not), date-times parse."""
    closed_schema = closed(schema)
    integer_is_int = jsonschema.Draft7Validator.TYPE_CHECKER.redefine(
        "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool))
    validator = jsonschema.validators.extend(jsonschema.Draft7Validator, type_checker=integer_is_int)
    return validator(closed_schema, format_checker=_FORMATS)


_FORMATS = jsonschema.FormatChecker(())


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    if not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$", value):
        raise ValueError(f"{value!r} is not an ISO 8601 date-time")
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def record_violations(stream: Mapping[str, Any], records: Iterable[Mapping[str, Any]], limit: int = 5) -> list[str]:
    """Each record validates against the stream's discovered schema, with no field it does not
    declare; each primary-key part is present and not null. At most ``limit`` problems are kept."""
    validator = _strict_validator(stream.get("json_schema") or {})
    primary_key = stream.get("source_defined_primary_key") or []
    problems: list[str] = []
    for index, record in enumerate(records):
        for error in validator.iter_errors(record):
            where = "/".join(str(p) for p in error.absolute_path) or "(record)"
            problems.append(f"{stream['name']} record {index} {where}: {error.message}")
        for key in primary_key:
            value: Any = record
            for part in key:
                value = value.get(part) if isinstance(value, Mapping) else None
            if value is None:
                problems.append(f"{stream['name']} record {index}: primary key {key} is null or missing")
        if len(problems) >= limit:
            break
    return problems[:limit]


def empty_streams(catalog: Mapping[str, Any], records_by_stream: Mapping[str, list]) -> list[str]:
    return [f"{s['name']}: no record" for s in catalog.get("streams") or [] if not records_by_stream.get(s["name"])]


def unknown_stream_error(messages: list[Mapping[str, Any]], returncode: int, unknown: str,
                         known: Iterable[str]) -> list[str]:
    """A read whose catalog names a stream the source does not have ends in an error trace naming
    that stream and listing the streams there are, and exits non-zero."""
    problems = []
    errors = [m["trace"]["error"] for m in messages if m.get("type") == "TRACE" and m["trace"].get("type") == "ERROR"]
    if returncode == 0:
        problems.append("the read exited 0")
    if not errors:
        problems.append("no error trace message")
    texts = [e.get("message") or "" for e in errors]
    if errors and not any(unknown in text for text in texts):
        problems.append(f"no error trace names {unknown}: {texts}")
    missing = [name for name in known if not any(name in text for text in texts)]
    if errors and missing:
        problems.append(f"the error does not list the streams there are (missing {missing}): {texts}")
    return problems


def trace_of(messages: list[Mapping[str, Any]]) -> Optional[str]:
    errors = [m["trace"]["error"].get("message") for m in messages
              if m.get("type") == "TRACE" and m["trace"].get("type") == "ERROR"]
    return errors[0] if errors else None
