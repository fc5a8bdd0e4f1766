"""The assembled manifest is one ordinary declarative manifest: importable, its pure form free of custom code."""

from __future__ import annotations

import io
import logging
from contextlib import redirect_stdout

import yaml
from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

from source_sms.manifest import PROVIDERS, build_manifest
from source_sms.run import run


def component_types(node):
    if isinstance(node, dict):
        if isinstance(node.get("type"), str):
            yield node["type"]
        for value in node.values():
            yield from component_types(value)
    elif isinstance(node, list):
        for value in node:
            yield from component_types(value)


def test_source_sms_manifest_prints_a_manifest_the_cdk_runs_on_its_own():
    printed = io.StringIO()
    with redirect_stdout(printed):
        run(["manifest"])
    manifest = yaml.safe_load(printed.getvalue())
    config = {"provider": {"name": "tyntec", "api_key": "a-long-test-key-123456"}}
    source = ConcurrentDeclarativeSource(source_config=manifest, config=config)
    assert [s.name for s in source.streams(config)] == [
        "messages", "ip_restriction", "contacts", "phone_numbers", "phone_registrations", "message_events", "channels", "account"]
    assert source.spec(logging.getLogger()).connectionSpecification["properties"]["provider"]["oneOf"]


def test_every_provider_has_an_option_a_stream_block_and_a_check_stream():
    manifest = build_manifest()
    options = [o["properties"]["name"]["const"] for o in manifest["spec"]["connection_specification"]["properties"]["provider"]["oneOf"]]
    assert options == list(PROVIDERS)
    assert len(manifest["streams"]) == len(PROVIDERS)
    checks = [t for t in manifest["spec"]["config_normalization_rules"]["transformations"]
              if t["fields"][0]["path"] == ["__airbyte_check_stream_names"]]
    assert len(checks) == len(PROVIDERS)


def test_the_pure_manifest_has_no_custom_python_so_the_cloud_connector_builder_can_import_it():
    custom = sorted({t for t in component_types(build_manifest(form="declarative")) if t.startswith("Custom")})
    assert custom == []


def test_the_package_and_components_forms_name_the_model_class_on_every_modelled_stream():
    from source_sms.manifest import DECLARATIONS, MODEL_CLASS

    for form in ("package", "components"):
        resolved = ManifestReferenceResolver().preprocess_manifest(build_manifest(form=form))
        named = {(block["condition"].split("'")[-2], stream["name"]) for block in resolved["streams"] for stream in block["streams"]
                 for t in stream.get("transformations", []) if t.get("class_name") == MODEL_CLASS[form]}
        assert named == set(DECLARATIONS), form


def test_every_requester_has_connect_and_read_timeouts():
    from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver

    resolved = ManifestReferenceResolver().preprocess_manifest(build_manifest())
    requesters = [node for node in walk(resolved["streams"]) if node.get("type") == "HttpRequester"]
    assert requesters
    for requester in requesters:
        assert requester.get("connect_timeout_in_seconds") and requester.get("read_timeout_in_seconds"), requester.get("url_base")


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def _read_timeouts(config):
    from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver

    resolved = ManifestReferenceResolver().preprocess_manifest(build_manifest(config))
    return {node.get("read_timeout_in_seconds") for node in walk(resolved["streams"]) if node.get("type") == "HttpRequester"}


def test_request_timeout_seconds_sets_every_requesters_read_timeout():
    assert _read_timeouts(None) == {300}
    assert _read_timeouts({"request_timeout_seconds": 7}) == {7}


def test_an_invalid_request_timeout_leaves_the_default_for_config_validation_to_report():
    from source_sms.config_check import config_errors
    from source_sms.manifest import connection_specification

    for wrong in (0, -5, "30", True, 10**6):
        assert _read_timeouts({"request_timeout_seconds": wrong}) == {300}
        problems = config_errors({"provider": {"name": "tyntec", "api_key": "k"}, "request_timeout_seconds": wrong}, connection_specification())
        assert any(p.startswith("request_timeout_seconds") for p in problems), (wrong, problems)
