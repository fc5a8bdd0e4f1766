"""The command line as a user and the Airbyte platform call it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

from integration_tests.conftest import FAST_BACKOFF


def test_python_dash_m_is_the_same_command(tmp_path):
    done = subprocess.run([sys.executable, "-m", "source_sms", "spec"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0
    spec = [json.loads(line) for line in done.stdout.splitlines() if '"SPEC"' in line]
    assert spec and spec[0]["spec"]["connectionSpecification"]["properties"]["provider"]["oneOf"]


def test_check_against_an_unreachable_host_fails_fast_and_says_what_to_check(run):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = {"provider": {"name": "tyntec", "api_key": "some-long-test-key-1234", "base_url": f"http://127.0.0.1:{port}"}}
    result = run("check", config=config)
    assert result.status["status"] == "FAILED"
    assert result.status["message"].startswith(f"Could not reach http://127.0.0.1:{port}: check provider.base_url")


def test_read_with_a_catalog_naming_an_unknown_stream_fails_cleanly(emulator, run):
    catalog = {"streams": [{"stream": {"name": "no_such_stream", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                            "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}
    result = run("read", config=emulator.config("tyntec"), catalog=catalog)
    assert "Traceback" not in result.stdout
    assert not result.of_type("RECORD")


def test_secrets_never_appear_in_any_output_even_on_failure(emulator, run):
    config = {**emulator.config("tyntec"), **FAST_BACKOFF}
    secret = config["provider"]["api_key"]
    emulator.add_fault(provider="tyntec", path="ip/restriction", status=500, times=-1)
    try:
        result = run("check", config=config, extra=("--debug",))
    finally:
        emulator.faults.clear()
    assert result.status["status"] == "FAILED"
    assert secret not in result.stdout + result.stderr
