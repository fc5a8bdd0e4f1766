"""The manifest-only paths emit the package's records: `source-sms manifest` run by the CDK's
`source-declarative-manifest`, in both its forms.

- the pure manifest (no Python), injected in the config as Airbyte runs a connector published from
  the Connector Builder (Airbyte Cloud);
- the manifest + components.py pair (`source-sms manifest --components DIR`), run with
  `--manifest-path`/`--components-path` and AIRBYTE_ENABLE_UNSAFE_CODE, as OSS runs custom code.

For every stream of every provider against the emulator, with privacy off and on: the same records
as the package's, field for field; every record valid against the schema `discover` returns on that
path; with privacy on, none of the emulator's phone numbers or texts anywhere in the output.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import jsonschema
import pytest

from integration_tests.conftest import full_catalog, source_sms
from integration_tests.declarative_runs import (
    components_pair, declarative_manifest, injected, printed_manifest, provider_streams, walk, with_components)
from integration_tests.test_data_model import BODY_KEYS, phone_digits, values_under
from sms_emulator.providers import REGISTRY
from sms_emulator.server import Emulator
from source_sms.manifest import PROVIDERS

PRIVACY = {"hash_phone_numbers": True, "hash_message_bodies": True, "salt": "manifest-only-test-salt-3f9a1c"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    return printed_manifest(tmp_path_factory.mktemp("manifest"))


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    return components_pair(tmp_path_factory.mktemp("components"))


@pytest.fixture(scope="module")
def server():
    # Its own emulator: other modules inject faults into the shared one.
    emulator = Emulator(seed=7).start()
    yield emulator
    emulator.stop()


def errors(run) -> list[str]:
    return [m["trace"]["error"]["message"] for m in run.of_type("TRACE") if m["trace"]["type"] == "ERROR"]


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


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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


def test_the_pure_manifest_has_no_custom_python(manifest):
    custom = [node["type"] for node in walk(manifest) if isinstance(node, dict) and str(node.get("type", "")).startswith("Custom")]
    assert not custom, "a manifest-only connector in Airbyte Cloud's Connector Builder cannot run custom components"


def test_the_components_pair_names_only_its_own_components_py(pair):
    manifest, components = pair
    classes = {node["class_name"] for node in walk(manifest) if isinstance(node, dict) and node.get("type") == "CustomTransformation"}
    assert classes == {"source_declarative_manifest.components.SmsModel"}
    assert "import source_sms" not in components.read_text() and "from source_sms" not in components.read_text()


@pytest.mark.parametrize("privacy", [False, True], ids=["privacy-off", "privacy-on"])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_path_reads_the_package_records(provider, privacy, manifest, pair, server, tmp_path):
    config = {**server.config(provider), **({"privacy": PRIVACY} if privacy else {})}
    folders = {name: tmp_path / name for name in ("package", "pure", "components")}
    for folder in folders.values():
        folder.mkdir()
    paths = {
        "pure": lambda command, catalog=None: declarative_manifest(folders["pure"], command, injected(config, manifest), catalog),
        "components": lambda command, catalog=None: with_components(folders["components"], command, config, pair, catalog),
    }

    catalog = source_sms(folders["package"], "discover", config=config).catalog
    started = now()
    package = source_sms(folders["package"], "read", config=config, catalog=full_catalog(catalog))
    assert package.returncode == 0 and not errors(package), errors(package) or package.stdout[-3000:]
    runs = {"package": package}
    for name, run in paths.items():
        assert run("check").status["status"] == "SUCCEEDED", name
        discovered = run("discover").catalog
        assert discovered == catalog, f"{name}: the same streams, schemas, sync modes, cursors and primary keys"
        runs[name] = run("read", full_catalog(discovered))
        assert runs[name].returncode == 0 and not errors(runs[name]), errors(runs[name]) or runs[name].stdout[-3000:]
    window = (started, now())

    truth = server.apps[provider].truth()
    definitions = {definition["name"]: definition for definition in provider_streams(manifest, provider)}
    for stream in catalog["streams"]:
        name = stream["name"]
        timed = read_time_fields(definitions[name])
        validator = jsonschema.Draft7Validator(stream["json_schema"])
        expected = sorted(canonical(r, timed, window) for r in package.records(name))
        assert len(expected) == len(truth[name]) > 0, f"{provider}.{name}: {len(expected)} records, the emulator has {len(truth[name])}"
        for path, run in runs.items():
            records = run.records(name)
            assert sorted(canonical(r, timed, window) for r in records) == expected, f"{path}: {provider}.{name}"
            # Valid against the schema discover returned on that path (the same catalog), status enum included.
            broken = [(error.json_path, error.message) for record in records for error in validator.iter_errors(record)]
            assert broken == [], f"{path}: {provider}.{name} records break their schema: {broken[:3]}"

    if privacy:
        numbers = phone_digits(truth)
        texts = {v for v in values_under(truth, BODY_KEYS) if isinstance(v, str) and len(v) >= 12}
        assert numbers
        for path, run in runs.items():
            output = run.stdout + run.stderr
            leaked = sorted(n for n in numbers if n in output)
            assert leaked == [], f"{path}: {len(leaked)} phone numbers in clear, e.g. {leaked[:3]}"
            assert sorted(t for t in texts if t in output) == [], f"{path}: message texts in clear"
            assert PRIVACY["salt"] not in output, f"{path}: the salt is a secret"


@pytest.mark.parametrize("path", ["pure", "components"])
def test_hashing_without_a_salt_fails_before_anything_is_read_naming_the_setting(path, manifest, pair, server, tmp_path):
    config = {**server.config("smsworks"), "privacy": {"hash_phone_numbers": True}}
    catalog = full_catalog(source_sms(tmp_path, "discover", config=server.config("smsworks")).catalog)
    if path == "pure":
        run = declarative_manifest(tmp_path, "read", injected(config, manifest), catalog)
        check = declarative_manifest(tmp_path, "check", injected(config, manifest))
    else:
        run = with_components(tmp_path, "read", config, pair, catalog)
        check = with_components(tmp_path, "check", config, pair)
    assert run.returncode != 0 and not run.records()
    # The package says it as a config error; on this path the CDK's config validation reports it as a
    # failed sync with the setting named in the trace's internal message (docs/connector-builder.md).
    traces = [m["trace"]["error"] for m in run.of_type("TRACE") if m["trace"]["type"] == "ERROR"]
    assert any("privacy.salt is required" in (t["message"] + (t.get("internal_message") or "")) for t in traces), run.stdout[-2000:]
    assert check.status["status"] == "FAILED" and "privacy.salt is required" in check.status["message"], check.stdout[-2000:]


def test_the_pure_manifest_reads_dated_streams_in_fixed_windows(manifest, tmp_path):
    # The same records in more calls: the manifest cuts every window from start_date at its `step`,
    # the package's windows follow the data (docs/sync-modes.md).
    emulator = Emulator(seed=7).start()
    try:
        config = emulator.config("smsworks")
        catalog = {"streams": [s for s in full_catalog(source_sms(tmp_path, "discover", config=config).catalog)["streams"]
                               if s["stream"]["name"] == "messages"]}
        emulator.clear()
        package = source_sms(tmp_path, "read", config=config, catalog=catalog)
        package_calls = len(emulator.requests)
        emulator.clear()
        pure = declarative_manifest(tmp_path, "read", injected(config, manifest), catalog)
        pure_calls = len(emulator.requests)
    finally:
        emulator.stop()
    assert sorted(map(json.dumps, pure.records())) == sorted(map(json.dumps, package.records())) != []
    assert pure_calls > package_calls, (pure_calls, package_calls)


def test_the_printed_manifest_keeps_the_300_s_read_timeout(manifest):
    # The CDK types read_timeout_in_seconds as a number, not a template: request_timeout_seconds is
    # written in by the package when it is built with the config, and cannot be on this path.
    assert manifest["definitions"]["shared"]["requester"]["read_timeout_in_seconds"] == 300
