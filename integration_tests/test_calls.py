"""How many calls a read makes against the emulator, pinned to the fewest the data needs where the
connector reaches it (scripts/bench.py --calls-only prints the whole table; docs/performance.md).

The fewest are computed here from the emulator's truth and the API's page limit, never from the
connector. Where the connector still makes more calls than the data needs (date windows, see
docs/performance.md "Calls per sync"), the test pins today's count exactly, so a change that adds
calls fails and a change that removes them has to update the figure on purpose.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

import pytest

from integration_tests.conftest import source_sms
from sms_emulator.server import Emulator

SW_SEARCH_PAGE = 1000


def catalog(*streams: str) -> dict:
    return {"streams": [{"stream": {"name": s, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                         "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"} for s in streams]}


@pytest.fixture(scope="module")
def emulator():
    # 2,500 messages: three pages of the 1,000-message search.
    server = Emulator(seed=5, scale={"smsworks.messages": 2500, "smsworks.batches": 12}).start()
    yield server
    server.stop()


def windows_since(start: str, days: int) -> int:
    """How many `days`-long windows reach from `start` to now (the last one ends now)."""
    begun = datetime.fromisoformat(start.replace("Z", "+00:00"))
    return math.ceil((datetime.now(timezone.utc) - begun).total_seconds() / (days * 86400))


def test_batches_is_one_paged_search_and_no_call_per_batch(emulator, tmp_path):
    app = emulator.apps["smsworks"]
    truth = app.truth()
    emulator.clear()

    result = source_sms(tmp_path, "read", config=emulator.config("smsworks"), catalog=catalog("batches"))

    assert result.returncode == 0, result.stderr[-2000:]
    assert len(result.records("batches")) == len(truth["batches"])
    calls = [(r["method"], r["path"]) for r in emulator.requests if r["provider"] == "smsworks"]
    # One search answers every message, batch members too; only a short page ends it (no total).
    fewest = len(app.messages) // SW_SEARCH_PAGE + 1
    assert fewest == 3
    assert calls == [("POST", "/messages")] * fewest, calls


def test_a_sync_of_every_smsworks_stream_makes_the_calls_its_windows_need_and_no_more(emulator, tmp_path):
    config = emulator.config("smsworks")
    streams = ["messages", "inbound_messages", "batches", "scheduled_messages", "credits", "account"]
    emulator.clear()

    result = source_sms(tmp_path, "read", config=config, catalog=catalog(*streams))

    assert result.returncode == 0, result.stderr[-2000:]
    calls = [r for r in emulator.requests if r["provider"] == "smsworks"]
    windows = windows_since(config["start_date"], 30)
    # messages: one page per window, one more per 1,000 messages in it (window_counts);
    # inbound_messages: one page a window (the 20 % incoming never fill one); batches: three pages
    # of its single search; scheduled_messages, credits, account: one call each.
    searches = [r for r in calls if r["path"] == "/messages"]
    inbound = [r for r in searches if '"INCOMING"' in r["body"]]
    assert len(inbound) == windows
    assert not [r for r in calls if r["path"].startswith("/batch/")]
    assert len(calls) - len(searches) == 3
    outbound_and_batches = len(searches) - len(inbound)
    messages_pages = sum(n // SW_SEARCH_PAGE + 1 for n in window_counts(emulator, config["start_date"], 30))
    assert outbound_and_batches == messages_pages + 3, (outbound_and_batches, messages_pages)


def window_counts(emulator, start: str, days: int) -> list[int]:
    """Messages (both directions) created in each `days`-long window from `start` to now."""
    app = emulator.apps["smsworks"]
    begun = datetime.fromisoformat(start.replace("Z", "+00:00"))
    counts = [0] * windows_since(start, days)
    for moment in app.created.values():
        counts[min(len(counts) - 1, int((moment - begun).total_seconds() // (days * 86400)))] += 1
    return counts


def test_messagemedia_messages_make_one_report_page_per_7_day_window_and_per_100_messages(emulator, tmp_path):
    """Pins today's windows: every 7-day window since start_date costs a call even when empty
    (docs/performance.md "Calls per sync" says what skipping empty history would take)."""
    app = emulator.apps["messagemedia"]
    config = emulator.config("messagemedia")
    begun = datetime.fromisoformat(config["start_date"].replace("Z", "+00:00"))
    counts = [0] * windows_since(config["start_date"], 7)
    for row in app.report:
        moment = datetime.fromisoformat(row["timestamp"]).replace(tzinfo=timezone.utc)
        counts[min(len(counts) - 1, int((moment - begun).total_seconds() // (7 * 86400)))] += 1
    emulator.clear()

    result = source_sms(tmp_path, "read", config=config, catalog=catalog("messages"))

    assert result.returncode == 0, result.stderr[-2000:]
    assert len(result.records("messages")) == len(app.report)
    calls = [r for r in emulator.requests if r["provider"] == "messagemedia"]
    assert {r["path"] for r in calls} == {"/v2-preview/reporting/messages/detail"}
    assert len(calls) == sum(max(1, math.ceil(n / 100)) for n in counts), counts
