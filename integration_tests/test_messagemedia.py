"""MessageMedia over the emulator, beyond the generic protocol tests: incremental state, sub-accounts, methods."""

from __future__ import annotations

from datetime import datetime, timedelta

MESSAGES_ONLY = "messages"


def incremental_catalog(catalog: dict) -> dict:
    stream = next(s for s in catalog["streams"] if s["name"] == MESSAGES_ONLY)
    return {"streams": [{"stream": stream, "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                         "cursor_field": ["timestamp"], "primary_key": [["provider"], ["message_id"]]}]}


def test_incremental_state_round_trips_and_only_the_lookback_is_read_again(emulator, run):
    app = emulator.apps["messagemedia"]
    config = emulator.config("messagemedia")
    catalog = incremental_catalog(run("discover", config=config).catalog)

    emulator.requests.clear()
    first = run("read", config=config, catalog=catalog)
    assert len(first.records(MESSAGES_ONLY)) == len(app.report)
    states = first.of_type("STATE")
    assert states
    state = states[-1]["state"]["stream"]["stream_state"]
    newest = max(r["timestamp"] for r in app.report)
    assert state == {"timestamp": newest + ".000Z"}
    # Only the detail report's POST-search; every other method would be a write.
    assert {(r["method"], r["path"]) for r in emulator.requests} == {("POST", "/v2-preview/reporting/messages/detail")}

    second = run("read", config=config, catalog=catalog, state=[states[-1]["state"]])
    floor = (datetime.fromisoformat(newest) - timedelta(days=1)).isoformat()
    expected = [r for r in app.report if r["timestamp"] >= floor]
    assert sorted(r["message_id"] for r in second.records(MESSAGES_ONLY)) == sorted(r["message_id"] for r in expected)
    assert second.returncode == 0


def test_a_sub_account_reads_only_its_own_messages(emulator, run):
    app = emulator.apps["messagemedia"]
    sub = sorted(app.sub_accounts)[-1]
    config = emulator.config("messagemedia")
    config["provider"]["account_id"] = sub
    catalog = incremental_catalog(run("discover", config=config).catalog)
    catalog["streams"][0]["sync_mode"] = "full_refresh"

    result = run("read", config=config, catalog=catalog)

    records = result.records(MESSAGES_ONLY)
    assert records and len(records) == len([r for r in app.report if r["account_id"] == sub])
    assert {r["account_id"] for r in records} == {sub}


def test_an_unknown_sub_account_fails_with_a_message_naming_the_setting(emulator, run):
    config = emulator.config("messagemedia")
    config["provider"]["account_id"] = "NOT-MINE"

    result = run("check", config=config)

    assert result.status["status"] == "FAILED"
    assert "HTTP 403" in result.status["message"] and "provider.account_id" in result.status["message"]
