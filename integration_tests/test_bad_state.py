"""A state that does not fit the stream it names never crashes a read nor silently re-reads history."""

from __future__ import annotations

CATALOG = {"streams": [{"stream": {"name": "messages", "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
                        "sync_mode": "incremental", "destination_sync_mode": "append_dedup", "cursor_field": ["timestamp"]}]}


def state(stream, value):
    return [{"type": "STREAM", "stream": {"stream_descriptor": {"name": stream}, "stream_state": value}}]


def test_a_cursor_of_the_wrong_type_ends_the_read_with_a_config_error_before_any_request(emulator, run):
    emulator.requests.clear()
    done = run("read", config=emulator.config("messagemedia"), catalog=CATALOG, state=state("messages", {"timestamp": 12345}))
    assert done.returncode == 1 and done.records() == []
    error = done.of_type("TRACE")[-1]["trace"]["error"]
    assert error["failure_type"] == "config_error" and "stream 'messages' has 'timestamp' = 12345" in error["message"]
    assert not error.get("stack_trace") and [r for r in emulator.requests if r["provider"] == "messagemedia"] == []


def test_state_of_a_stream_not_selected_is_a_warning_and_the_read_is_complete(emulator, run):
    done = run("read", config=emulator.config("messagemedia"), catalog=CATALOG, state=state("contacts", {"x": 1}))
    assert done.returncode == 0
    assert len(done.records("messages")) == len(emulator.apps["messagemedia"].truth()["messages"])
    warnings = [m["log"]["message"] for m in done.of_type("LOG") if m["log"]["level"] == "WARN"]
    assert any("stream 'contacts', which this sync's catalog does not select" in w for w in warnings)
