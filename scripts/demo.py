"""The demo: start the provider emulator, run check/discover/read for every provider, load into DuckDB.

Run it with `make demo`. It uses PyAirbyte (the `airbyte` package) to read through the installed
`source-sms` command and write each provider's streams into one local DuckDB file, one schema per
provider, then prints row counts (next to what the emulator holds) and a few sample rows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# PyAirbyte must not look anything up online or send telemetry.
os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

import airbyte as ab  # noqa: E402
import pandas  # noqa: E402
import sqlalchemy  # noqa: E402
import requests  # noqa: E402
from airbyte.caches import DuckDBCache  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUTPUT = ROOT / "demo_output"
DB_PATH = OUTPUT / "sms.duckdb"


def start_emulator() -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen([str(BIN / "sms-emulator"), "--port", "0", "--seed", "42"], stdout=subprocess.PIPE, text=True)
    announcement = json.loads(process.stdout.readline())
    print(f"emulator listening on {announcement['url']} (seed 42)")
    return process, announcement


def protocol(command: str, config: dict) -> list[dict]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(config, handle)
    try:
        done = subprocess.run([str(BIN / "source-sms"), command, "--config", handle.name], capture_output=True, text=True, check=False)
    finally:
        os.unlink(handle.name)
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def main() -> int:
    emulator, announcement = start_emulator()
    OUTPUT.mkdir(exist_ok=True)
    for stale in (DB_PATH, DB_PATH.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    rows = []
    cache = None
    try:
        for provider, config in announcement["configs"].items():
            status = next(m for m in protocol("check", config) if m["type"] == "CONNECTION_STATUS")["connectionStatus"]
            catalog = next(m for m in protocol("discover", config) if m["type"] == "CATALOG")["catalog"]
            streams = [s["name"] for s in catalog["streams"]]
            print(f"\n== {provider}: check {status['status']}; discover: {', '.join(streams)}")
            if status["status"] != "SUCCEEDED":
                print(f"   {status.get('message')}")
                return 1
            source = ab.get_source("source-sms", config=config, local_executable=str(BIN / "source-sms"))
            source.select_all_streams()
            cache = DuckDBCache(db_path=DB_PATH, schema_name=provider)
            result = source.read(cache=cache, force_full_refresh=True)
            truth = requests.get(f"{announcement['url']}/_emulator/truth/{provider}", timeout=10).json()
            for stream in streams:
                rows.append((provider, stream, len(result[stream].to_pandas()) if stream in result.streams else 0, len(truth.get(stream, []))))
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)

    print(f"\nLoaded into {DB_PATH.relative_to(ROOT)} (one schema per provider)\n")
    print(f"{'provider':<14}{'stream':<24}{'rows':>8}{'emulator':>10}")
    for provider, stream, loaded, expected in rows:
        print(f"{provider:<14}{stream:<24}{loaded:>8}{expected:>10}{'' if loaded == expected else '  MISMATCH'}")

    # PyAirbyte keeps the DuckDB file open, so query through its engine rather than a second connection.
    with cache.get_sql_engine().connect() as connection:
        for provider, stream, loaded, _ in rows:
            if loaded and stream in ("messages", "contacts"):
                sample = pandas.read_sql(sqlalchemy.text(f'SELECT * FROM "{provider}"."{stream}" LIMIT 3'), connection)
                sample = sample[[c for c in sample.columns if not c.startswith("_airbyte")]]
                print(f"\nsample of {provider}.{stream}:")
                print(sample.iloc[:, :7].to_string(index=False, max_colwidth=28))
        # docs/data-model.md's example: one messages table across providers, because status and
        # created_at mean the same everywhere (source_sms/model.py).
        query = (ROOT / "docs" / "examples" / "delivered_vs_failed_per_day.sql").read_text()
        per_day = pandas.read_sql(sqlalchemy.text(query), connection)
        print("\ndelivered vs failed per provider per day (docs/examples/delivered_vs_failed_per_day.sql), last 8 days:")
        print(per_day.tail(8).to_string(index=False))
        print(per_day.groupby("provider")[["delivered", "failed"]].sum().to_string())
    return 0 if all(loaded == expected for _, _, loaded, expected in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
