"""The Docker image, run the way the Airbyte platform runs it, for every provider against the emulator.

`spec` runs with no network at all; `check`, `discover` and `read` get their config and catalog
as files mounted into the container and reach the emulator on 127.0.0.1 through the host's
network (the engine has no bridge: a container reaches nothing but loopback). The image is
built once a session from the project's Dockerfile (integration_tests/docker_image.py).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Optional

import pytest

from integration_tests.conftest import Run, full_catalog, source_sms
from integration_tests.docker_image import REPORT, ROOT, Image
from integration_tests.test_data_model import phone_digits
from integration_tests.test_manifest_only import PRIVACY
from sms_emulator.server import Emulator
from source_sms.manifest import PROVIDERS

pytestmark = pytest.mark.image_tests


@pytest.fixture(scope="module")
def emulator():
    # An account of its own, so that no other test's added messages land between the two reads.
    server = Emulator(seed=7).start()
    yield server
    server.stop()


def docker_run(image: Image, tmp_path: Path, command: str, network: str = "host",
               config: Optional[dict] = None, catalog: Optional[dict] = None) -> Run:
    # Mounted files must be readable by the image's user `airbyte`, not only by root who wrote them.
    secrets = tmp_path / "secrets"
    secrets.mkdir(mode=0o755, exist_ok=True)
    secrets.chmod(0o755)
    args = []
    for flag, value in (("--config", config), ("--catalog", catalog)):
        if value is not None:
            name = f"{flag.strip('-')}.json"
            (secrets / name).write_text(json.dumps(value))
            (secrets / name).chmod(0o644)
            args += [flag, f"/secrets/{name}"]
    done = image.docker_cli("run", "--rm", "--network", network, "-v", f"{secrets}:/secrets:ro",
                            image.tag, command, *args)
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return Run(messages, done.returncode, done.stderr, done.stdout)


# A snapshot stream's time of reading (smsworks credits): two reads a few seconds apart differ there by design.
READ_TIME = "read_at"


def records(run: Run) -> Counter:
    def comparable(data: dict) -> str:
        return json.dumps({k: "<time of the read>" if k == READ_TIME else v for k, v in data.items()}, sort_keys=True)
    return Counter((m["record"]["stream"], comparable(m["record"]["data"])) for m in run.of_type("RECORD"))


@pytest.fixture(scope="module")
def spec(connector_image, tmp_path_factory) -> dict[str, Any]:
    result = docker_run(connector_image, tmp_path_factory.mktemp("spec"), "spec", network="none")
    assert result.returncode == 0, result.stderr[-3000:]
    return result.of_type("SPEC")[-1]["spec"]


def test_spec_with_no_network_is_the_native_spec(spec, tmp_path):
    assert spec == source_sms(tmp_path, "spec").of_type("SPEC")[-1]["spec"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_spec_offers_the_provider(spec, provider):
    assert provider in {option["properties"]["name"]["const"] for option in spec["connectionSpecification"]["properties"]["provider"]["oneOf"]}


@pytest.mark.parametrize("provider", PROVIDERS)
class TestProviderInImage:
    def test_check_succeeds(self, connector_image, emulator, provider, tmp_path):
        result = docker_run(connector_image, tmp_path, "check", config=emulator.config(provider))
        assert result.returncode == 0, result.stderr[-3000:]
        assert result.status["status"] == "SUCCEEDED", result.status

    def test_check_with_a_wrong_key_is_a_failed_status_not_a_crash(self, connector_image, emulator, provider, tmp_path):
        config = emulator.config(provider)
        for key, value in list(config["provider"].items()):
            if key not in ("name", "base_url") and isinstance(value, str):
                config["provider"][key] = "wrong-credential-9d8c7b6a5f4e"
        result = docker_run(connector_image, tmp_path, "check", config=config)
        assert result.returncode == 0, result.stderr[-3000:]
        assert result.status["status"] == "FAILED"
        assert "401" in result.status["message"] and "Traceback" not in result.status["message"]
        assert not result.of_type("TRACE"), "a rejected key is reported as a status, not as an error trace"

    def test_discover_is_the_native_catalog(self, connector_image, emulator, provider, tmp_path):
        config = emulator.config(provider)
        in_image = docker_run(connector_image, tmp_path, "discover", config=config)
        assert in_image.returncode == 0, in_image.stderr[-3000:]
        assert in_image.catalog == source_sms(tmp_path, "discover", config=config).catalog

    @pytest.mark.parametrize("privacy", [False, True], ids=["privacy-off", "privacy-on"])
    def test_read_returns_the_native_records(self, connector_image, emulator, provider, privacy, tmp_path):
        config = {**emulator.config(provider), **({"privacy": PRIVACY} if privacy else {})}
        catalog = full_catalog(source_sms(tmp_path, "discover", config=config).catalog)
        native = source_sms(tmp_path, "read", config=config, catalog=catalog)
        in_image = docker_run(connector_image, tmp_path, "read", config=config, catalog=catalog)
        assert native.returncode == 0 and in_image.returncode == 0, in_image.stderr[-3000:]
        assert records(native), "the emulator's account has records to compare"
        assert records(in_image) == records(native)
        if privacy:
            output = in_image.stdout + in_image.stderr
            leaked = sorted(n for n in phone_digits(emulator.apps[provider].truth()) if n in output)
            assert leaked == [], f"{len(leaked)} phone numbers in clear in the image's output, e.g. {leaked[:3]}"
            assert PRIVACY["salt"] not in output
        per_stream = Counter(stream for stream, _ in records(in_image).elements())
        REPORT.append(f"read {provider}{' (privacy on)' if privacy else ''}: image = native, {sum(per_stream.values())} records "
                      f"({', '.join(f'{s} {n}' for s, n in sorted(per_stream.items()))})")


def test_image_runs_as_the_non_root_user_airbyte(connector_image):
    assert connector_image.inspect()["Config"]["User"] == "airbyte"
    who = connector_image.docker_cli("run", "--rm", "--network", "none", "--entrypoint", "id", connector_image.tag)
    assert who.returncode == 0 and who.stdout.startswith("uid=1000(airbyte)"), who.stdout + who.stderr


def test_airbyte_entrypoint_is_the_space_joined_entrypoint(connector_image):
    # What Airbyte's acceptance tests check: the platform starts the image through AIRBYTE_ENTRYPOINT.
    config = connector_image.inspect()["Config"]
    env = dict(entry.split("=", 1) for entry in config["Env"])
    assert env["AIRBYTE_ENTRYPOINT"] == " ".join(config["Entrypoint"])


def test_image_holds_exactly_the_locked_versions(connector_image):
    listed = connector_image.docker_cli("run", "--rm", "--network", "none", "--entrypoint", "python",
                                        connector_image.tag, "-m", "pip", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    installed = {p["name"].lower().replace("_", "-"): p["version"] for p in json.loads(listed.stdout)}
    python = connector_image.docker_cli("run", "--rm", "--network", "none", "--entrypoint", "python",
                                        connector_image.tag, "-c", "import platform; print(platform.python_version())")
    locked = locked_versions(ROOT / "requirements/image.txt", python.stdout.strip())
    assert {name: installed.get(name) for name in locked} == locked
    assert installed["airbyte-source-sms"]


def locked_versions(requirements: Path, python: str) -> dict[str, str]:
    """name -> version of each pin in an exported requirements file whose marker holds for `python` (3.11.7)."""
    from packaging.markers import Marker

    pins = {}
    for line in requirements.read_text().splitlines():
        if line[:1].isalnum():
            pin, _, marker = line.rstrip(" \\").partition(";")
            environment = {"python_full_version": python, "python_version": ".".join(python.split(".")[:2])}
            if not marker.strip() or Marker(marker).evaluate(environment):
                name, _, version = pin.strip().partition("==")
                pins[name.lower().replace("_", "-")] = version
    return pins
