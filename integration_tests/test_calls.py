"""How many calls a read makes against the emulator, pinned to the fewest the data needs where the
connector reaches it (scripts/bench.py --calls-only prints the whole table; docs/performance.md).

The fewest are computed here from the emulator's truth and the API's page limit, never from the
connector. Where the connector still makes more calls than the data needs (date windows, see
docs/performance.md "Calls per sync"), the test pins today's count exactly, so a change that adds
calls fails and a change that removes them has to update the figure on purpose.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

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


def following_windows(start: str, step_days: int, moments: list, page: int) -> list[tuple]:
    """(start, end, records) of each window the rule in source_sms/windows.py cuts from `start` to now,
    computed here from the emulator's truth: the first window is `step_days` long, each next one is
    sized to hold 10 pages at the last one's rate, at most 16 times longer (16 times after an empty
    one) and at most 16 steps. The last one's end is open (it ends when the read started)."""
    lower = datetime.fromisoformat(start.replace("Z", "+00:00"))
    now = datetime.now(timezone.utc)
    length, windows = timedelta(days=step_days), []
    while lower + length < now:
        upper = lower + length
        count = sum(lower <= m < upper for m in moments)
        windows.append((lower, upper, count))
        factor = 16 if not count else min(16, 10 * page / count)
        length = max(timedelta(hours=1), min(length * factor, timedelta(days=16 * step_days)))
        lower = upper
    windows.append((lower, datetime.max.replace(tzinfo=timezone.utc), sum(lower <= m for m in moments)))
    return windows


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
    app = emulator.apps["smsworks"]
    config = emulator.config("smsworks")
    streams = ["messages", "inbound_messages", "batches", "scheduled_messages", "credits", "account"]
    outbound = [app.created[m["messageid"]] for m in app.messages if m["status"] != "INCOMING"]
    incoming = [app.created[m["messageid"]] for m in app.messages if m["status"] == "INCOMING"]
    emulator.clear()

    result = source_sms(tmp_path, "read", config=config, catalog=catalog(*streams))

    assert result.returncode == 0, result.stderr[-2000:]
    calls = [r for r in emulator.requests if r["provider"] == "smsworks"]
    searches = [r for r in calls if r["path"] == "/messages"]
    inbound = [r for r in searches if '"INCOMING"' in r["body"]]
    # inbound_messages: one page a window (the 20 % incoming never fill one), its windows sized by
    # the incoming messages; messages: its windows sized by the outbound ones it keeps, one page per
    # 1,000 messages of both directions in each (the search is not filtered by status); batches: the
    # three pages of its single search; scheduled_messages, credits, account: one call each.
    inbound_windows = following_windows(config["start_date"], 30, incoming, SW_SEARCH_PAGE)
    assert len(inbound) == sum(n // SW_SEARCH_PAGE + 1 for _, _, n in inbound_windows)
    assert not [r for r in calls if r["path"].startswith("/batch/")]
    assert len(calls) - len(searches) == 3
    windows = following_windows(config["start_date"], 30, outbound, SW_SEARCH_PAGE)
    every = [app.created[m["messageid"]] for m in app.messages]
    pages = sum(sum(lo <= m < hi for m in every) // SW_SEARCH_PAGE + 1 for lo, hi, _ in windows)
    assert len(searches) - len(inbound) == pages + 3, (len(searches) - len(inbound), pages, windows)
    # Against the fewest (one 1,000-message search answers all three streams): the windows' cost.
    fewest = len(app.messages) // SW_SEARCH_PAGE + 1
    assert len(searches) <= fewest + len(windows) + len(inbound_windows) + 3


def test_messagemedia_messages_read_windows_that_follow_the_data(emulator, tmp_path):
    """Empty history costs a few growing windows, not one call per 7-day window since start_date
    (48 calls for 3 pages before; docs/performance.md "Calls per sync")."""
    app = emulator.apps["messagemedia"]
    config = emulator.config("messagemedia")
    moments = [datetime.fromisoformat(row["timestamp"]).replace(tzinfo=timezone.utc) for row in app.report]
    counts = [n for _, _, n in following_windows(config["start_date"], 7, moments, 100)]
    emulator.clear()

    result = source_sms(tmp_path, "read", config=config, catalog=catalog("messages"))

    assert result.returncode == 0, result.stderr[-2000:]
    assert len(result.records("messages")) == len(app.report)
    calls = [r for r in emulator.requests if r["provider"] == "messagemedia"]
    assert {r["path"] for r in calls} == {"/v2-preview/reporting/messages/detail"}
    assert len(calls) == sum(max(1, math.ceil(n / 100)) for n in counts), counts
    # The fewest: one report page per 100 messages. The windows add at most a call each.
    fewest = math.ceil(len(app.report) / 100)
    assert fewest <= len(calls) <= fewest + len(counts)
    assert len(counts) <= 5, counts
