"""Incremental sync at its boundaries, through the real `source-sms` command against the emulator.

For every incremental stream (MessageMedia `messages`; SMS Works `messages` and `inbound_messages`;
Twilio `messages`):
state round-trips; a message that arrives between two reads is read by the second and nothing already
read is lost; where a page boundary meets a window edge and the saved cursor, no record is lost and the
only duplicates are those the documented lookback (inclusive boundary) re-reads, at most twice per
primary key; legacy and empty states are accepted; a long read checkpoints after its windows.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Optional

import pytest

from integration_tests.conftest import Run
from sms_emulator.data import ACCOUNT_TODAY, EMULATOR_START_DATE
from sms_emulator.providers.smsworks import parse_date
from sms_emulator.server import Emulator


@dataclass(frozen=True)
class Incremental:
    provider: str
    stream: str
    cursor: str
    pk: str
    inbound: bool  # which kind of message the stream holds (add_message(inbound=...))
    window: timedelta  # the manifest's step
    page: int  # the API's largest page, which the connector asks for
    lookback: timedelta  # the default lookback_days
    state_format: str  # how the cursor is written in STATE

    def moment(self, record: dict[str, Any]) -> datetime:
        """The cursor of a connector record or of an emulator truth row, as an aware UTC datetime."""
        if self.provider == "messagemedia":  # report timestamps are UTC (requested), without an offset
            return datetime.fromisoformat(record["timestamp"].replace("Z", "")).replace(tzinfo=timezone.utc)
        if self.provider == "sinch":  # milliseconds in the emulator's rows, whole seconds in the records' created_at
            return datetime.fromisoformat(record[self.cursor].replace("Z", "+00:00")).replace(microsecond=0)
        if self.provider == "twilio":  # records carry RFC 2822, states ISO 8601
            value = record[self.cursor]
            return parsedate_to_datetime(value) if "," in value else datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        if "created_at" in record:
            return datetime.strptime(record["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        return parse_date(record["created"])

    def in_state(self, moment: datetime) -> str:
        if self.state_format == "millis":  # MessageMedia's "%Y-%m-%dT%H:%M:%S.%_msZ"
            return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
        return moment.strftime(self.state_format)

    def truth(self, emulator: Emulator) -> list[dict[str, Any]]:
        return emulator.apps[self.provider].truth()[self.stream]

    def first_edge_after_history(self) -> datetime:
        """A window edge of the first read (start_date + k x step) later than every seeded message."""
        start = datetime.fromisoformat(EMULATOR_START_DATE.replace("Z", "+00:00"))
        return start + self.window * math.ceil((ACCOUNT_TODAY - start) / self.window)


MM_MESSAGES = Incremental("messagemedia", "messages", "timestamp", "message_id", False, timedelta(days=7), 100,
                          timedelta(days=1), "millis")
SW_MESSAGES = Incremental("smsworks", "messages", "created_at", "messageid", False, timedelta(days=30), 1000,
                          timedelta(days=3), "%Y-%m-%dT%H:%M:%SZ")
SW_INBOUND = Incremental("smsworks", "inbound_messages", "created_at", "messageid", True, timedelta(days=30), 1000,
                         timedelta(days=3), "%Y-%m-%dT%H:%M:%SZ")
SN_MESSAGES = Incremental("sinch", "messages", "created_at", "id", False, timedelta(days=7), 100, timedelta(days=1), "%Y-%m-%dT%H:%M:%SZ")
SN_INBOUND = Incremental("sinch", "inbound_messages", "received_at", "id", True, timedelta(days=7), 100, timedelta(days=1), "%Y-%m-%dT%H:%M:%SZ")
TW_MESSAGES = Incremental("twilio", "messages", "date_sent", "sid", False, timedelta(days=7), 1000,
                          timedelta(days=3), "%Y-%m-%dT%H:%M:%SZ")
# One read per provider covers all its incremental streams.
PROVIDERS = {"messagemedia": (MM_MESSAGES,), "smsworks": (SW_MESSAGES, SW_INBOUND), "sinch": (SN_MESSAGES, SN_INBOUND),
             "twilio": (TW_MESSAGES,)}


@pytest.fixture
def fresh_emulator():
    """Its own emulator: these tests add messages, which the shared one must not see."""
    server = Emulator(seed=11).start()
    yield server
    server.stop()


_DISCOVERED: dict[str, dict[str, Any]] = {}


def incremental_catalog(run, config: dict, streams: tuple[Incremental, ...]) -> dict:
    provider = config["provider"]["name"]
    if provider not in _DISCOVERED:  # discover once per provider: each run of the command costs ~2 s
        _DISCOVERED[provider] = {s["name"]: s for s in run("discover", config=config).catalog["streams"]}
    discovered = _DISCOVERED[provider]
    return {"streams": [{"stream": discovered[s.stream], "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                         "cursor_field": [s.cursor], "primary_key": [["provider"], [s.pk]]} for s in streams]}


def read(run, emulator: Emulator, provider: str, state: Optional[Any] = None, concurrency: Optional[int] = None,
         **provider_settings: Any) -> Run:
    config = emulator.config(provider)
    config["provider"].update(provider_settings)
    if concurrency:
        config["concurrency"] = concurrency
    result = run("read", config=config, catalog=incremental_catalog(run, config, PROVIDERS[provider]), state=state)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def final_state(result: Run) -> list[dict[str, Any]]:
    """The last STATE message of each stream: what a platform stores and passes to the next read."""
    latest = {m["state"]["stream"]["stream_descriptor"]["name"]: m["state"] for m in result.of_type("STATE")}
    return list(latest.values())


def cursor_in(state: list[dict[str, Any]], spec: Incremental) -> str:
    return next(s["stream"]["stream_state"][spec.cursor] for s in state if s["stream"]["stream_descriptor"]["name"] == spec.stream)


def ids(records: list[dict[str, Any]], spec: Incremental) -> Counter:
    return Counter(r[spec.pk] for r in records)


def newest(spec: Incremental, rows: list[dict[str, Any]]) -> datetime:
    return max(spec.moment(r) for r in rows)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_state_round_trips_and_the_second_read_returns_only_the_lookback(provider, fresh_emulator, run):
    first = read(run, fresh_emulator, provider)
    state = final_state(first)

    second = read(run, fresh_emulator, provider, state=state)

    for spec in PROVIDERS[provider]:
        truth = spec.truth(fresh_emulator)
        assert ids(first.records(spec.stream), spec) == ids(truth, spec)  # every message once
        assert cursor_in(state, spec) == spec.in_state(newest(spec, truth))
        floor = newest(spec, truth) - spec.lookback
        assert ids(second.records(spec.stream), spec) == ids([r for r in truth if spec.moment(r) >= floor], spec)
        # Nothing new: the second read hands back the same cursor, in the same format.
        assert cursor_in(final_state(second), spec) == cursor_in(state, spec)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_a_message_arriving_between_two_reads_is_read_by_the_second_and_none_is_lost(provider, fresh_emulator, run):
    first = read(run, fresh_emulator, provider)
    state = final_state(first)
    arrived = {}
    for spec in PROVIDERS[provider]:
        saved = newest(spec, spec.truth(fresh_emulator))  # the saved cursor (Twilio's list is newest first)
        arrived[spec.stream] = [
            fresh_emulator.add_message(provider, inbound=spec.inbound),  # now
            # Recorded late by the provider: dated an hour before the saved cursor. Only the lookback finds it.
            fresh_emulator.add_message(provider, at=saved - timedelta(hours=1), inbound=spec.inbound),
        ]

    second = read(run, fresh_emulator, provider, state=state)

    for spec in PROVIDERS[provider]:
        got = ids(second.records(spec.stream), spec)
        assert all(got[m[spec.pk]] == 1 for m in arrived[spec.stream])
        both = ids(first.records(spec.stream), spec) + got
        assert set(both) == set(ids(spec.truth(fresh_emulator), spec)), "a message was lost between the reads"
        now_message = spec.moment(arrived[spec.stream][0])
        assert cursor_in(final_state(second), spec) == spec.in_state(now_message)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_equal_cursors_across_a_page_and_a_window_edge_are_neither_lost_nor_duplicated_beyond_the_lookback(
        provider, fresh_emulator, run):
    specs = PROVIDERS[provider]
    edge = specs[0].first_edge_after_history()
    assert edge < datetime.now(timezone.utc) - timedelta(days=1), "the edge must lie inside the first read"
    # More than a page of messages in the last second of one window and as many in the first second of
    # the next: each group straddles a page boundary, and the newest cursor falls on the edge.
    crowd = specs[0].page + specs[0].page // 2
    for spec in specs:
        for at in (edge - timedelta(seconds=1), edge):
            for _ in range(crowd):
                fresh_emulator.add_message(provider, at=at, inbound=spec.inbound)

    fresh_emulator.requests.clear()
    # Fixed windows (one worker keeps the manifest's step, as the Connector Builder and
    # source-declarative-manifest run it), so the edge is start_date + k x step. Windows that follow
    # the data (windows.py) meet the same way: unit_tests/mock_server pins their exact bounds.
    first = read(run, fresh_emulator, provider, concurrency=1)
    # The crowds really were paged: a second page was asked for in the window that ends at the edge
    # and in the one that starts there.
    later_pages = [r["body"] for r in fresh_emulator.requests if '"page": 1' in r["body"] or f'"skip": {specs[0].page}' in r["body"]
                   or re.search(r"(^|&)page=1(&|$)", r["query"])  # page in the query: Sinch's GET lists
                   or "PageToken=" in r["query"]]  # Twilio's next-page links
    assert len(later_pages) >= 2 * len(specs)

    for spec in specs:
        got = ids(first.records(spec.stream), spec)
        assert got == ids(spec.truth(fresh_emulator), spec), "each message exactly once"
        assert cursor_in(final_state(first), spec) == spec.in_state(edge)

    # Between the reads, more messages are recorded in that same second.
    late = {spec.stream: [fresh_emulator.add_message(provider, at=edge, inbound=spec.inbound) for _ in range(20)] for spec in specs}

    # Lookback 0 leaves only the boundary itself: it is inclusive, so the second read starts at the
    # saved cursor and re-reads that second; those duplicates share a primary key with the first read.
    second = read(run, fresh_emulator, provider, state=final_state(first), concurrency=1, lookback_days=0)

    for spec in specs:
        truth = spec.truth(fresh_emulator)
        again = ids(second.records(spec.stream), spec)
        assert again == ids([r for r in truth if spec.moment(r) >= edge], spec)
        assert all(again[m[spec.pk]] == 1 for m in late[spec.stream])
        both = ids(first.records(spec.stream), spec) + again
        assert set(both) == set(ids(truth, spec))
        duplicated = {pk for pk, n in both.items() if n > 1}
        assert max(both.values()) == 2
        assert len(duplicated) == crowd  # exactly the messages of the boundary second read the first time
        assert all(spec.moment(r) == edge for r in truth if r[spec.pk] in duplicated)

    # The default lookback re-reads more (everything since the cursor minus lookback_days), still at
    # most twice per key and never anything older.
    third = read(run, fresh_emulator, provider, state=final_state(first), concurrency=1)
    for spec in specs:
        truth = spec.truth(fresh_emulator)
        floor = edge - spec.lookback
        assert ids(third.records(spec.stream), spec) == ids([r for r in truth if spec.moment(r) >= floor], spec)


def since_lookback(spec: Incremental, emulator: Emulator, cursor: datetime) -> Counter:
    """What a read with this saved cursor must return: everything from cursor - lookback on."""
    return ids([r for r in spec.truth(emulator) if spec.moment(r) >= cursor - spec.lookback], spec)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_empty_and_legacy_states_are_accepted(provider, fresh_emulator, run):
    """Every shape is converted in source_sms/state.py (unit_tests/test_state.py); here, through the command."""
    specs = PROVIDERS[provider]
    cursors = {spec.stream: {spec.cursor: spec.in_state(newest(spec, spec.truth(fresh_emulator)))} for spec in specs}

    empty = read(run, fresh_emulator, provider, state={})
    # The legacy state object: one key per stream. airbyte-cdk 7.39 alone rejects it.
    legacy = read(run, fresh_emulator, provider, state=cursors)

    for spec in specs:
        assert ids(empty.records(spec.stream), spec) == ids(spec.truth(fresh_emulator), spec), "{}: a first sync"
        assert ids(legacy.records(spec.stream), spec) == since_lookback(spec, fresh_emulator, newest(spec, spec.truth(fresh_emulator)))
        assert cursor_in(final_state(legacy), spec) == cursors[spec.stream][spec.cursor]


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_a_cursor_saved_in_another_iso_form_or_by_day_is_accepted(provider, fresh_emulator, run):
    specs = PROVIDERS[provider]
    for written in ("{:%Y-%m-%dT%H:%M:%S.000000+00:00}", "{:%Y-%m-%d}"):
        saved = {spec.stream: newest(spec, spec.truth(fresh_emulator)) for spec in specs}
        other = [{"type": "STREAM", "stream": {"stream_descriptor": {"name": spec.stream},
                                               "stream_state": {spec.cursor: written.format(saved[spec.stream])}}}
                 for spec in specs]

        result = read(run, fresh_emulator, provider, state=other)

        for spec in specs:
            # A day is read as its midnight.
            cursor = saved[spec.stream] if "T" in written else saved[spec.stream].replace(hour=0, minute=0, second=0)
            assert ids(result.records(spec.stream), spec) == since_lookback(spec, fresh_emulator, cursor), f"state {other!r}"
            assert cursor_in(final_state(result), spec) == spec.in_state(saved[spec.stream]), "written back in the stream's own format"


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_a_long_read_checkpoints_after_windows_and_every_checkpoint_is_safe_to_resume_from(provider, fresh_emulator, run):
    # One window at a time: with several in flight, whether the state can advance before the end
    # depends on which window the scheduler finishes first (a checkpoint needs every earlier window
    # closed), and the count of intermediate checkpoints would be down to timing.
    result = read(run, fresh_emulator, provider, concurrency=1)

    for spec in PROVIDERS[provider]:
        truth = spec.truth(fresh_emulator)
        seen: set[str] = set()
        checkpoints = []
        for message in result.messages:
            if message["type"] == "RECORD" and message["record"]["stream"] == spec.stream:
                seen.add(message["record"]["data"][spec.pk])
            elif message["type"] == "STATE" and message["state"]["stream"]["stream_descriptor"]["name"] == spec.stream:
                value = message["state"]["stream"]["stream_state"][spec.cursor]
                checkpoints.append((value, len(seen)))
                # Resuming from this checkpoint (minus nothing) would lose no message: every message up to
                # the cursor it saves was emitted before it.
                saved = spec.moment({spec.cursor: value})
                assert {r[spec.pk] for r in truth if spec.moment(r) <= saved} <= seen
        advancing = [c for c in checkpoints if 0 < c[1] < len(truth)]
        assert len({value for value, _ in advancing}) >= 2, f"{spec.stream}: no checkpoint between windows: {checkpoints[:5]}..."
        assert [value for value, _ in checkpoints] == sorted(value for value, _ in checkpoints), "checkpoints never go back"
