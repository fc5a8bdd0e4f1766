"""Paging under change: items that shift because new data arrived mid-read, and an empty page in the middle.

One case per paging style, each compared with the emulator's ground truth taken before the read:

- tyntec `phone_numbers`: page/size numbering (3,000 a page), no total, no next link, no documented sort.
- Sinch MessageMedia `contacts`: `nextPageToken` (1,000 a page). The emulator's token encodes an
  offset, the worst case for a token (a real one may be a keyset, which would not shift).
- Sinch MessageMedia `messages`: the detail report, numbered pages of 100 with `pagination.has_next`,
  inside 7-day windows.
- The SMS Works `messages`: POST searches paged by `skip`/`limit` 1,000 in the body, inside 30-day
  windows, no total.

`shift`: after the first page is served, N new items arrive at the head of the list (what an API that
lists newest first does). `empty`: page 2 comes back with the API's normal shape but no items.
docs/sync-modes.md, "Data that changes during a read", states the outcomes these tests pin down.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from integration_tests.conftest import FAST_BACKOFF, source_sms
from integration_tests.fault_table import add_paging_row
from sms_emulator.server import Emulator

NEW_ITEMS = 5


@dataclass
class Case:
    provider: str
    stream: str
    key: str
    path: str
    first_page: dict[str, str]  # Fault matchers that pick a first page
    second_page: dict[str, str]  # ... and a second page
    page_size: int
    scale: dict[str, int] = field(default_factory=dict)
    windowed: bool = False  # read in date windows that end when the sync starts


CASES = {
    "tyntec phone_numbers": Case("tyntec", "phone_numbers", "phoneNumber", r"^/byon/phonebook/v1/numbers$",
                                 dict(query=r"(^|&)page=0(&|$)"), dict(query=r"(^|&)page=1(&|$)"), 3000,
                                 {"tyntec.phone_numbers": 6500}),
    "messagemedia contacts": Case("messagemedia", "contacts", "id", r"^/api/v1/contacts/contacts$",
                                  dict(query=r"^(?!.*nextPageToken=)"), dict(query=r"nextPageToken=b2Zmc2V0IzEwMDA"), 1000,
                                  {"messagemedia.contacts": 2500}),
    "messagemedia messages": Case("messagemedia", "messages", "message_id", r"^/v2-preview/reporting/messages/detail$",
                                  dict(body=r'^(?!.*"page":)'), dict(body=r'"page": ?1\b'), 100,
                                  {"messagemedia.messages": 3000}, windowed=True),
    "smsworks messages": Case("smsworks", "messages", "messageid", r"^/messages$",
                              dict(method="POST", body=r'"skip": ?0\b'), dict(method="POST", body=r'"skip": ?1000\b'), 1000,
                              {"smsworks.messages": 7000}, windowed=True),
}


def catalog(stream: str) -> dict[str, Any]:
    return {"streams": [{"stream": {"name": stream, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                         "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}


def errors(result) -> list[str]:
    return [m["trace"]["error"]["message"] for m in result.of_type("TRACE") if m["trace"]["type"] == "ERROR"]


@pytest.fixture
def read_with(tmp_path):
    """Read a case's stream from a fresh emulator (a shift changes its data) with one fault injected."""
    def _read(case: Case, **fault: Any):
        emulator = Emulator(seed=11, scale=case.scale).start()
        try:
            truth = [item[case.key] for item in emulator.apps[case.provider].truth()[case.stream]]
            page = case.first_page if fault["kind"] == "shift" else case.second_page
            injected = emulator.add_fault(provider=case.provider, path=case.path, **page, **fault)
            # One request at a time: with date windows read in parallel, which window's page 2 meets the
            # fault first (and so how much of the list is missing) would be down to scheduling.
            config = {**emulator.config(case.provider), "max_retries": 1, "requests_per_minute": 100000, "concurrency": 1, **FAST_BACKOFF}
            result = source_sms(tmp_path, "read", config=config, catalog=catalog(case.stream))
            after = {item[case.key] for item in emulator.apps[case.provider].truth()[case.stream]}
            # The SMS Works' search pages by skip within each date window: how much an empty page 2 loses.
            beyond = items_beyond_first_page(emulator, case, page) if fault["kind"] == "empty" and case.provider == "smsworks" else None
        finally:
            emulator.stop()
        counts = Counter(record[case.key] for record in result.records(case.stream))
        return result, truth, after - set(truth), counts, injected, beyond
    return _read


def items_beyond_first_page(emulator: Emulator, case: Case, page: dict[str, str]) -> int:
    """How many items the faulted SMS Works window holds after its first page: the same search as the
    faulted request, asked again (the fault is spent) page by page from its second page on."""
    faulted = next(r for r in emulator.requests if r["method"] == page["method"] and re.search(case.path, r["path"])
                   and re.search(page["body"], r["body"]))
    query = json.loads(faulted["body"])
    headers = {"Authorization": emulator.config(case.provider)["provider"]["jwt_token"]}
    found, skip = 0, case.page_size
    while True:
        items = requests.post(f"{emulator.base_url(case.provider)}/messages", json={**query, "skip": skip},
                              headers=headers, timeout=10).json()
        # The messages stream keeps what the search returns except inbound ones (its record filter).
        found += sum(1 for item in items if item.get("status") != "INCOMING")
        if len(items) < case.page_size:
            return found
        skip += case.page_size


def case_total(case: Case) -> int:
    return case.scale[f"{case.provider}.{case.stream}"]


def tally(truth: list[str], new: set[str], counts: Counter) -> dict[str, int]:
    return {"expected": len(truth), "delivered": sum(counts.values()),
            "duplicates": sum(n - 1 for n in counts.values() if n > 1),
            "missing": len(set(truth) - set(counts)), "new delivered": len(new & set(counts))}


@pytest.mark.parametrize("name", CASES)
def test_new_items_arriving_mid_read_lose_nothing_that_existed_at_the_start(read_with, name):
    case = CASES[name]
    result, truth, new, counts, injected, _ = read_with(case, kind="shift", count=NEW_ITEMS, times=1)
    numbers = tally(truth, new, counts)
    add_paging_row(f"{NEW_ITEMS} new items after page 1", name, numbers)
    assert injected.hits == 1 and len(new) == NEW_ITEMS, "the items arrived during the read"
    assert not errors(result), errors(result)
    assert numbers["missing"] == 0, "every item that existed when the read started arrives"
    if case.windowed:
        # The last window ends when the sync starts: items created later are left to the next sync
        # (or, stamped in the very second the sync started, read in the last window), and nothing
        # moves inside a window that is already closed.
        assert numbers["duplicates"] == 0
    else:
        # An offset or page number moves by the new items: the end of page 1 is served again on
        # page 2. Each stream declares a primary key, so a deduplicating destination mode removes them.
        assert numbers["duplicates"] == NEW_ITEMS
        assert max(counts.values()) == 2


@pytest.mark.parametrize("name", CASES)
def test_an_empty_page_in_the_middle(read_with, name):
    case = CASES[name]
    result, truth, new, counts, injected, beyond = read_with(case, kind="empty", times=1)
    numbers = tally(truth, new, counts)
    add_paging_row("page 2 empty", name, numbers)
    assert injected.hits == 1
    assert not errors(result), errors(result)
    assert numbers["duplicates"] == 0
    if case.provider == "messagemedia":
        # Paging follows the API's own "more" signal (nextPageToken, pagination.has_next), so an empty
        # page does not end the read: only the items the API left out of that page are missing.
        assert numbers["missing"] == case.page_size
    else:
        # tyntec and The SMS Works send no total, next link or has-more flag: a short page is the only
        # end-of-list signal, so an empty page 2 ends the list (or window) there. Documented limit.
        # Exactly what follows page 1 is lost: the rest of the list, or of that one date window.
        assert numbers["missing"] == (beyond if beyond is not None else case_total(case) - case.page_size)
        assert numbers["missing"] > 0
