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
