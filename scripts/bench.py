"""Benchmarks of source-sms against the provider emulator: prints figures, asserts nothing.

    python scripts/bench.py            # latency-bound and CPU-bound runs (10k and 100k records)
    python scripts/bench.py --full     # adds the 1M-record CPU-bound run

1. Latency-bound: tyntec with 2,000 message request ids (one status call each) plus 50,000 contacts
   and 50,000 phone numbers, the emulator adding 50 ms to every request. Wall time next to its lower
   bound, calls x delay / concurrency, and calls made next to the fewest possible.
2. CPU-bound: no delay, tyntec phone_numbers (the largest paged stream, 3,000 a page) at each size:
   records/s and peak RSS of the connector process, next to the raw limit: the same pages fetched
   with requests, parsed with orjson and written as Airbyte RECORD lines to /dev/null.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
import requests

from sms_emulator.server import Emulator

PAGE = 3000
# Runs the connector in a child process and reports that process's own peak RSS on stderr.
CHILD = (
    "import resource, sys\n"
    "from source_sms.run import run\n"
    "try:\n    run(sys.argv[1:])\n"
    "finally:\n    print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


def catalog(*streams: str) -> dict:
    return {"streams": [{"stream": {"name": s, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                         "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"} for s in streams]}


def read(config: dict, streams: tuple[str, ...]) -> tuple[int, float, float]:
    """(records, wall seconds, peak RSS MiB) of one `read` in a fresh process."""
    folder = Path(tempfile.mkdtemp())
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "catalog.json").write_text(json.dumps(catalog(*streams)))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, "read", "--config", str(folder / "config.json"),
                           "--catalog", str(folder / "catalog.json")], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    records = done.stdout.count('"type":"RECORD"')
    rss_kb = int(done.stderr.rsplit("MAXRSS_KB", 1)[1].split()[0])
    return records, wall, rss_kb / 1024


def raw_limit(base_url: str, api_key: str, total: int) -> float:
    """Records/s of the same pages with no framework: requests + orjson + one RECORD line each."""
    started = time.perf_counter()
    session = requests.Session()
    with open("/dev/null", "wb") as sink:
        for page in range(math.ceil(total / PAGE) + (1 if total % PAGE == 0 else 0)):
            body = session.get(f"{base_url}/byon/phonebook/v1/numbers", params={"page": page, "size": PAGE}, headers={"apikey": api_key}).content
            now = int(time.time() * 1000)
            for wrapper in orjson.loads(body):
                for item in wrapper["provisioningRequests"]:
                    item["provider"] = "tyntec"
                    sink.write(orjson.dumps({"type": "RECORD", "record": {"stream": "phone_numbers", "data": item, "emitted_at": now}}) + b"\n")
    return total / (time.perf_counter() - started)


def latency_bound(concurrency: int) -> None:
    delay = 0.05
    emulator = Emulator(seed=1, latency=delay, scale={"tyntec.messages": 2000, "tyntec.contacts": 50_000, "tyntec.phone_numbers": 50_000}).start()
    try:
        config = {**emulator.config("tyntec"), "concurrency": concurrency}
        config["provider"]["message_request_ids"] = config["provider"]["message_request_ids"][:2000]
        records, wall, rss = read(config, ("messages", "contacts", "phone_numbers", "phone_registrations"))
        calls = len(emulator.requests)
        fewest = 2000 + 1 + math.ceil(50_000 / PAGE) + 1
        bound = calls * delay / concurrency
        print(f"| latency-bound, concurrency {concurrency} | {records:,} | {calls:,} (fewest {fewest:,}) | {wall:.1f} s | {bound:.1f} s | {wall / bound:.1f}x | {rss:.0f} MiB |")
    finally:
        emulator.stop()


def cpu_bound(size: int) -> None:
    emulator = Emulator(seed=1, scale={"tyntec.phone_numbers": size, "tyntec.contacts": 0, "tyntec.registrations": 1}).start()
    try:
        config = emulator.config("tyntec")
        records, wall, rss = read(config, ("phone_numbers",))
        raw = raw_limit(emulator.base_url("tyntec"), config["provider"]["api_key"], size)
        print(f"| CPU-bound, {size:,} phone numbers | {records:,} | {records / wall:,.0f} rec/s (incl. ~2 s start-up) | {raw:,.0f} rec/s | {100 * records / wall / raw:.0f}% | {rss:.0f} MiB |")
    finally:
        emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="include the 1M-record CPU-bound run")
    args = parser.parse_args()
    print("| run | records | calls | wall | lower bound | ratio | peak RSS |")
    print("|---|---|---|---|---|---|---|")
    for concurrency in (4, 20):
        latency_bound(concurrency)
    print()
    print("| run | records | source-sms | raw limit | share of raw | peak RSS |")
    print("|---|---|---|---|---|---|")
    for size in (10_000, 100_000) + ((1_000_000,) if args.full else ()):
        cpu_bound(size)


if __name__ == "__main__":
    main()
