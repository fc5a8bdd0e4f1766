"""A permanent fault on a later date window of an incremental stream: what was read before is kept.

Sinch MessageMedia `messages` (a first window of 7 days) and The SMS Works `messages` (30 days), read
from a start_date inside the seeded history. Later windows follow the data (source_sms/windows.py),
but the second one always starts where the first, of the manifest's step, ends: a permanent 401 hits
the window that starts on `failing_window`.
The first read must emit the earlier windows' records and a STATE covering them before the error
trace; a second read started from that state (fault gone) must bring every remaining record: the
two reads together hold the emulator's whole truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pytest

from integration_tests.conftest import FAST_BACKOFF, source_sms
from sms_emulator.server import Emulator


@dataclass
class Case:
    provider: str
    key: str
    cursor: str
    path: str
    window_field: str  # the request body field that carries a window's start
    failing_window: str
    label: str
    fix: str


# Inside the seeded history (2026-07 to 2026-10-01), so the first window already holds records.
START_DATE = "2026-07-20T00:00:00Z"
START = datetime(2026, 7, 20, tzinfo=timezone.utc)


def moment(app: Any, item: dict[str, Any]) -> datetime:
    if "messageid" in item:  # The SMS Works: a JavaScript date string; the emulator keeps the instant
        return app.created[item["messageid"]]
    return datetime.fromisoformat(item["timestamp"]).replace(tzinfo=timezone.utc)

CASES = {
    "messagemedia": Case("messagemedia", "message_id", "timestamp", "/v2-preview/reporting/messages/detail", "start_date",
                         "2026-07-27", "Sinch MessageMedia", "provider.api_key"),
    "smsworks": Case("smsworks", "messageid", "created_at", "/messages", "from", "2026-08-19", "The SMS Works", "provider.jwt_token"),
}


def catalog(case: Case) -> dict[str, Any]:
    return {"streams": [{"stream": {"name": "messages", "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"],
                                    "source_defined_cursor": True, "default_cursor_field": [case.cursor]},
                         "sync_mode": "incremental", "cursor_field": [case.cursor], "destination_sync_mode": "append_dedup",
                         "primary_key": [["provider"], [case.key]]}]}


@pytest.fixture(scope="module")
def emulator():
    server = Emulator(seed=13, scale={"messagemedia.messages": 600, "smsworks.messages": 400}).start()
    yield server
    server.stop()


@pytest.mark.parametrize("name", CASES)
def test_a_permanent_fault_on_a_later_window_keeps_the_earlier_windows_and_their_state(emulator, tmp_path, name):
    case = CASES[name]
    app = emulator.apps[case.provider]
    truth = {item[case.key]: item for item in app.truth()["messages"] if moment(app, item) >= START}
    config = {**emulator.config(case.provider), "start_date": START_DATE, "max_retries": 1, "requests_per_minute": 100000,
              **FAST_BACKOFF}
    emulator.clear()
    emulator.add_fault(provider=case.provider, path=f"^{case.path}$", method="POST",
                       body=rf'"{case.window_field}": ?"{case.failing_window}', kind="status", status=401, times=-1)
    first = source_sms(tmp_path, "read", config=config, catalog=catalog(case))

    kinds = [m["type"] for m in first.messages if m["type"] in ("RECORD", "STATE", "TRACE") and
             (m["type"] != "TRACE" or m["trace"]["type"] == "ERROR")]
    errors = [m["trace"]["error"]["message"] for m in first.of_type("TRACE") if m["trace"]["type"] == "ERROR"]
    assert first.returncode != 0 and errors
    assert any(f"{case.label} rejected the credentials (HTTP 401)" in m and case.path in m and case.fix in m for m in errors), errors
    states = [m["state"] for m in first.of_type("STATE")]
    assert states and kinds.index("STATE") < kinds.index("TRACE"), "a checkpoint came before the error"
    checkpoint = states[-1]
    saved = checkpoint["stream"]["stream_state"]
    before = [r for r in first.records("messages")]
    assert before, "the earlier windows' records were emitted"
    cursor_value = saved.get(case.cursor) or max(s.get(case.cursor, "") for s in saved.get("states", []) or [{}])
    assert cursor_value and cursor_value < case.failing_window, saved

    emulator.clear()
    second = source_sms(tmp_path, "read", config=config, catalog=catalog(case), state=[checkpoint])
    assert not [m for m in second.of_type("TRACE") if m["trace"]["type"] == "ERROR"]
    after = second.records("messages")
    read = {r[case.key] for r in before} | {r[case.key] for r in after}
    assert read == set(truth), f"missing {len(set(truth) - read)}"
    print(f"{name}: first read {len(before)} records, state {saved}, second read {len(after)}, truth {len(truth)}")
