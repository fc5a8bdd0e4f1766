"""State files in every shape Airbyte has written are read as per-stream state messages."""

from __future__ import annotations

import json

import pytest

from source_sms.source import SourceSms

CURSOR = {"timestamp": "2026-09-30T07:28:03.000Z"}
PER_STREAM = {"type": "STREAM", "stream": {"stream_descriptor": {"name": "messages"}, "stream_state": CURSOR}}


def read_state(tmp_path, content):
    path = tmp_path / "state.json"
    path.write_text(json.dumps(content))
    return [(m.stream.stream_descriptor.name, m.stream.stream_state.__dict__) for m in SourceSms.read_state(str(path))]


@pytest.mark.parametrize("content", [[], {}, None], ids=["empty list", "empty object", "null"])
def test_an_empty_state_is_a_first_sync(tmp_path, content):
    assert read_state(tmp_path, content) == []


@pytest.mark.parametrize("content", [
    [PER_STREAM],
    PER_STREAM,  # one message, not in a list
    {"messages": CURSOR},  # the legacy state object, keyed by stream
    [{"type": "LEGACY", "data": {"messages": CURSOR}}],  # legacy messages, which the CDK would ignore
    [{"data": {"messages": CURSOR}}],
], ids=["per-stream", "one message", "legacy object", "LEGACY message", "data only"])
def test_every_shape_gives_the_same_per_stream_state(tmp_path, content):
    assert read_state(tmp_path, content) == [("messages", CURSOR)]


def test_a_legacy_object_keeps_every_stream_and_drops_empty_ones(tmp_path):
    content = {"messages": {"created_at": "2026-09-30T04:28:45Z"}, "inbound_messages": {"created_at": "2026-09-29T03:28:05Z"}, "credits": {}}
    assert dict(read_state(tmp_path, content)) == {"messages": content["messages"], "inbound_messages": content["inbound_messages"]}


def test_a_state_that_is_not_a_list_or_object_is_refused(tmp_path):
    with pytest.raises(ValueError, match="list of state messages"):
        read_state(tmp_path, "2026-09-30")
