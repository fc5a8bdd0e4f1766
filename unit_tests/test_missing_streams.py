"""A catalog naming a stream this config does not have fails the read with a config error naming it
and the streams there are (an acceptance rule; the end-to-end test is in
integration_tests/test_acceptance_rules.py). No request is sent for a stream that does not exist."""

from __future__ import annotations

import json
import logging

import pytest
import requests_mock
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

from source_sms import source as source_module
from source_sms.run import run
from unit_tests.helpers import catalog

CONFIG = {"provider": {"name": "powertextor", "api_key": "a-long-test-key-123456", "base_url": "https://api.example.com"}}
STREAMS = "contacts, contact_groups, places"


def test_read_in_process_exits_1_with_a_config_error_trace(tmp_path, capsys):
    (tmp_path / "config.json").write_text(json.dumps(CONFIG))
    (tmp_path / "catalog.json").write_text(json.dumps({"streams": [
        {"stream": {"name": "messages", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
         "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}))
    with requests_mock.Mocker(), pytest.raises(SystemExit) as exit_info:  # any request would fail
        run(["read", "--config", str(tmp_path / "config.json"), "--catalog", str(tmp_path / "catalog.json")])
    assert exit_info.value.code == 1
    messages = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    error = messages[-1]["trace"]["error"]
    assert error["failure_type"] == "config_error"
    assert f"Power Textor does not have: 'messages'. Its streams are: {STREAMS}." in error["message"]


def test_the_stream_names_are_built_when_the_cdk_hook_is_not_called(monkeypatch):
    # If a CDK release renames the hook that hands over the built streams, the check still holds.
    monkeypatch.setattr(source_module.SourceSms, "_select_streams", ConcurrentDeclarativeSource._select_streams)
    configured = catalog("ghost", "other_ghost")
    source = source_module.SourceSms(catalog=configured, config=CONFIG)
    with pytest.raises(source_module.MissingStreams) as raised:
        list(source.read(logging.getLogger("test"), CONFIG, configured, []))
    assert f"does not have: 'ghost', 'other_ghost'. Its streams are: {STREAMS}." in raised.value.message
