"""The manifest-only path: `source-sms manifest` run by the CDK's `source-declarative-manifest`.

That is how Airbyte runs a connector published from the Connector Builder: the generic
declarative-manifest connector with this manifest injected into its config
(`__injected_declarative_manifest`). For every provider against the emulator: `spec`, `check`,
`discover` and `read` of every stream, compared with the native `source-sms` run of the same config.

What the manifest alone cannot do is the Python layer's (source_sms/source.py): the core fields
and, when the config asks for privacy, hashing (source_sms/model.py). The records must differ by
exactly that, and nothing else: docs/connector-builder.md says so to users.
"""

from __future__ import annotations

import copy
import json
import logging
from datetime import datetime, timezone

import jsonschema
import pytest

from integration_tests.conftest import full_catalog, source_sms
from integration_tests.declarative_runs import declarative_manifest, injected, printed_manifest, provider_streams, walk
from sms_emulator.providers import REGISTRY
from sms_emulator.server import Emulator
from source_sms.manifest import MODELS, PROVIDERS
from source_sms.model import KINDS
from source_sms.source import _normaliser

PRIVACY = {"hash_phone_numbers": True, "hash_message_bodies": True, "salt": "manifest-only-test-salt-3f9a1c"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    return printed_manifest(tmp_path_factory.mktemp("manifest"))


@pytest.fixture(scope="module")
def server():
    # Its own emulator: other modules inject faults into the shared one.
    emulator = Emulator(seed=7).start()
    yield emulator
    emulator.stop()


def errors(run) -> list[str]:
    return [m["trace"]["error"]["message"] for m in run.of_type("TRACE") if m["trace"]["type"] == "ERROR"]


def as_sent(record: dict, item: dict) -> bool:
    """The record holds every non-null field of the provider's item under its own name, unchanged."""
    return all(record.get(key) == value for key, value in item.items() if value is not None)


def read_time_fields(definition: dict) -> set[str]:
    """Fields the stream sets to the time of the read (a value that is now_utc()): they differ between
    any two reads. A value that only compares with now_utc() (Sinch's batch_status) is an ordinary field."""
    return {added["path"][-1] for node in walk(definition) if isinstance(node, dict) and node.get("type") == "AddFields"
            for added in node["fields"] if str(added.get("value")).replace(" ", "").startswith("{{now_utc()")}


def canonical(record: dict, timed: set[str], window: tuple[str, str]) -> str:
    # As the CDK prints a record: fields whose value is None are left out.
    record = {key: value for key, value in record.items() if value is not None}
    for field in timed:
        assert window[0] <= record[field] <= window[1], f"{field} = {record[field]} is not the time of this read {window}"
        record[field] = "<time of the read>"
    return json.dumps(record, sort_keys=True)


def test_every_provider_is_both_in_the_manifest_and_the_emulator():
    assert set(PROVIDERS) == set(REGISTRY)


def test_spec_is_the_generic_one_and_the_manifest_carries_source_sms_spec(manifest, tmp_path):
    # With the manifest injected, not baked into the image, `spec` cannot know it: the command
    # answers the generic declarative spec, and the platform shows the manifest's own spec instead.
    spec = declarative_manifest(tmp_path, "spec").of_type("SPEC")[0]["spec"]["connectionSpecification"]
    assert spec["required"] == ["__injected_declarative_manifest"]
    native = source_sms(tmp_path, "spec").of_type("SPEC")[0]["spec"]["connectionSpecification"]
    assert {o["properties"]["name"]["const"] for o in native["properties"]["provider"]["oneOf"]} == set(PROVIDERS)
    assert manifest["spec"]["connection_specification"]["properties"].keys() == native["properties"].keys()


def test_the_manifest_has_no_custom_python(manifest):
    custom = [node["type"] for node in walk(manifest) if isinstance(node, dict) and str(node.get("type", "")).startswith("Custom")]
    assert not custom, "a manifest-only connector (Connector Builder, Airbyte Cloud) cannot run custom components"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_declarative_manifest_reads_what_source_sms_reads_less_the_python_layer(provider, manifest, server, tmp_path):
    config = {**server.config(provider), "privacy": PRIVACY}
    native_dir, declarative_dir = tmp_path / "native", tmp_path / "declarative"
    native_dir.mkdir()
    declarative_dir.mkdir()

    check = declarative_manifest(declarative_dir, "check", injected(config, manifest))
    assert check.status["status"] == "SUCCEEDED", check.status

    catalog = declarative_manifest(declarative_dir, "discover", injected(config, manifest)).catalog
    native_catalog = source_sms(native_dir, "discover", config=config).catalog
    assert catalog == native_catalog, "the same streams, schemas, sync modes, cursors and primary keys"

    started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    read = declarative_manifest(declarative_dir, "read", injected(config, manifest), full_catalog(catalog))
    native = source_sms(native_dir, "read", config=config, catalog=full_catalog(catalog))
    window = (started, datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert read.returncode == 0 and not errors(read), errors(read) or read.stdout[-3000:]
    assert native.returncode == 0 and not errors(native), errors(native)

    truth = server.apps[provider].truth()
    normaliser = _normaliser(config, logging.getLogger("test"))
    definitions = {definition["name"]: definition for definition in provider_streams(manifest, provider)}
    for stream in catalog["streams"]:
        name = stream["name"]
        records, native_records = read.records(name), native.records(name)
        assert len(records) == len(native_records) == len(truth[name]) > 0, \
            f"{provider}.{name}: {len(records)} records, source-sms read {len(native_records)}, emulator has {len(truth[name])}"

        # The provider's fields as it sends them: privacy needs the Python layer, so nothing is hashed.
        for item in truth[name]:
            assert any(as_sent(record, item) for record in records), f"{provider}.{name}: no record as sent for {item}"

        # Exactly the difference the Python layer makes: its normaliser applied to these records
        # gives source-sms's records, field for field (the core fields, provider_<name>, hashes).
        timed = read_time_fields(definitions[name])
        normalised = sorted(canonical(normaliser.apply(name, copy.deepcopy(r)), timed, window) for r in records)
        assert normalised == sorted(canonical(r, timed, window) for r in native_records), f"{provider}.{name}"
        model = MODELS.get((provider, name))
        if model is None:
            assert sorted(canonical(r, timed, window) for r in records) == normalised, f"{provider}.{name}: not modelled, identical"
            continue

        # The discovered schema declares the core fields; without them a record breaks it only where a
        # core field took a provider field's name (status holds the provider's value, not the core set).
        core = set(KINDS[model.kind])
        validator = jsonschema.Draft7Validator(stream["json_schema"])
        broken = {error.path[0] for record in records for error in validator.iter_errors(record) if error.path}
        assert broken <= core, f"{provider}.{name}: fields outside the core set break the schema: {broken - core}"
