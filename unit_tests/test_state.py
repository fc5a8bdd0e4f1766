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


# What a read does with a state that does not fit the stream it names: see state_problems.
def problems(state, provider="messagemedia", selected=("messages",)):
    from source_sms.manifest import build_manifest
    from source_sms.state import normalise_state, state_problems

    return state_problems(normalise_state(state), build_manifest(), provider, list(selected))


def stream_state(name, value):
    return [{"type": "STREAM", "stream": {"stream_descriptor": {"name": name}, "stream_state": value}}]


@pytest.mark.parametrize("provider,stream,value", [
    ("messagemedia", "messages", {"timestamp": "2026-09-30T07:28:03.000Z"}),
    ("messagemedia", "messages", {"timestamp": "2026-09-30"}),
    ("smsworks", "messages", {"created_at": "2026-09-30T04:28:45Z"}),
    ("smsworks", "inbound_messages", {"created_at": "2026-09-30T04:28:45+00:00"}),
    ("messagemedia", "messages", {}),  # a cleared stream: a first sync
    ("tyntec", "contacts", {"anything": 1}),  # a full-refresh stream: its state is never read
])
def test_a_state_that_fits_its_stream_raises_nothing(provider, stream, value):
    assert problems(stream_state(stream, value), provider, [stream]) == ([], [])


@pytest.mark.parametrize("value", [12345, None, "yesterday", ["2026-09-30"], ""])
def test_a_cursor_of_the_wrong_type_is_an_error_naming_stream_value_and_fix(value):
    errors, warnings = problems(stream_state("messages", {"timestamp": value}))
    assert len(errors) == 1 and not warnings
    assert f"stream 'messages' has 'timestamp' = {value!r}" in errors[0]
    assert "Clear this stream's state" in errors[0] and '{"timestamp": "2026-09-30T07:28:03Z"}' in errors[0]


def test_a_cursor_under_another_field_is_an_error_not_a_silent_full_re_read():
    # An SMS Works state (created_at) handed to a MessageMedia connection would re-read all history.
    errors, _ = problems(stream_state("messages", {"created_at": "2026-09-30T04:28:45Z"}))
    assert len(errors) == 1 and "has no 'timestamp' cursor (it has created_at)" in errors[0]


def test_state_of_a_stream_not_in_the_catalog_is_kept_with_a_warning():
    errors, warnings = problems(stream_state("inbound_messages", {"created_at": 12345}), selected=["messages", "contacts"])
    assert errors == []
    assert warnings == ["The state holds stream 'inbound_messages', which this sync's catalog does not select; it is "
                        "left as it is and not used. Streams selected: messages, contacts."]
