"""Faults injected in the emulator: transient ones are retried and every record arrives exactly once;
permanent ones end the read with a message naming the provider, the URL, the status and the fix.

tyntec's phone_numbers (pages of 3000) is the paged stream under test: 6,500 numbers = 3 pages.
"""

from __future__ import annotations

from collections import Counter

import pytest

from integration_tests.conftest import FAST_BACKOFF, NUMBERS, SECOND_PAGE, source_sms
from integration_tests.fault_table import add_row



@pytest.fixture
def read_numbers(numbers_emulator, tmp_path):
    def _read(**fault):
        numbers_emulator.clear()
        if fault:
            numbers_emulator.add_fault(provider="tyntec", path="numbers", query=SECOND_PAGE, **fault)
        config = {**numbers_emulator.config("tyntec"), "max_retries": 2, **FAST_BACKOFF}
        catalog = {"streams": [{"stream": {"name": "phone_numbers", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                                "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}
        result = source_sms(tmp_path, "read", config=config, catalog=catalog)
        requests = [r for r in numbers_emulator.requests if r["path"].endswith("numbers")]
        return result, requests
    return _read


def delivered(result) -> Counter:
    return Counter(record["phoneNumber"] for record in result.records("phone_numbers"))


def errors(result) -> list[str]:
    return [m["trace"]["error"]["message"] for m in result.of_type("TRACE") if m["trace"]["type"] == "ERROR"]


TRANSIENT = {
    "429 with Retry-After": dict(kind="status", status=429, retry_after="1", times=2),
    "429 without Retry-After": dict(kind="status", status=429, times=1),
    "500": dict(kind="status", status=500, times=1),
    "502": dict(kind="status", status=502, times=1),
    "503": dict(kind="status", status=503, times=1),
    "504": dict(kind="status", status=504, times=1),
    "connection reset": dict(kind="reset", times=1),
    "200 with an HTML body": dict(kind="garbage", times=1),
}


@pytest.mark.parametrize("fault", TRANSIENT.values(), ids=TRANSIENT.keys())
def test_a_transient_fault_is_retried_and_every_record_arrives_exactly_once(read_numbers, numbers_emulator, fault):
    result, requests = read_numbers(**fault)
    counts = delivered(result)
    expected = {n["phoneNumber"] for n in numbers_emulator.apps["tyntec"].phone_numbers}
    name = next(k for k, v in TRANSIENT.items() if v is fault)
    add_row(name, "tyntec", "phone_numbers", len(requests) - 3, len(expected), counts, "FAILED" if errors(result) else "ok")
    assert not errors(result)
    assert set(counts) == expected
    assert max(counts.values()) == 1, "no duplicates"
    assert len(requests) == 3 + fault["times"], "three pages plus one retry per injected fault"


def test_retry_after_is_honoured(read_numbers):
    result, requests = read_numbers(kind="status", status=429, retry_after="2", times=1)
    second_page = [r["time"] for r in requests if "page=1" in r["query"]]
    assert second_page[1] - second_page[0] >= 2.0
    assert not errors(result)


def test_a_permanent_403_mid_read_skips_the_rest_of_the_stream_with_a_warning_and_keeps_what_was_read(read_numbers):
    # A product the key lacks (docs/products.md): not retried, not fatal, named in one warning.
    result, requests = read_numbers(kind="status", status=403, times=-1)
    add_row("403 (permanent)", "tyntec", "phone_numbers", len(requests) - 2, NUMBERS, delivered(result), "stream ended with a warning")
    assert not errors(result)
    warnings = [m["log"]["message"] for m in result.of_type("LOG") if m["log"]["level"] == "WARN"]
    assert any(w.startswith("Stream phone_numbers: tyntec refused access (HTTP 403)") and "BYON" in w for w in warnings), warnings
    assert len(requests) == 2, "a permanent fault is not retried"
    assert len(delivered(result)) == 3000, "the first page was emitted"


@pytest.mark.parametrize("status, words", [(401, "rejected the credentials (HTTP 401)")])
def test_a_permanent_auth_fault_mid_read_stops_with_a_clear_message_and_keeps_what_was_read(read_numbers, status, words):
    result, requests = read_numbers(kind="status", status=status, times=-1)
    messages = errors(result)
    add_row(f"{status} (permanent)", "tyntec", "phone_numbers", len(requests) - 2, NUMBERS, delivered(result), "read failed with a config error")
    assert any(f"tyntec {words}" in m and "phonebook/v1/numbers" in m and "provider.api_key" in m for m in messages), messages
    assert len(requests) == 2, "a permanent fault is not retried"
    assert len(delivered(result)) == 3000, "the first page was emitted before the failure"


def test_a_body_that_stays_invalid_fails_the_read_after_the_retries(read_numbers):
    result, requests = read_numbers(kind="garbage", times=-1)
    messages = errors(result)
    add_row("HTML body, persistent", "tyntec", "phone_numbers", len(requests) - 2, NUMBERS, delivered(result), "read failed after retries")
    assert any("tyntec answered" in m and "not JSON" in m for m in messages), messages
    assert len(requests) == 1 + 1 + 2, "first page, then the second page tried 1 + max_retries times"
    assert len(delivered(result)) == 3000


def test_a_slow_response_still_arrives(read_numbers):
    result, _ = read_numbers(kind="delay", seconds=1.5, times=1)
    assert sum(delivered(result).values()) == NUMBERS
