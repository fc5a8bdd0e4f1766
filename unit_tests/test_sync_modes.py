"""discover offers incremental exactly where the provider's endpoint filters by date, with the cursor in the record."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from source_sms.source import SourceSms

CONFIGS = Path(__file__).parent.parent / "integration_tests"
# Per provider: the incremental streams and their cursor. Every other stream is full refresh only.
INCREMENTAL = {
    "tyntec": {},  # status by id only: no endpoint filters by date
    "messagemedia": {"messages": "timestamp"},
    "smsworks": {"messages": "created_at", "inbound_messages": "created_at"},
    "powertextor": {},
    "sinch": {"messages": "created_at", "message_statuses": "at", "inbound_messages": "received_at"},
    "twilio": {"messages": "date_sent"},  # Twilio filters messages by DateSent only
}


def sample_config(provider: str) -> dict:
    name = "sample_config.json" if provider == "tyntec" else f"sample_config_{provider}.json"
    return json.loads((CONFIGS / name).read_text())


@pytest.mark.parametrize("provider", sorted(INCREMENTAL))
def test_discover_reports_cursor_and_sync_modes(provider):
    config = sample_config(provider)
    assert config["provider"]["name"] == provider
    streams = {s.name: s for s in SourceSms(config=config).discover(logging.getLogger("test"), config).streams}

    for name, stream in streams.items():
        modes = [m.value for m in stream.supported_sync_modes]
        if name in INCREMENTAL[provider]:
            cursor = INCREMENTAL[provider][name]
            assert modes == ["full_refresh", "incremental"], name
            assert stream.source_defined_cursor and stream.default_cursor_field == [cursor], name
            assert cursor in stream.json_schema["properties"], f"{name}: the cursor must be a column"
        else:
            assert modes == ["full_refresh"], name
            assert not stream.default_cursor_field, name
    assert set(INCREMENTAL[provider]) <= set(streams)
