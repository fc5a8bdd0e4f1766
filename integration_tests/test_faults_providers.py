"""Faults on one paged stream of every other provider (tyntec's phone_numbers: test_faults.py).

- Sinch MessageMedia `contacts`: 1,500 contacts, pages of 1,000 (nextPageToken): the fault hits page 2.
- The SMS Works `messages`: 3,500 messages in 30-day windows of POST searches paged by `skip`/`limit`
  1,000 in the JSON body: the fault hits the first search with `skip: 1000` (a second page).
- Power Textor `contacts`: the API has no paging (one GET), so the fault hits that one request.
- Twilio `phone_numbers`: 1,500 numbers, pages of 1,000 (next_page_uri with a PageToken): the fault hits page 2.

A representative subset of faults per provider (429 with Retry-After, 503, connection reset, a 200
with an HTML body, and a permanent 401), with `max_retries: 2`. Transient faults: every record of
the emulator's ground truth arrives exactly once, with one extra request per injected fault.
Permanent 401: the read ends with an error naming the provider, the HTTP status and the setting to
fix, and what was read before is still emitted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

from integration_tests.conftest import FAST_BACKOFF, source_sms
from integration_tests.fault_table import add_row
from sms_emulator.providers.sinch import SERVICE_PLAN_ID as SINCH_PLAN
from sms_emulator.providers.twilio import ACCOUNT_SID as TWILIO_ACCOUNT
from sms_emulator.server import Emulator


@dataclass
class Case:
    provider: str
    stream: str
    key: str
    path: str
    fault_at: dict[str, str]  # extra Fault matchers (query / body / method) that pick the faulted request
    label: str
    fix: str  # the config field the 401 message must name
    page_size: int = 0  # records emitted before a fault on the second page (0: no paging)
    scale: dict[str, int] = field(default_factory=dict)


CASES = {
    "messagemedia": Case("messagemedia", "contacts", "id", r"^/api/v1/contacts/contacts$",
                         dict(query=r"(^|&)nextPageToken="), "Sinch MessageMedia", "provider.api_key",
                         page_size=1000, scale={"messagemedia.contacts": 1500}),
    "smsworks": Case("smsworks", "messages", "messageid", r"^/messages$",
                     dict(method="POST", body=r'"skip": ?1000\b'), "The SMS Works", "provider.jwt_token",
                     page_size=1000, scale={"smsworks.messages": 3500}),
    "powertextor": Case("powertextor", "contacts", "ContactId", r"^/api/contacts$", {}, "Power Textor", "provider.api_key"),
    "sinch": Case("sinch", "messages", "id", rf"^/xms/v1/{SINCH_PLAN}/batches$", dict(query=r"(^|&)page=1(&|$)"), "Sinch SMS",
                  "provider.api_token", page_size=100, scale={"sinch.messages": 1500}),
    "twilio": Case("twilio", "phone_numbers", "sid", rf"^/2010-04-01/Accounts/{TWILIO_ACCOUNT}/IncomingPhoneNumbers.json$",
                   dict(query=r"(^|&)PageToken="), "Twilio", "provider.authentication",
                   page_size=1000, scale={"twilio.phone_numbers": 1500}),
}

TRANSIENT = {
    "429 with Retry-After": dict(kind="status", status=429, retry_after="1", times=1),
    "503": dict(kind="status", status=503, times=1),
    "connection reset": dict(kind="reset", times=1),
    "200 with an HTML body": dict(kind="garbage", times=1),
}


@pytest.fixture(scope="module")
def big_emulator():
    scale: dict[str, int] = {}
    for case in CASES.values():
        scale.update(case.scale)
    server = Emulator(seed=5, scale=scale).start()
    yield server
    server.stop()


def catalog(*streams: str) -> dict[str, Any]:
    return {"streams": [{"stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                         "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"} for name in streams]}


@pytest.fixture
def read_stream(big_emulator, tmp_path):
    def _read(case: Case, *extra_streams: str, **fault: Any):
        big_emulator.clear()
        injected = big_emulator.add_fault(provider=case.provider, path=case.path, **case.fault_at, **fault) if fault else None
        config = {**big_emulator.config(case.provider), "max_retries": 2, "requests_per_minute": 100000, **FAST_BACKOFF}
        result = source_sms(tmp_path, "read", config=config, catalog=catalog(case.stream, *extra_streams))
        requests = [r for r in big_emulator.requests if r["provider"] == case.provider and r["path"] == case.path.strip("^$")]
        return result, requests, injected
    return _read


@pytest.fixture(scope="module")
def baseline(big_emulator, tmp_path_factory):
    """Requests a fault-free read of each case's stream makes (pages x windows)."""
    counts = {}
    for name, case in CASES.items():
        big_emulator.clear()
        config = {**big_emulator.config(case.provider), "max_retries": 2, "requests_per_minute": 100000, **FAST_BACKOFF}
        result = source_sms(tmp_path_factory.mktemp(name), "read", config=config, catalog=catalog(case.stream))
        assert not errors(result), errors(result)
        counts[name] = len([r for r in big_emulator.requests if r["path"] == case.path.strip("^$")])
    return counts


def delivered(result, case: Case) -> Counter:
    return Counter(record[case.key] for record in result.records(case.stream))


def expected(emulator: Emulator, case: Case) -> set[str]:
    return {item[case.key] for item in emulator.apps[case.provider].truth()[case.stream]}


def first_page(emulator: Emulator, case: Case) -> int:
    """The stream's records on the first page of the window the fault hits. An SMS Works search page
    holds both directions and `messages` keeps the outbound ones; its windows follow the data
    (source_sms/windows.py), and here the first window is empty and the second holds every message,
    in the emulator's order (oldest first)."""
    if case.provider != "smsworks":
        return case.page_size
    return sum(m["status"] != "INCOMING" for m in emulator.apps["smsworks"].messages[:case.page_size])


def errors(result) -> list[str]:
    return [m["trace"]["error"]["message"] for m in result.of_type("TRACE") if m["trace"]["type"] == "ERROR"]


def test_the_scaled_streams_really_page(big_emulator, baseline):
    assert len(expected(big_emulator, CASES["messagemedia"])) == 1500 and baseline["messagemedia"] == 2
    assert baseline["smsworks"] > 3, "several windows, at least one of two pages"
    assert baseline["powertextor"] == 1
    assert len(expected(big_emulator, CASES["twilio"])) == 1500 and baseline["twilio"] == 2


@pytest.mark.parametrize("fault", TRANSIENT.values(), ids=TRANSIENT.keys())
@pytest.mark.parametrize("name", CASES)
def test_a_transient_fault_is_retried_and_every_record_arrives_exactly_once(read_stream, big_emulator, baseline, name, fault):
    case = CASES[name]
    result, requests, injected = read_stream(case, **fault)
    counts, truth = delivered(result, case), expected(big_emulator, case)
    fault_name = next(k for k, v in TRANSIENT.items() if v is fault)
    add_row(fault_name, name, case.stream, injected.hits, len(truth), counts, "ok" if not errors(result) else "FAILED")
    assert not errors(result), errors(result)
    assert injected.hits == fault["times"], "the fault was injected"
    assert set(counts) == truth
    assert max(counts.values()) == 1, "no duplicates"
    assert len(requests) == baseline[name] + fault["times"], "the fault-free requests plus one retry per injected fault"


@pytest.mark.parametrize("name", CASES)
def test_a_permanent_401_mid_read_stops_with_a_message_naming_provider_status_and_fix(read_stream, big_emulator, baseline, name):
    case = CASES[name]
    # Power Textor has one request per stream: a second stream shows what was read is still emitted.
    extra = ("places",) if name == "powertextor" else ()
    result, requests, injected = read_stream(case, *extra, kind="status", status=401, times=-1)
    counts = delivered(result, case)
    messages = errors(result)
    add_row("401 (permanent)", name, case.stream, 0, len(expected(big_emulator, case)), counts, "read failed with a config error")
    assert any(f"{case.label} rejected the credentials (HTTP 401)" in m and case.fix in m for m in messages), messages
    # Not retried: never more requests than a fault-free read.
    assert injected.hits >= 1 and len(requests) <= baseline[name], "a 401 is not retried"
    assert result.returncode != 0 or messages
    assert not counts or max(counts.values()) == 1
    if case.page_size:
        assert sum(counts.values()) >= first_page(big_emulator, case), "the first page was emitted before the failure"
    else:
        assert len(result.records("places")) == len(big_emulator.apps[name].truth()["places"]), "the other stream was still read"
