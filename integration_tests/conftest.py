"""The provider emulator on a free loopback port, and the real `source-sms` command run against it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pytest

from sms_emulator.server import Emulator

COMMAND = str(Path(sys.executable).with_name("source-sms"))
# For tests that exercise retries: the spec's retry_backoff_factor makes a retry without Retry-After
# wait 1.02 s, 1.04 s, ... instead of 5 s, 9 s, ... (a Retry-After header still sets the wait).
FAST_BACKOFF = {"retry_backoff_factor": 0.01}


@dataclass
class Run:
    messages: list[dict[str, Any]]
    returncode: int
    stderr: str
    stdout: str

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["type"] == kind]

    def records(self, stream: Optional[str] = None) -> list[dict[str, Any]]:
        return [m["record"]["data"] for m in self.of_type("RECORD") if stream in (None, m["record"]["stream"])]

    @property
    def status(self) -> dict[str, Any]:
        return self.of_type("CONNECTION_STATUS")[-1]["connectionStatus"]

    @property
    def catalog(self) -> dict[str, Any]:
        return self.of_type("CATALOG")[-1]["catalog"]


def source_sms(tmp_path: Path, command: str, config: Optional[dict] = None, catalog: Optional[dict] = None,
               state: Optional[list] = None, extra: tuple[str, ...] = ()) -> Run:
    args = [COMMAND, command]
    for flag, value in (("--config", config), ("--catalog", catalog), ("--state", state)):
        if value is not None:
            path = tmp_path / f"{flag.strip('-')}.json"
            path.write_text(json.dumps(value))
            args += [flag, str(path)]
    done = subprocess.run([*args, *extra], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return Run(messages, done.returncode, done.stderr, done.stdout)


def full_catalog(discovered: dict[str, Any]) -> dict[str, Any]:
    return {"streams": [{"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}
                        for stream in discovered["streams"]]}


@pytest.fixture(scope="session")
def emulator():
    server = Emulator(seed=7).start()
    yield server
    server.stop()


@pytest.fixture
def run(tmp_path):
    def _run(command: str, **kwargs: Any) -> Run:
        return source_sms(tmp_path, command, **kwargs)
    return _run


# tyntec with 6,500 phone numbers: three pages of 3,000, so a fault can hit the middle one.
NUMBERS = 6500
SECOND_PAGE = r"(^|&)page=1(&|$)"


@pytest.fixture(scope="module")
def numbers_emulator():
    server = Emulator(seed=5, scale={"tyntec.phone_numbers": NUMBERS}).start()
    yield server
    server.stop()


# Figures a test measured (not pass/fail), printed once at the end of the session.
_REPORT: list[str] = []


def report(line: str) -> None:
    _REPORT.append(line)


# Under pytest-xdist the tests run in worker processes: each hands its lines to the controller,
# which prints them all.
def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["source_sms_report"] = list(_REPORT)
        workeroutput["source_sms_image_report"] = list(docker_image.REPORT)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    output = getattr(node, "workeroutput", {})
    _REPORT.extend(output.get("source_sms_report", []))
    docker_image.REPORT.extend(output.get("source_sms_image_report", []))


def pytest_terminal_summary(terminalreporter):
    if _REPORT:
        terminalreporter.section("source-sms figures")
        for line in _REPORT:
            terminalreporter.write_line(line)
    # The image tests' lines (integration_tests/docker_image.py): size, build time, or why they did not run.
    for line in dict.fromkeys(docker_image.REPORT):
        terminalreporter.write_line(line, bold=True)


# -- The Docker image (test_image*.py, and airbyte-cdk's standard `image_tests`) -----------------
from integration_tests import docker_image  # noqa: E402


@pytest.fixture(scope="session")
def connector_image(tmp_path_factory) -> docker_image.Image:
    """Built once a session; skipped with the reason where no engine answers (failed in CI)."""
    image = docker_image.build()
    shims = docker_image.host_network_shim(image, tmp_path_factory.mktemp("docker-shim"))
    os.environ["PATH"] = f"{shims}{os.pathsep}{os.environ['PATH']}"
    return image


@pytest.fixture
def connector_image_override(connector_image) -> str:
    # airbyte-cdk's image tests would otherwise build their own image, FROM the registry's base.
    return connector_image.tag


@pytest.fixture
def read_from_streams(read_from_streams, request):
    # airbyte-cdk's image read test skips unless `--read-from-streams` is given; in the image
    # tests read every stream (the emulator has them all), elsewhere keep what the option says.
    return "all" if request.node.get_closest_marker("image_tests") else read_from_streams


@pytest.fixture
def read_scenarios(read_scenarios, request):
    # Likewise its scenario filter keeps only configs named config/valid_config; ours are per provider.
    return "all" if request.node.get_closest_marker("image_tests") else read_scenarios


# Compares the image's spec with the one published in Airbyte's connector registry: that is a
# request to the internet, which these tests never make (they reach loopback only).
_NEEDS_THE_REGISTRY = "test_docker_image_spec_backward_compatibility"


def pytest_collection_modifyitems(config, items):
    kept = [item for item in items if item.name != _NEEDS_THE_REGISTRY]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.name == _NEEDS_THE_REGISTRY])
        items[:] = kept
        docker_image.REPORT.append(f"not run: {_NEEDS_THE_REGISTRY} (it fetches the published spec from "
                                   "Airbyte's connector registry; these tests reach loopback only)")
