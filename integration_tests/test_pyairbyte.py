"""PyAirbyte reads every stream of every provider into DuckDB; row counts equal the emulator's truth.

PyAirbyte pins its own large dependency set, so it lives in the demo virtualenv (`.[demo,test]`)
and `make test` runs this file a second time there; in the test virtualenv it is skipped.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")  # no registry look-ups
os.environ.setdefault("DO_NOT_TRACK", "1")  # no telemetry
ab = pytest.importorskip("airbyte", reason="PyAirbyte is installed in the demo virtualenv only (make test runs it there)")

from airbyte.caches import DuckDBCache  # noqa: E402

from source_sms.manifest import PROVIDERS  # noqa: E402
from sms_emulator.server import Emulator  # noqa: E402

COMMAND = str(Path(sys.executable).with_name("source-sms"))


@pytest.fixture(scope="module")
def emulator():
    server = Emulator(seed=42).start()
    yield server
    server.stop()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_pyairbyte_loads_every_stream_with_the_emulators_row_counts(emulator, provider, tmp_path):
    source = ab.get_source("source-sms", config=emulator.config(provider), local_executable=COMMAND)
    source.select_all_streams()
    cache = DuckDBCache(db_path=tmp_path / "sms.duckdb", schema_name=provider)
    result = source.read(cache=cache, force_full_refresh=True)
    truth = emulator.apps[provider].truth()
    streams = source.get_available_streams()
    assert set(streams) <= set(truth), "every stream has a ground truth"
    loaded = {stream: len(result[stream].to_pandas()) if stream in result.streams else 0 for stream in streams}
    assert loaded == {stream: len(truth[stream]) for stream in streams}


def test_the_readmes_example_sql_counts_delivered_and_failed_per_provider(emulator, tmp_path):
    """docs/examples/delivered_vs_failed_per_day.sql over the three providers with messages, in one
    DuckDB file, against the emulator's raw statuses mapped by the hand-written tables of test_model."""
    from unit_tests.test_model import EXPECTED_MESSAGE_STATUSES, MESSAGE_STREAMS

    db_path = tmp_path / "sms.duckdb"
    expected = {}
    for provider in ("tyntec", "messagemedia", "smsworks", "sinch", "twilio"):
        source = ab.get_source("source-sms", config=emulator.config(provider), local_executable=COMMAND)
        source.select_streams([MESSAGE_STREAMS[provider]])
        cache = DuckDBCache(db_path=db_path, schema_name=provider)
        source.read(cache=cache, force_full_refresh=True)
        table = {raw.lower(): status for raw, status in EXPECTED_MESSAGE_STATUSES[provider].items()}
        mapped = [(table[m["status"].lower()], m.get("direction", "outbound")) for m in emulator.apps[provider].truth()[MESSAGE_STREAMS[provider]]]
        # An inbound message is `received` unless the provider says it failed (README, one data model).
        statuses = [s if d.startswith("outbound") or s in ("failed", "expired", "cancelled") else "received" for s, d in mapped]
        expected[provider] = (statuses.count("delivered"), statuses.count("failed"))

    query = (Path(__file__).resolve().parent.parent / "docs" / "examples" / "delivered_vs_failed_per_day.sql").read_text()
    import sqlalchemy

    with cache.get_sql_engine().connect() as connection:
        rows = connection.execute(sqlalchemy.text(query)).fetchall()
    totals = {}
    for provider, _day, delivered, failed in rows:
        before = totals.get(provider, (0, 0))
        totals[provider] = (before[0] + delivered, before[1] + failed)
    assert totals == expected
    assert all(count for pair in expected.values() for count in pair), "the demo data has both outcomes"
