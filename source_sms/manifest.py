"""Assemble the declarative manifest from the neutral base and one fragment per provider.

Each provider's knowledge lives in ``providers/<name>.yaml`` (spec option, requester, streams,
check streams, ``model:``) and ``schemas/<name>/<stream>.json``. This module only stitches them
together: the spec's ``provider`` oneOf, ``definitions.<name>``, ``schemas.<name>``, one
``ConditionalStreams`` block per provider, the per-provider check stream, and on each modelled stream
the data model as its last transformation, in one of three forms with the same records (FORMS):

- ``package``: a ``CustomTransformation`` naming ``source_sms.model.SmsModel`` (the package, the image,
  PyAirbyte);
- ``components``: the same, named ``source_declarative_manifest.components.SmsModel``, for
  ``source-declarative-manifest`` with model.py beside it as components.py;
- ``declarative``: ``AddFields`` with Jinja (model_jinja.py), no Python at all, for Airbyte Cloud's
  Connector Builder. ``source-sms manifest`` prints this one.
"""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from typing import Any, Mapping, Optional

import yaml

from source_sms import model_jinja
from source_sms.model import SALT_REQUIRED, _steps, core_properties, load_declarations, pii_paths, stream_model

_PACKAGE = resources.files("source_sms")
# libyaml's loader where PyYAML has it (as the CDK's own loader does): the same documents, parsed
# in 0.04 s instead of 0.28 s of every command's start-up.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_SAFE_LOADER)


def _discover_fragments() -> dict[str, dict[str, Any]]:
    """Every providers/<name>.yaml, parsed once, in the order its `order:` key gives (the spec's oneOf order)."""
    found = []
    for entry in _PACKAGE.joinpath("providers").iterdir():
        if entry.name.endswith(".yaml"):
            fragment = _parse_yaml(entry.read_text(encoding="utf-8"))
            found.append((fragment.get("order", 99), entry.name[: -len(".yaml")], fragment))
    return {name: fragment for _, name, fragment in sorted(found, key=lambda item: item[:2])}


_FRAGMENTS = _discover_fragments()
PROVIDERS = tuple(_FRAGMENTS)
# Each fragment's `model:` section: where the core fields come from, as the manifest carries it, and parsed.
DECLARATIONS = load_declarations(_FRAGMENTS)
MODELS = {key: stream_model(*key, declaration) for key, declaration in DECLARATIONS.items()}
FORMS = ("package", "components", "declarative")
MODEL_CLASS = {"package": "source_sms.model.SmsModel", "components": "source_declarative_manifest.components.SmsModel"}
# How messages name each provider, and its API address when the config sets no base_url.
PROVIDER_LABELS = {name: f.get("definitions", {}).get("parameters", {}).get("provider_label", name) for name, f in _FRAGMENTS.items()}
# Per provider, the (user, password) config paths below `provider` that HTTP Basic auth encodes.
BASIC_AUTH = {name: [tuple(pair) for pair in f.get("basic_auth", [])] for name, f in _FRAGMENTS.items()}
DEFAULT_BASE_URLS = {name: f["spec"]["properties"].get("base_url", {}).get("default", "") for name, f in _FRAGMENTS.items()}
# Providers that publish no rate limit are not throttled client-side unless the user asks.
UNLIMITED_PER_MINUTE = 1_000_000
# Each fragment's `products:`: what a key may lack, which streams need it, how to get it, and the probe
# `check` logs it by (docs/products.md). {provider: [{name, streams, hint, probe}]}
PRODUCTS = {name: list(f.get("products") or []) for name, f in _FRAGMENTS.items()}


def stream_products(provider: str) -> dict[str, list[dict[str, Any]]]:
    """{stream name: the products it needs (any one of them for each of its requests)}."""
    needs: dict[str, list[dict[str, Any]]] = {}
    for product in PRODUCTS.get(provider, []):
        for stream in product["streams"]:
            needs.setdefault(stream, []).append(product)
    return needs


def _with_products(name: str, fragment: dict[str, Any]) -> None:
    """Give each stream that needs a product `$parameters` product/product_hint (read by the 403 filter)."""
    needs = stream_products(name)
    streams = {stream.get("name"): stream for stream in fragment["streams"]}
    for stream_name, products in needs.items():
        if stream_name not in streams:
            raise ValueError(f"providers/{name}.yaml: products names a stream it does not have: {stream_name}")
        if stream_name in fragment["check_streams"]:
            raise ValueError(f"providers/{name}.yaml: check stream {stream_name} must be one every key may read")
        stream = streams[stream_name]
        # A stream's own $parameters replace its $ref'd ones, so the provider's parameters come along.
        stream["$parameters"] = {**fragment.get("definitions", {}).get("parameters", {}), **stream.get("$parameters", {}),
                                 "product": " or ".join(p["name"] for p in products),
                                 "product_hint": " ".join(p["hint"] for p in products)}


def _load_yaml(relative: str) -> dict[str, Any]:
    return _parse_yaml(_PACKAGE.joinpath(relative).read_text(encoding="utf-8"))


def _load_schemas(provider: str) -> dict[str, Any]:
    folder = _PACKAGE.joinpath("schemas", provider)
    if not folder.is_dir():
        return {}
    return {
        entry.name[: -len(".json")]: json.loads(entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    }


def _with_core_fields(provider: str, schemas: dict[str, Any], streams: list[dict[str, Any]],
                      manifest: dict[str, Any]) -> dict[str, Any]:
    """Add the core fields of each modelled stream to the schema it loads, so discover lists them, and
    let each field the model may hash hold its hash (a string)."""
    core_written: set[tuple[int, str]] = set()  # (schema, field): two streams may load one schema
    for stream in streams:
        name = _own(manifest, stream, "name")
        model = MODELS.get((provider, name))
        reference = ((_own(manifest, stream, "schema_loader") or {}).get("schema") or {}).get("$ref", "")
        if model is None:
            continue
        if not reference.startswith(f"#/schemas/{provider}/"):
            raise ValueError(f"providers/{provider}.yaml: modelled stream {stream.get('name')} needs an inline "
                             f"schema_loader with $ref #/schemas/{provider}/<file>")
        schema = schemas[reference.rsplit("/", 1)[1]]
        for field, definition in core_properties(model.kind).items():
            existing = schema["properties"].get(field)
            if existing and field not in ("status", "provider_status") and (id(schema), field) not in core_written:
                # The normaliser keeps a provider value that the core field of its name changes
                # (tyntec's `parts` list, a number or a time in another format, a field another
                # stream of the schema does not map) as provider_<name>: declared, so records hold
                # no field their schema lacks.
                schema["properties"].setdefault("provider_" + field, existing)
            schema["properties"][field] = definition
            core_written.add((id(schema), field))
        declaration = DECLARATIONS[(provider, name)]
        for path in pii_paths(declaration, "phone") + pii_paths(declaration, "body"):
            _may_hold_a_hash(schema, path)
    return schemas


def _may_hold_a_hash(schema: dict[str, Any], path: str) -> None:
    """A number the provider sends as a JSON number (The SMS Works' `destination`) is a hex string once
    hashed: its schema takes a string too, so a hashed record stays valid."""
    node: Any = schema
    for kind, arg in _steps(path):
        if not isinstance(node, dict):
            return
        node = node.get("properties", {}).get(arg) if kind == "key" else node.get("items")
    if isinstance(node, dict) and "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if "string" not in types and not {"object", "array"} & set(types):
            node["type"] = [*types, "string"]


def _ref_target(manifest: dict[str, Any], reference: str) -> Any:
    node: Any = manifest
    for key in reference.lstrip("#/").split("/"):
        node = node[key]
    return node


def _own(manifest: dict[str, Any], stream: dict[str, Any], key: str) -> Any:
    """A stream's `key`, following its $ref chain (a stream's own key replaces its $ref's)."""
    node = stream
    while key not in node and "$ref" in node:
        node = _ref_target(manifest, node["$ref"])
    return node.get(key)


def model_transformations(provider: str, stream: str, form: str, schema: Optional[Mapping[str, Any]] = None) -> list[dict[str, Any]]:
    """What the manifest's `form` adds to a modelled stream's transformations (``schema``: the stream's,
    whose provider_<name> fields are the only ones the Jinja form checks for)."""
    declaration = copy.deepcopy(DECLARATIONS[(provider, stream)])
    if form == "declarative":
        kept = None if schema is None else {name[len("provider_"):] for name in schema.get("properties", {})
                                            if name.startswith("provider_")}
        return model_jinja.transformations(declaration, provider_fields=kept)
    return [{"type": "CustomTransformation", "class_name": MODEL_CLASS[form], "provider": provider, "stream": stream,
             "model": declaration}]


def _with_model(manifest: dict[str, Any], provider: str, streams: list[dict[str, Any]], form: str) -> None:
    for stream in streams:
        name = _own(manifest, stream, "name")
        if (provider, name) in DECLARATIONS:
            reference = ((_own(manifest, stream, "schema_loader") or {}).get("schema") or {}).get("$ref", "")
            schema = manifest["schemas"][provider][reference.rsplit("/", 1)[1]]
            stream["transformations"] = [*(_own(manifest, stream, "transformations") or []),
                                         *model_transformations(provider, name, form, schema)]


# Hashing asked for without a salt fails every path before anything is read, naming the setting: the
# package's config check says so first; on the manifest-only paths the CDK's config validation does.
PRIVACY_CHECK = "source_sms_privacy_check"
_PRIVACY_RULES = {
    "transformation": {
        "type": "ConfigAddFields",
        "fields": [{"type": "AddedFieldDefinition", "path": [PRIVACY_CHECK],
                    # The CDK reads the rendered value with literal_eval, then the validator with json.loads:
                    # 0, or the message as a JSON string inside a Python one.
                    "value": "{{ %r if ((config.get('privacy') or {}).get('hash_phone_numbers') or "
                             "(config.get('privacy') or {}).get('hash_message_bodies')) and not "
                             "(config.get('privacy') or {}).get('salt') else 0 }}" % repr(json.dumps(SALT_REQUIRED))}],
    },
    "validation": {
        "type": "DpathValidator",
        "field_path": [PRIVACY_CHECK],
        "validation_strategy": {"type": "ValidateAdheresToSchema", "base_schema": {"enum": [0]}},
    },
}


def _provider_condition(name: str) -> str:
    return "{{ config.get('provider', {}).get('name') == '%s' }}" % name


@functools.lru_cache(maxsize=len(FORMS))
def _assembled(form: str) -> dict[str, Any]:
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, not {form!r}")
    manifest = _load_yaml("manifest.yaml")
    one_of = manifest["spec"]["connection_specification"]["properties"]["provider"]["oneOf"]
    rules = manifest["spec"].setdefault("config_normalization_rules", {"type": "ConfigNormalizationRules"})
    transformations = rules.setdefault("transformations", [])
    transformations.append(copy.deepcopy(_PRIVACY_RULES["transformation"]))
    rules.setdefault("validations", []).append(copy.deepcopy(_PRIVACY_RULES["validation"]))
    manifest.setdefault("schemas", {})
    for name in PROVIDERS:
        fragment = copy.deepcopy(_FRAGMENTS[name])
        if fragment.get("name") != name:
            raise ValueError(f"providers/{name}.yaml must declare name: {name}")
        one_of.append(fragment["spec"])
        _with_products(name, fragment)
        manifest["definitions"][name] = fragment.get("definitions", {})
        manifest["schemas"][name] = _with_core_fields(name, _load_schemas(name), fragment["streams"], manifest)
        _with_model(manifest, name, fragment["streams"], form)
        manifest["streams"].append(
            {"type": "ConditionalStreams", "condition": _provider_condition(name), "streams": fragment["streams"]}
        )
        # The CDK's check reads the stream names from this config key when present; each provider
        # names streams it really has, since checking a missing stream crashes the CDK's check.
        transformations.append(
            {
                "type": "ConfigAddFields",
                "condition": _provider_condition(name),
                "fields": [
                    {"type": "AddedFieldDefinition", "path": ["__airbyte_check_stream_names"], "value": json.dumps(fragment["check_streams"])},
                    # The rate budget's default when the user sets no requests_per_minute: the
                    # provider's documented limit, or in effect none where it documents none.
                    {"type": "AddedFieldDefinition", "path": ["provider_requests_per_minute"],
                     "value": str(fragment.get("requests_per_minute", UNLIMITED_PER_MINUTE))},
                ],
            }
        )
    return manifest


# Bounds of the spec's request_timeout_seconds; a value outside them is left to config validation.
TIMEOUT_RANGE = (1, 3600)


def build_manifest(config: Optional[Mapping[str, Any]] = None, form: str = "package") -> dict[str, Any]:
    """A fresh copy of the whole manifest (the CDK mutates what it is given), for ``config``, with the
    data model in ``form`` (FORMS).

    The one config-dependent part: ``request_timeout_seconds`` becomes the shared requester's
    ``read_timeout_in_seconds``. The CDK types that field as a plain number (its schema has
    ``type: number``, its model ``Optional[float]``), so it cannot be a Jinja template reading the
    config; it is written into the manifest here, when the source is built with its config. Without
    a config (``spec``, ``source-sms manifest``, the Connector Builder) the manifest's 300 s stands.
    """
    manifest = copy.deepcopy(_assembled(form))
    timeout = config.get("request_timeout_seconds") if isinstance(config, Mapping) else None
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and TIMEOUT_RANGE[0] <= timeout <= TIMEOUT_RANGE[1]:
        manifest["definitions"]["shared"]["requester"]["read_timeout_in_seconds"] = timeout
    return manifest


def provider_names() -> tuple[str, ...]:
    return PROVIDERS


@functools.lru_cache(maxsize=1)
def _resolved_spec() -> dict[str, Any]:
    from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver

    return ManifestReferenceResolver().preprocess_manifest(build_manifest())["spec"]["connection_specification"]


def connection_specification() -> dict[str, Any]:
    """The spec's JSON schema with every $ref resolved, as `spec` prints it."""
    return copy.deepcopy(_resolved_spec())
