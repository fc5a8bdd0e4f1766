"""request_timeout_seconds: a response slower than the client's read timeout is retried; one that is
always slower ends the read with a message naming the provider, the endpoint and the setting.

tyntec's phone_numbers, 6,500 numbers in 3 pages; page 2 is delayed 3 s against a 1 s timeout.
"""

from __future__ import annotations

from collections import Counter

import pytest

from integration_tests.conftest import FAST_BACKOFF, NUMBERS, SECOND_PAGE, source_sms
from integration_tests.fault_table import add_row

CATALOG = {"streams": [{"stream": {"name": "phone_numbers", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                        "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}


@pytest.fixture
def read_slow(numbers_emulator, tmp_path):
    def _read(times: int):
        numbers_emulator.clear()
        numbers_emulator.add_fault(provider="tyntec", path="numbers", query=SECOND_PAGE, kind="delay", seconds=3, times=times)
        config = {**numbers_emulator.config("tyntec"), "max_retries": 2, "request_timeout_seconds": 1, **FAST_BACKOFF}
        result = source_sms(tmp_path, "read", config=config, catalog=CATALOG)
        return result, [r for r in numbers_emulator.requests if r["path"].endswith("numbers")]
    return _read


def errors(result) -> list[str]:
    return [m["trace"]["error"]["message"] for m in result.of_type("TRACE") if m["trace"]["type"] == "ERROR"]


def test_a_response_slower_than_the_timeout_is_retried_and_every_record_arrives_once(read_slow, numbers_emulator):
    result, requests = read_slow(times=1)
    counts = Counter(r["phoneNumber"] for r in result.records("phone_numbers"))
    add_row("3 s delay, 1 s timeout, once", "tyntec", "phone_numbers", len(requests) - 3, NUMBERS, counts, "ok" if not errors(result) else "FAILED")
    assert not errors(result), errors(result)
    assert set(counts) == {n["phoneNumber"] for n in numbers_emulator.apps["tyntec"].phone_numbers}
    assert max(counts.values()) == 1
    assert len(requests) == 4, "three pages plus one retry of the timed-out one"


def test_an_endpoint_always_slower_than_the_timeout_fails_naming_provider_url_and_setting(read_slow, numbers_emulator):
    result, requests = read_slow(times=-1)
    counts = Counter(r["phoneNumber"] for r in result.records("phone_numbers"))
    add_row("3 s delay, 1 s timeout, always", "tyntec", "phone_numbers", len(requests) - 2, NUMBERS, counts, "read failed after retries")
    messages = errors(result)
    assert any("tyntec did not answer the phone_numbers request" in m and f"{numbers_emulator.base_url('tyntec')}/byon/phonebook/v1/numbers" in m
               and "request_timeout_seconds = 1 s" in m for m in messages), messages
    assert len(requests) == 1 + 3, "the first page, then the second tried 1 + max_retries times"
    assert sum(counts.values()) == 3000, "the first page was emitted before the failure"
    assert result.returncode != 0
