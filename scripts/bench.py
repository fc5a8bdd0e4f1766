"""Benchmarks of source-sms against the provider emulator: prints figures, asserts nothing.

    python scripts/bench.py            # latency-bound and CPU-bound runs (10k and 100k records)
    python scripts/bench.py --full     # adds the 1M-record CPU-bound run
    python scripts/bench.py --rate     # adds the rate-bound run, which takes about 3 minutes
    python scripts/bench.py --rate-only

1. Latency-bound: tyntec with 2,000 message request ids (one status call each) plus 50,000 contacts
   and 50,000 phone numbers, the emulator adding 50 ms to every request. Wall time next to its lower
   bound, calls x delay / concurrency, and calls made next to the fewest possible.
3. The public Airbyte tyntec connector (PyPI airbyte-source-tyntec-sms): its url_base is fixed to
   https://api.tyntec.com, so it cannot be pointed at the emulator by config; its manifest is taken
   from the wheel (downloaded at run time, never committed), given the emulator's URL, and run by the
   same CDK. Items delivered (contacts and numbers counted as items even when packed into one
   record), calls made, and calls that change the account, next to source-sms.
4. Rate-bound (--rate, ~3 min): the emulator enforces MessageMedia's 100 calls per 60 s (a moving
   window, the strictest reading: over the limit it answers 429 with Retry-After) and the connector
   runs with its default budget for that provider (requests_per_minute 100). A MessageMedia account
   whose `messages` read needs about three windows of calls is read at the real rate, so it takes
   minutes. Printed: calls per 60 s window (windows back to back from the first call), 429s
   received, and the share of the allowed rate used: calls / (windows x limit), where windows =
   floor(duration / 60 s) + 1 is how many windows the run touches (a moving window allows at most that
   many x limit calls in that time), both over the whole run and over its full windows only (the last
   window is partly empty once the work runs out, which is no fault of the budget), and sustained:
   k x 100 calls from the first call on, against the k x 60 s a moving window needs for them at least.
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


def read(config: dict, streams: tuple[str, ...]) -> tuple[dict, float, float]:
    """(records per stream, wall seconds, peak RSS MiB) of one `read` in a fresh process."""
    folder = Path(tempfile.mkdtemp())
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "catalog.json").write_text(json.dumps(catalog(*streams)))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, "read", "--config", str(folder / "config.json"),
                           "--catalog", str(folder / "catalog.json")], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    records: dict[str, int] = {}
    for line in done.stdout.splitlines():
        if line.startswith('{"type":"RECORD"'):
            stream = orjson.loads(line)["record"]["stream"]
            records[stream] = records.get(stream, 0) + 1
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
        config["provider"]["conversation_message_ids"] = []  # SMS API v1 status calls only
        per_stream, wall, rss = read(config, ("messages", "contacts", "phone_numbers", "phone_registrations"))
        records = sum(per_stream.values())
        calls = len(emulator.requests)
        # One status call per id, one call for contacts and registrations, full pages of numbers.
        fewest = len(config["provider"]["message_request_ids"]) + 1 + math.ceil(50_000 / PAGE) + 1
        bound = calls * delay / concurrency
        print(f"| latency-bound, concurrency {concurrency} | {records:,} | {calls:,} (fewest {fewest:,}) | {wall:.1f} s | {bound:.1f} s | {wall / bound:.1f}x | {rss:.0f} MiB |")
    finally:
        emulator.stop()


def cpu_bound(size: int) -> None:
    emulator = Emulator(seed=1, scale={"tyntec.phone_numbers": size, "tyntec.contacts": 0, "tyntec.registrations": 1}).start()
    try:
        config = emulator.config("tyntec")
        per_stream, wall, rss = read(config, ("phone_numbers",))
        records = per_stream.get("phone_numbers", 0)
        raw = raw_limit(emulator.base_url("tyntec"), config["provider"]["api_key"], size)
        print(f"| CPU-bound, {size:,} phone numbers | {records:,} | {records / wall:,.0f} rec/s (incl. ~2 s start-up) | {raw:,.0f} rec/s | {100 * records / wall / raw:.0f}% | {rss:.0f} MiB |")
    finally:
        emulator.stop()


PUBLIC_WHEEL = "airbyte-source-tyntec-sms==0.1.13"
WRAPPERS = {"contacts": "contacts", "phones": "provisioningRequests", "registrations": "provisioningRequests"}


def public_manifest() -> dict:
    import zipfile

    import yaml

    cache = Path(tempfile.gettempdir()) / "source-sms-bench"
    wheels = sorted(cache.glob("airbyte_source_tyntec_sms-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(cache), PUBLIC_WHEEL], check=True)
        wheels = sorted(cache.glob("airbyte_source_tyntec_sms-*.whl"))
    return yaml.safe_load(zipfile.ZipFile(wheels[-1]).read("source_tyntec_sms/manifest.yaml"))


def items(stream: str, data: dict) -> int:
    wrapper = WRAPPERS.get(stream)
    return len(data.get(wrapper) or []) if wrapper and isinstance(data.get(wrapper), list) else 1


def public_tyntec() -> None:
    from collections import Counter

    from airbyte_cdk.models import SyncMode
    from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource
    from airbyte_cdk.test.catalog_builder import CatalogBuilder
    from airbyte_cdk.test.entrypoint_wrapper import read as read_in_process

    emulator = Emulator(seed=1).start()
    try:
        truth = emulator.apps["tyntec"].truth()
        manifest = public_manifest()
        manifest["definitions"]["base_requester"]["url_base"] = emulator.base_url("tyntec")
        config = {"api_key": emulator.config("tyntec")["provider"]["api_key"], "to": "+4915112345678", "from": "ACME", "message": "hi"}
        source = ConcurrentDeclarativeSource(source_config=manifest, config=config)
        builder = CatalogBuilder()
        for stream in source.streams(config):
            builder.with_stream(stream.name, SyncMode.full_refresh)
        output = read_in_process(source, config, builder.build())
        theirs = Counter()
        for message in output.records:
            theirs[message.record.stream] += items(message.record.stream, message.record.data)
        their_calls, their_writes = len(emulator.requests), len(emulator.write_calls())

        emulator.clear()
        ours, _, _ = read(emulator.config("tyntec"), tuple(truth))
        our_calls, our_writes = len(emulator.requests), len(emulator.write_calls())
        print("| connector | messages | contacts | phone numbers | registrations | calls | calls that send or change |")
        print("|---|---|---|---|---|---|---|")
        print(f"| emulator holds | {len(truth['messages'])} | {len(truth['contacts'])} | {len(truth['phone_numbers'])} | {len(truth['phone_registrations'])} | | |")
        print(f"| airbyte-source-tyntec-sms 0.1.13 | {theirs['messages']} (+{theirs['sms']} `sms`) | {theirs['contacts']} | {theirs['phones']} | {theirs['registrations']} | {their_calls} | **{their_writes}** |")
        print(f"| source-sms | {ours.get('messages', 0)} | {ours.get('contacts', 0)} | {ours.get('phone_numbers', 0)} | {ours.get('phone_registrations', 0)} | {our_calls} | {our_writes} |")
        failed = [m.trace.error.message.split(".")[0] for m in output.errors][:1]
        if failed:
            print(f"\npublic connector errors: {failed}")
    finally:
        emulator.stop()


RATE_LIMIT, RATE_WINDOW = 100, 60.0
# About 2,000 messages a week over the emulator's 85 days of history: 20 report pages per 7-day window,
# plus one call for each empty window since start_date, ~290 calls in all: about three windows.
RATE_MESSAGES = 24_000


def rate_bound(messages: int = RATE_MESSAGES) -> None:
    emulator = Emulator(seed=1, scale={"messagemedia.messages": messages},
                        rate_limit={"messagemedia": (RATE_LIMIT, RATE_WINDOW)}).start()
    try:
        config = emulator.config("messagemedia")  # no requests_per_minute: the provider default (100)
        per_stream, wall, rss = read(config, ("messages",))
        accepted = [r["time"] for r in emulator.requests if not r["rate_limited"]]
        rejected = sum(1 for r in emulator.requests if r["rate_limited"])
        first, last = min(accepted), max(accepted)
        windows = math.floor((last - first) / RATE_WINDOW) + 1
        per_window = [0] * windows
        for moment in accepted:
            per_window[min(windows - 1, int((moment - first) // RATE_WINDOW))] += 1
        overall = len(accepted) / (windows * RATE_LIMIT)
        full = sum(per_window[:-1]) / ((windows - 1) * RATE_LIMIT) if windows > 1 else float("nan")
        # Sustained: k x limit calls from the first on; a moving window lets call k x limit + 1 go k
        # windows after the first at the earliest, so that span against the one measured is the rate used.
        stamps = sorted(accepted)
        k = (len(stamps) - 1) // RATE_LIMIT
        sustained = k * RATE_WINDOW / (stamps[k * RATE_LIMIT] - stamps[0]) if k else float("nan")
        print(f"| MessageMedia messages, {per_stream.get('messages', 0):,} records, limit {RATE_LIMIT}/{RATE_WINDOW:.0f} s (moving) "
              f"| {len(accepted):,} | {', '.join(map(str, per_window))} | {rejected} | {100 * overall:.1f}% | {100 * full:.1f}% | {100 * sustained:.1f}% "
              f"| {wall:.1f} s | {(last - first):.1f} s |")
        if per_stream.get("messages", 0) != len(emulator.apps["messagemedia"].truth()["messages"]):
            print(f"  records read {per_stream.get('messages', 0)} != emulator {len(emulator.apps['messagemedia'].truth()['messages'])}")
    finally:
        emulator.stop()


def print_rate_bound() -> None:
    print("| rate-bound run | calls | calls per 60 s window | 429s | share of allowed rate | same, full windows | sustained | wall | first to last call |")
    print("|---|---|---|---|---|---|---|---|---|")
    rate_bound()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="include the 1M-record CPU-bound run")
    parser.add_argument("--rate", action="store_true", help="include the rate-bound run (about 3 minutes)")
    parser.add_argument("--rate-only", action="store_true", help="only the rate-bound run")
    args = parser.parse_args()
    if args.rate_only:
        print_rate_bound()
        return
    print("| run | records | calls | wall | lower bound | ratio | peak RSS |")
    print("|---|---|---|---|---|---|---|")
    for concurrency in (4, 20):
        latency_bound(concurrency)
    print()
    print("| run | records | source-sms | raw limit | share of raw | peak RSS |")
    print("|---|---|---|---|---|---|")
    for size in (10_000, 100_000) + ((1_000_000,) if args.full else ()):
        cpu_bound(size)
    print()
    public_tyntec()
    if args.rate:
        print()
        print_rate_bound()


if __name__ == "__main__":
    main()
