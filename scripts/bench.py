"""Benchmarks of source-sms against the provider emulator: prints figures, asserts nothing.

    python scripts/bench.py            # calls per sync, latency-bound and CPU-bound runs (10k and 100k records)
    python scripts/bench.py --full     # adds the 1M-record CPU-bound run
    python scripts/bench.py --rate     # adds the rate-bound run, which takes about 3 minutes
    python scripts/bench.py --rate-only
    python scripts/bench.py --calls-only [--providers smsworks]   # calls per sync against the fewest
    python scripts/bench.py --only latency --delay-ms 150         # the latency-bound run at 150 ms
    python scripts/bench.py --only cpu --runs 5 --sizes 100000   # one part, more runs
    python scripts/bench.py --only forms                          # CPU per record of each manifest form

The emulator runs in a process of its own (`python -m sms_emulator`), so neither the connector nor
the raw-limit loop shares an interpreter with it. Each connector run is a fresh process, as in a sync.

1. Latency-bound: tyntec with 2,000 message request ids (one status call each) plus 50,000 contacts
   and 50,000 phone numbers, the emulator adding 50 ms to every request. Wall time next to its lower
   bound, calls x delay / concurrency, and calls made next to the fewest possible.
2. CPU-bound: no delay, tyntec phone_numbers (the largest paged stream, 3,000 a page) at each size:
   records/s and peak RSS of
   - source-sms;
   - the stock declarative path: scripts/stock_phone_numbers.yaml (the same endpoint, page size and
     pages as a plain manifest with the CDK's defaults) run by the CDK's own
     `source-declarative-manifest` CLI;
   - the raw limit: the same pages fetched with requests, parsed with orjson and written as Airbyte
     RECORD lines to /dev/null, no framework.
   Records/s is given twice: over the whole process (start-up included, what a sync of that size
   costs) and over the read phase only (from the first record's emitted_at to the process's end).
   Medians of --runs runs (the 1M run is run once).
3. Forms (--only forms): CPU per record of the data model in each form the manifest is printed in
   (the package; manifest + components.py and the pure manifest, both run by the CDK's
   `source-declarative-manifest`), Twilio messages, privacy off and on.
4. The public Airbyte tyntec connector (PyPI airbyte-source-tyntec-sms): its url_base is fixed to
   https://api.tyntec.com, so it cannot be pointed at the emulator by config; its manifest is taken
   from the wheel (downloaded at run time, never committed), given the emulator's URL, and run by the
   same CDK. Items delivered (contacts and numbers counted as items even when packed into one
   record), calls made, and calls that change the account, next to source-sms.
5. Rate-bound (--rate, ~3 min): the emulator enforces MessageMedia's 100 calls per 60 s (a moving
   window, the strictest reading: over the limit it answers 429 with Retry-After) and the connector
   runs with its default budget for that provider (requests_per_minute 100). A MessageMedia account
   whose `messages` read needs about three windows of calls is read at the real rate, so it takes
   minutes. Printed: calls per 60 s window (windows back to back from the first call), 429s
   received, and the share of the allowed rate used: calls / (windows x limit), where windows =
   floor(duration / 60 s) + 1 is how many windows the run touches (a moving window allows at most that
   many x limit calls in that time), both over the whole run and over its full windows only (the last
   window is partly empty once the work runs out, which is no fault of the budget), and sustained:
   k x 100 calls from the first call on, against the k x 60 s a moving window needs for them at least.
6. Calls per sync (a few minutes; --calls-only prints this table alone): for every
   provider the emulator serves and every stream of it, the calls of a full read of that stream
   alone and of an incremental read started from the state the full read saved (full-refresh streams
   are read again in full), counted in the emulator's request log, next to the fewest possible. The
   fewest are computed here from the emulator's truth and each API's documented page limits
   (FEWEST below), never from the connector; a provider without rules there shows "?". Last, one
   sync of all the provider's streams together (what a user runs), against its own fewest: a stream
   that needs the data another stream already read costs nothing more there. Rate-bound time is
   calls / the provider's documented limit per minute.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional

import orjson
import requests

from sms_emulator.server import Emulator

PAGE = 3000
STOCK_MANIFEST = Path(__file__).with_name("stock_phone_numbers.yaml")
# Runs a connector entry point in a child process and reports that process's own peak RSS and CPU
# time on stderr. CPU seconds move less than wall time when other work shares the machine (measured:
# up to ±30 % between identical runs on a busy 2-core machine, wall time up to 2x).
CHILD = (
    "import resource, sys\n"
    "{import_line}\n"
    "try:\n    {call}\n"
    "finally:\n    usage = resource.getrusage(resource.RUSAGE_SELF)\n"
    "    print('MAXRSS_KB', usage.ru_maxrss, 'CPU_S', usage.ru_utime + usage.ru_stime, file=sys.stderr)\n"
)
OURS = CHILD.format(import_line="from source_sms.run import run", call="run(sys.argv[1:])")
STOCK = CHILD.format(import_line="from airbyte_cdk.cli.source_declarative_manifest import run", call="run()")


class EmulatorProcess:
    """`python -m sms_emulator` in a child process, driven through its control endpoints."""

    def __init__(self, seed: int = 1, latency_ms: float = 0, scale: Optional[dict[str, int]] = None) -> None:
        command = [sys.executable, "-m", "sms_emulator", "--seed", str(seed), "--latency-ms", str(latency_ms)]
        for key, value in (scale or {}).items():
            command += ["--scale", f"{key}={value}"]
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        started = json.loads(self._process.stdout.readline())  # one JSON line once it listens
        self.url, self._configs = started["url"], started["configs"]
        self._session = requests.Session()

    def __enter__(self) -> "EmulatorProcess":
        return self

    def __exit__(self, *_: Any) -> None:
        self._process.terminate()
        self._process.wait(timeout=30)

    def config(self, provider: str) -> dict[str, Any]:
        return json.loads(json.dumps(self._configs[provider]))

    def base_url(self, provider: str) -> str:
        return f"{self.url}/{provider}"

    def requests(self) -> list[dict[str, Any]]:
        return self._session.get(f"{self.url}/_emulator/requests").json()

    def write_calls(self) -> list[dict[str, Any]]:
        return [r for r in self.requests() if r.get("writes")]

    def clear(self) -> None:
        self._session.delete(f"{self.url}/_emulator/requests")

    def truth(self, provider: str) -> dict[str, list[dict[str, Any]]]:
        return self._session.get(f"{self.url}/_emulator/truth/{provider}").json()

    def providers(self) -> list[str]:
        return sorted(self._configs)

    def message_now(self, provider: str) -> bool:
        """A message arrives now, where the provider has dated history (False where it has none)."""
        return self._session.post(f"{self.url}/_emulator/messages/{provider}", json={"count": 1}).ok


def catalog(*streams: str) -> dict:
    return {"streams": [{"stream": {"name": s, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                         "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"} for s in streams]}


@dataclass
class Run:
    records: dict[str, int]
    wall: float  # seconds, process start to exit
    startup: float  # seconds, process start to the first record's emitted_at
    rss: float  # MiB, the connector process's peak
    cpu: float  # seconds of CPU (user + system) the connector process used

    @property
    def total(self) -> int:
        return sum(self.records.values())

    @property
    def rate(self) -> float:
        return self.total / self.wall

    @property
    def read_rate(self) -> float:
        return self.total / (self.wall - self.startup)


def read(config: dict, streams: tuple[str, ...], child: str = OURS, extra: tuple[str, ...] = ()) -> Run:
    """One `read` in a fresh process."""
    folder = Path(tempfile.mkdtemp())
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "catalog.json").write_text(json.dumps(catalog(*streams)))
    output = folder / "output.jsonl"  # a file, not a pipe: 1M records are 300 MB of output
    started_epoch, started = time.time(), time.perf_counter()
    with output.open("wb") as sink:
        done = subprocess.run([sys.executable, "-c", child, "read", *extra, "--config", str(folder / "config.json"),
                               "--catalog", str(folder / "catalog.json")], stdout=sink, stderr=subprocess.PIPE, text=True, check=True)
    wall = time.perf_counter() - started
    records: dict[str, int] = {}
    first_ms = None
    with output.open("rb") as lines:
        for line in lines:
            if line.startswith(b'{"type":"RECORD"'):
                record = orjson.loads(line)["record"]
                records[record["stream"]] = records.get(record["stream"], 0) + 1
                first_ms = record["emitted_at"] if first_ms is None else first_ms
    output.unlink()
    usage = done.stderr.rsplit("MAXRSS_KB", 1)[1].split()
    startup = (first_ms / 1000 - started_epoch) if first_ms else wall
    return Run(records, wall, startup, int(usage[0]) / 1024, float(usage[2]))


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


def latency_bound(concurrency: int, delay: float = 0.05) -> None:
    scale = {"tyntec.messages": 2000, "tyntec.contacts": 50_000, "tyntec.phone_numbers": 50_000}
    with EmulatorProcess(latency_ms=delay * 1000, scale=scale) as emulator:
        config = {**emulator.config("tyntec"), "concurrency": concurrency}
        config["provider"]["message_request_ids"] = config["provider"]["message_request_ids"][:2000]
        config["provider"]["conversation_message_ids"] = []  # SMS API v1 status calls only
        run = read(config, ("messages", "contacts", "phone_numbers", "phone_registrations"))
        calls = len(emulator.requests())
        # One status call per id, one call for contacts and registrations, full pages of numbers.
        fewest = len(config["provider"]["message_request_ids"]) + 1 + math.ceil(50_000 / PAGE) + 1
        bound = calls * delay / concurrency
        # One interpreter runs it all under one GIL, so the connector's own CPU time is a floor too.
        print(f"| latency-bound, concurrency {concurrency} | {run.total:,} | {calls:,} (fewest {fewest:,}) | {run.wall:.1f} s "
              f"(start-up {run.startup:.1f} s) | {bound:.1f} s | {run.wall / bound:.2f}x | {run.cpu:.1f} s | {run.rss:.0f} MiB |", flush=True)


def per_call_cpu(calls: int = 2000, runs: int = 3) -> None:
    """CPU per status call, no delay: source-sms against the same calls made with plain requests.

    At concurrency c, each of the latency-bound run's calls costs a worker the delay plus that CPU, and
    all workers share one interpreter lock: the wall time can approach calls x delay / c only while
    c x (CPU per call) stays well under the delay.
    """
    import resource

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    with EmulatorProcess(scale={"tyntec.messages": calls, "tyntec.contacts": 1, "tyntec.phone_numbers": 1}) as emulator:
        config = emulator.config("tyntec")
        ids = config["provider"]["message_request_ids"][:calls]
        config["provider"].update(message_request_ids=ids, conversation_message_ids=[])
        idle = {**config, "provider": {**config["provider"], "message_request_ids": []}}
        ours, raws = [], []
        for _ in range(runs):
            # The same process with no ids: start-up and everything but the calls, subtracted.
            ours.append((read(config, ("messages",)).cpu - read(idle, ("messages",)).cpu) / len(ids))
            session, url = requests.Session(), f"{emulator.base_url('tyntec')}/messaging/v1/messages/"
            headers = {"apikey": config["provider"]["api_key"], "Accept": "application/json"}
            started = cpu()
            for request_id in ids:
                session.get(url + request_id, headers=headers).json()
            raws.append((cpu() - started) / len(ids))
        o, r = statistics.median(ours), statistics.median(raws)
        print(f"| CPU per status call, no delay (median of {runs}) | source-sms {1000 * o:.2f} ms | plain requests {1000 * r:.2f} ms "
              f"| {o / r:.1f}x | at 50 ms a call, one interpreter saturates at {0.05 / o:.0f} calls in flight (plain requests: {0.05 / r:.0f}) |", flush=True)


def median_run(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda r: r.wall)[len(runs) // 2]


def cpu_bound(size: int, runs: int) -> None:
    scale = {"tyntec.phone_numbers": size, "tyntec.contacts": 0, "tyntec.registrations": 1}
    with EmulatorProcess(scale=scale) as emulator:
        config = emulator.config("tyntec")
        ours, stock, raws = [], [], []
        for _ in range(runs):  # interleaved, so a busy moment on the machine hits both alike
            ours.append(read(config, ("phone_numbers",)))
            stock.append(read(config, ("phone_numbers",), STOCK, ("--manifest-path", str(STOCK_MANIFEST))))
            raws.append(raw_limit(emulator.base_url("tyntec"), config["provider"]["api_key"], size))
        for run in ours + stock:
            assert run.total == size, f"read {run.total:,} records of {size:,}"
        o, s, raw = median_run(ours), median_run(stock), statistics.median(raws)
        print(f"| {size:,} | {o.rate:,.0f} rec/s ({o.read_rate:,.0f} read phase) | {s.rate:,.0f} rec/s ({s.read_rate:,.0f}) "
              f"| {o.rate / s.rate:.2f}x ({o.read_rate / s.read_rate:.2f}x) | {raw:,.0f} rec/s "
              f"| {100 * o.rate / raw:.1f}% ({100 * o.read_rate / raw:.1f}%) | {o.rss:.0f} MiB | {s.rss:.0f} MiB "
              f"| {o.startup:.1f} s / {s.startup:.1f} s | {o.cpu:.1f} s / {s.cpu:.1f} s |", flush=True)


PUBLIC_WHEEL = "airbyte-source-tyntec-sms==0.1.13"
WRAPPERS = {"contacts": "contacts", "phones": "provisioningRequests", "registrations": "provisioningRequests"}


FORM_STREAM = ("twilio", "messages")  # the richest model: RFC 2822 dates, numbers, prices, statuses
FORM_SIZES = (500, 5000)
FORM_PRIVACY = {"hash_phone_numbers": True, "hash_message_bodies": True, "salt": "bench-salt-0123456789"}


def forms(runs: int) -> None:
    """CPU per record of the data model in each form the manifest is printed in: the package
    (`source-sms read`), the manifest + components.py pair and the pure manifest (both run by
    `source-declarative-manifest`), privacy off and on. Per record = the CPU difference between
    reads of FORM_SIZES messages (the same windows and start-up), over the records between them."""
    provider, stream = FORM_STREAM
    folder = Path(tempfile.mkdtemp())
    subprocess.run([sys.executable, "-c", "from source_sms.run import run; run()", "manifest", "--components", str(folder / "pair")],
                   check=True, capture_output=True)
    pure = folder / "pure.yaml"
    pure.write_text(subprocess.run([sys.executable, "-c", "from source_sms.run import run; run()", "manifest"],
                                   check=True, capture_output=True, text=True).stdout)
    paths = {
        "package": (OURS, ()),
        "manifest + components.py": (STOCK, ("--manifest-path", str(folder / "pair" / "manifest.yaml"),
                                             "--components-path", str(folder / "pair" / "components.py"))),
        "pure manifest": (STOCK, ("--manifest-path", str(pure))),
    }
    os.environ["AIRBYTE_ENABLE_UNSAFE_CODE"] = "true"  # components.py is code the caller supplies
    cpu: dict[tuple[str, bool, int], float] = {}
    for size in FORM_SIZES:
        with EmulatorProcess(scale={f"{provider}.{stream}": size}) as emulator:
            for privacy in (False, True):
                config = {**emulator.config(provider), **({"privacy": FORM_PRIVACY} if privacy else {})}
                for name, (child, extra) in paths.items():
                    got = [read(config, (stream,), child, extra) for _ in range(runs)]
                    for run in got:
                        assert run.records.get(stream), f"{name}: no records"
                    cpu[(name, privacy, size)] = statistics.median(run.cpu for run in got)
                    cpu[(name, privacy, -size)] = got[0].records[stream]
    small, large = FORM_SIZES
    for privacy in (False, True):
        base = None
        for name in paths:
            records = cpu[(name, privacy, -large)] - cpu[(name, privacy, -small)]
            per = (cpu[(name, privacy, large)] - cpu[(name, privacy, small)]) / records * 1e6
            base = base or per
            print(f"| {provider} {stream}, privacy {'on' if privacy else 'off'} | {name} | {per:,.0f} µs | {per / base:.1f}x |", flush=True)


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

    with EmulatorProcess() as emulator:
        truth = emulator.truth("tyntec")
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
        their_calls, their_writes = len(emulator.requests()), len(emulator.write_calls())

        emulator.clear()
        ours = read(emulator.config("tyntec"), tuple(truth)).records
        our_calls, our_writes = len(emulator.requests()), len(emulator.write_calls())
        print("| connector | messages | contacts | phone numbers | registrations | calls | calls that send or change |")
        print("|---|---|---|---|---|---|---|")
        print(f"| emulator holds | {len(truth['messages'])} | {len(truth['contacts'])} | {len(truth['phone_numbers'])} | {len(truth['phone_registrations'])} | | |")
        print(f"| airbyte-source-tyntec-sms 0.1.13 | {theirs['messages']} (+{theirs['sms']} `sms`) | {theirs['contacts']} | {theirs['phones']} | {theirs['registrations']} | {their_calls} | **{their_writes}** |")
        print(f"| source-sms | {ours.get('messages', 0)} | {ours.get('contacts', 0)} | {ours.get('phone_numbers', 0)} | {ours.get('phone_registrations', 0)} | {our_calls} | {our_writes} |")
        failed = [m.trace.error.message.split(".")[0] for m in output.errors][:1]
        if failed:
            print(f"\npublic connector errors: {failed}")


RATE_LIMIT, RATE_WINDOW = 100, 60.0
# About 2,000 messages a week over the emulator's 85 days of history: 20 report pages per 7-day window,
# plus one call for each empty window since start_date, ~290 calls in all: about three windows.
RATE_MESSAGES = 24_000


def rate_bound(messages: int = RATE_MESSAGES) -> None:
    emulator = Emulator(seed=1, scale={"messagemedia.messages": messages},
                        rate_limit={"messagemedia": (RATE_LIMIT, RATE_WINDOW)}).start()
    try:
        config = emulator.config("messagemedia")  # no requests_per_minute: the provider default (100)
        run = read(config, ("messages",))
        per_stream, wall = run.records, run.wall
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


# -- Calls per sync ---------------------------------------------------------------------------------
# The fewest calls each stream's data needs, from the emulator's truth and each API's documented page
# limits (docs/providers/), never from the connector. A rule gets the provider's truth, the config and
# `since` (None for a full read, else where an incremental read must start: the saved cursor minus the
# lookback) and returns the calls for that stream alone. Neither SMS Works nor MessageMedia documents a
# maximum date range for a search or report (docs/providers/), so no rule adds calls for windows.
# A provider missing here shows "?" until its rules are added.


def pages(items: int, limit: int) -> int:
    """Calls to page `items` at `limit` a page where the answer says whether more follow: at least one."""
    return max(1, math.ceil(items / limit))


def pages_until_short(items: int, limit: int) -> int:
    """The same where only a short page says it was the last (skip/limit, no total): a full last page
    needs one more, empty, call."""
    return items // limit + 1


def _smsworks_times(truth: dict) -> list[tuple[datetime, dict]]:
    from sms_emulator.providers.smsworks import parse_date
    return [(parse_date(m["created"]), m) for m in truth["messages"] + truth["inbound_messages"]]


def _since(rows: list[tuple[datetime, dict]], since: Optional[datetime]) -> list[dict]:
    return [m for at, m in rows if since is None or at >= since]


SW_SEARCH_PAGE, MM_REPORT_PAGE, MM_LIST_PAGE, MM_CONTACTS_PAGE, TYNTEC_PAGE = 1000, 100, 100, 1000, 3000


def _sw_all(truth: dict, since: Optional[datetime]) -> list[dict]:
    return _since(_smsworks_times(truth), since)


def _mm_rows(truth: dict, since: Optional[datetime]) -> list[dict]:
    rows = [(datetime.fromisoformat(r["timestamp"]).replace(tzinfo=timezone.utc), r) for r in truth["messages"]]
    return _since(rows, since)


# Twilio: every list (2010 and Messaging v1) takes PageSize 1..1000 and answers `next_page_uri` /
# `meta.next_page_url`, null on the last page (OAI, docs/providers/twilio.md), so a full last page
# needs no extra call: `pages`. No maximum DateSent or usage date range is documented.
TWILIO_PAGE = 1000
TWILIO_SENDER_LISTS = ("phone_number", "alpha_sender", "short_code")  # PhoneNumbers, AlphaSenders, ShortCodes
TWILIO_CATEGORIES = ["sms", "sms-outbound", "sms-inbound"]  # the fragment's usage_categories default
# Sinch xms/v1: page_size at most 100 (batches, inbounds, groups: SINCH-OAS; delivery reports document
# no maximum, and no larger page can be counted on), and every answer carries `count`, the total, so
# the first page tells how many follow: `pages`, not `pages_until_short`. No maximum date range.
SINCH_PAGE = 100
SINCH_BATCH_DAYS = 14  # "list batch messages created in the last 14 days" (SINCH-OAS ListBatches)


def _start(config: dict, since: Optional[datetime]) -> datetime:
    """Where a dated read starts: `since` for an incremental read, else the config's start_date
    (both Twilio's DateSent> and Sinch's start_date carry it; default 90 days back, as the connector's)."""
    if since is not None:
        return since
    text = config.get("start_date")
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else datetime.now(timezone.utc) - timedelta(days=90)


def _tw_sent(truth: dict, config: dict, since: Optional[datetime]) -> list[dict]:
    """Messages a DateSent> (on or after) read from `since` returns. One list holds every direction;
    a message with no date_sent is outside every DateSent filter, so it is not data the stream reads."""
    from email.utils import parsedate_to_datetime  # the 2010 API's dates are RFC 2822
    rows = [(parsedate_to_datetime(m["date_sent"]), m) for m in truth["messages"] if m.get("date_sent")]
    return _since(rows, _start(config, since))


def _tw_senders(truth: dict) -> int:
    """The services list, then one list per service and sender kind (no call lists the senders of
    every service at once, and an empty list still takes its call to be known empty)."""
    calls = pages(len(truth["messaging_services"]), TWILIO_PAGE)
    for service in truth["messaging_services"]:
        mine = [s for s in truth["sender_ids"] if s["service_sid"] == service["sid"]]
        calls += sum(pages(sum(kind in s for s in mine), TWILIO_PAGE) for kind in TWILIO_SENDER_LISTS)
    return calls


def _tw_usage(truth: dict, config: dict) -> int:
    """One list per configured category: `Category` takes one value, and a list without it answers
    every category Twilio bills (dozens on a real account, most unwanted), so it is no cheaper in
    general. Each category's days from start_date are paged 1,000 at a time."""
    first = _start(config, None).date().isoformat()
    rows = [u for u in truth["usage_records"] if u["start_date"] >= first]
    categories = config["provider"].get("usage_categories", TWILIO_CATEGORIES)
    return sum(pages(sum(u["category"] == c for u in rows), TWILIO_PAGE) for c in categories)


def _sinch_rows(items: list[dict], field: str, config: dict, since: Optional[datetime]) -> list[dict]:
    """Items a start_date (inclusive) read from `since` returns; the API writes ISO 8601 with ms and Z.
    An item dated after now (the emulator's report of a batch just sent) is not there yet for a read."""
    now = datetime.now(timezone.utc)
    rows = [(at, i) for at, i in ((datetime.fromisoformat(i[field].replace("Z", "+00:00")), i) for i in items) if at <= now]
    return _since(rows, _start(config, since))


def _sinch_batches(truth: dict, config: dict, since: Optional[datetime]) -> list[dict]:
    """Batches the API lists at all: created in the last 14 days, whatever start_date asks (the
    emulator serves older ones, the API does not, so they are no data a read can get)."""
    listable = datetime.now(timezone.utc) - timedelta(days=SINCH_BATCH_DAYS)
    return _sinch_rows(truth["messages"], "created_at", config, max(_start(config, since), listable))


FEWEST: dict[str, dict[str, Any]] = {
    # One search without a status answers every message, both directions and batch members included
    # (status takes one value only, so outbound alone would take five searches). Batch messages are in
    # that search: no call per batch id is needed where the search lists them.
    "smsworks": {
        "messages": lambda t, c, since: pages_until_short(len(_sw_all(t, since)), SW_SEARCH_PAGE),
        "inbound_messages": lambda t, c, since: pages_until_short(sum(m["status"] == "INCOMING" for m in _sw_all(t, since)), SW_SEARCH_PAGE),
        "batches": lambda t, c, since: pages_until_short(len(_sw_all(t, since)), SW_SEARCH_PAGE),
        "scheduled_messages": lambda t, c, since: 1, "credits": lambda t, c, since: 1, "account": lambda t, c, since: 1,
        # shared: streams answered by one search in a sync of all of them
        "_shared": [("messages", "inbound_messages", "batches")],
    },
    "messagemedia": {
        "messages": lambda t, c, since: pages(len(_mm_rows(t, since)), MM_REPORT_PAGE),
        "message_statuses": lambda t, c, since: len(c["provider"].get("message_ids", [])),  # by id only: no list
        "sender_ids": lambda t, c, since: pages(len(t["sender_ids"]), MM_LIST_PAGE),
        "phone_numbers": lambda t, c, since: pages(len(t["phone_numbers"]), MM_LIST_PAGE),
        "contacts": lambda t, c, since: pages(len(t["contacts"]), MM_CONTACTS_PAGE),
        "contact_lists": lambda t, c, since: pages(len(t["contact_lists"]), MM_CONTACTS_PAGE),
    },
    "tyntec": {
        # status by id only (both APIs), events per conversation message id
        "messages": lambda t, c, since: len(c["provider"].get("message_request_ids", [])) + len(c["provider"].get("conversation_message_ids", [])),
        "message_events": lambda t, c, since: len(c["provider"].get("conversation_message_ids", [])),
        "contacts": lambda t, c, since: 1, "phone_registrations": lambda t, c, since: 1,
        "channels": lambda t, c, since: 1, "account": lambda t, c, since: 1,
        "ip_restriction": lambda t, c, since: 1,  # one GET of the account's IP allow-list (the check stream)
        # page/size, 3,000 at most; a full last page needs one more (empty) page to show it was the last
        "phone_numbers": lambda t, c, since: pages_until_short(len(t["phone_numbers"]), TYNTEC_PAGE),
    },
    "powertextor": {
        # unpaged lists; groups carry no members, so contact_groups also needs the contacts list
        "contacts": lambda t, c, since: 1, "contact_groups": lambda t, c, since: 2, "places": lambda t, c, since: 1,
        "_shared": [("contacts", "contact_groups")],
    },
    "twilio": {
        "messages": lambda t, c, since: pages(len(_tw_sent(t, c, since)), TWILIO_PAGE),
        "phone_numbers": lambda t, c, since: pages(len(t["phone_numbers"]), TWILIO_PAGE),
        "messaging_services": lambda t, c, since: pages(len(t["messaging_services"]), TWILIO_PAGE),
        # per parent: the senders are only listed under /v1/Services/{sid}/<kind>
        "sender_ids": lambda t, c, since: _tw_senders(t),
        "credits": lambda t, c, since: 1,  # Balance.json, one object
        "usage_records": lambda t, c, since: _tw_usage(t, c),
        # shared: sender_ids needs the services list, which is all messaging_services reads
        "_shared": [("messaging_services", "sender_ids")],
    },
    "sinch": {
        # Batches, delivery reports and inbounds are three lists (no one answers another's data), so
        # nothing is shared; each is one date range, paged 100 at a time.
        "messages": lambda t, c, since: pages(len(_sinch_batches(t, c, since)), SINCH_PAGE),
        "message_statuses": lambda t, c, since: pages(len(_sinch_rows(t["message_statuses"], "at", c, since)), SINCH_PAGE),
        "inbound_messages": lambda t, c, since: pages(len(_sinch_rows(t["inbound_messages"], "received_at", c, since)), SINCH_PAGE),
        # per parent: the group list carries no members; GET /groups/{id}/members, one unpaged array
        # per group, is the only way to them
        "contact_groups": lambda t, c, since: pages(len(t["contact_groups"]), SINCH_PAGE) + len(t["contact_groups"]),
    },
}


def provider_limit(provider: str) -> Optional[int]:
    """The provider's requests per minute from its fragment (None where it has none)."""
    import yaml

    fragment = Path(__file__).resolve().parent.parent / "source_sms" / "providers" / f"{provider}.yaml"
    return yaml.safe_load(fragment.read_text()).get("requests_per_minute") if fragment.exists() else None


def _command(verb: str, folder: Path, config: dict, catalog_: Optional[dict] = None, state: Optional[list] = None) -> list[dict]:
    (folder / "config.json").write_text(json.dumps(config))
    args = [sys.executable, "-m", "source_sms", verb, "--config", str(folder / "config.json")]
    if catalog_ is not None:
        (folder / "catalog.json").write_text(json.dumps(catalog_))
        args += ["--catalog", str(folder / "catalog.json")]
    if state is not None:
        (folder / "state.json").write_text(json.dumps(state))
        args += ["--state", str(folder / "state.json")]
    done = subprocess.run(args, capture_output=True, text=True)
    return [orjson.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _configured(streams: list[dict]) -> dict:
    configured = []
    for stream in streams:
        incremental = "incremental" in stream.get("supported_sync_modes", [])
        entry = {"stream": stream, "sync_mode": "incremental" if incremental else "full_refresh",
                 "destination_sync_mode": "append_dedup" if incremental else "overwrite"}
        if incremental:
            entry["cursor_field"] = stream.get("default_cursor_field", [])
            entry["primary_key"] = stream.get("source_defined_primary_key", [])
        configured.append(entry)
    return {"streams": configured}


def _cursor_moment(state: dict, stream: dict) -> Optional[datetime]:
    cursor = (stream.get("default_cursor_field") or [None])[0]
    saved = state.get("stream", {}).get("stream_state", {}) if state else {}
    value = saved.get(cursor) or max((s.get("cursor", {}).get(cursor, "") for s in saved.get("states", [])), default="")
    if not value:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


LOOKBACK_DAYS = {"smsworks": 3, "messagemedia": 1, "twilio": 3, "sinch": 1}  # the fragments' lookback_days defaults


@dataclass
class CallRow:
    provider: str
    stream: str
    full: int
    full_fewest: Optional[int]
    incremental: int
    incremental_fewest: Optional[int]
    records: int
    expected: int


def calls_per_stream(emulator: "EmulatorProcess", provider: str) -> tuple[list[CallRow], tuple[int, Optional[int]]]:
    folder = Path(tempfile.mkdtemp())
    config = emulator.config(provider)
    # The account's history ends on its fixed "today", two months back or more: one message sent now
    # makes it a live account, whose incremental sync starts a lookback before now, as a daily sync does.
    emulator.message_now(provider)
    truth = emulator.truth(provider)
    rules = FEWEST.get(provider, {})
    catalog_messages = _command("discover", folder, config)
    streams = [m["catalog"]["streams"] for m in catalog_messages if m["type"] == "CATALOG"][0]
    rows = []
    for stream in streams:
        name = stream["name"]
        configured = _configured([stream])
        emulator.clear()
        first = _command("read", folder, config, configured)
        full_calls = len(emulator.requests())
        states = [m["state"] for m in first if m["type"] == "STATE"]
        records = sum(1 for m in first if m["type"] == "RECORD")
        failed = any(m["type"] == "TRACE" and m["trace"]["type"] == "ERROR" for m in first)
        since = None
        if configured["streams"][0]["sync_mode"] == "incremental" and states:
            moment = _cursor_moment(states[-1], stream)
            since = moment - timedelta(days=config["provider"].get("lookback_days", LOOKBACK_DAYS.get(provider, 0))) if moment else None
        emulator.clear()
        second = _command("read", folder, config, configured, [states[-1]] if states else None)
        incremental_calls = len(emulator.requests())
        failed = failed or any(m["type"] == "TRACE" and m["trace"]["type"] == "ERROR" for m in second)
        rule = rules.get(name)
        rows.append(CallRow(provider, name + (" (a read failed)" if failed else ""), full_calls, rule(truth, config, None) if rule else None, incremental_calls,
                            (rule(truth, config, since) if since else rule(truth, config, None)) if rule else None,
                            records, len(truth.get(name, []))))
    # One sync of every stream, as a user runs it: streams that one call answers share their fewest.
    emulator.clear()
    _command("read", folder, config, _configured(streams))
    together = len(emulator.requests())
    fewest: Optional[int] = None
    if rules and all(r.full_fewest is not None for r in rows):
        fewest = sum(r.full_fewest for r in rows)
        for group in rules.get("_shared", []):
            shared = [r.full_fewest for r in rows if r.stream in group]
            fewest -= sum(shared) - max(shared, default=0)
    return rows, (together, fewest)


def _ratio(calls: int, fewest: Optional[int]) -> str:
    return "?" if fewest is None else f"{calls / fewest:.2f}x" if fewest else "-"


def _rate_bound(calls: int, limit: Optional[int]) -> str:
    return f"{calls / limit:.1f} min" if limit else "no limit"


def print_calls(only: Optional[list[str]] = None) -> None:
    print("Calls per sync, the emulator's account (seed 42) plus one message sent now: each stream read alone, then incrementally from "
          "the state that read saved; last row per provider: one sync of all its streams\n")
    print("| provider | stream | records (emulator) | full read: calls | fewest | ratio | incremental: calls | fewest | ratio | rate-bound full / incremental |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with EmulatorProcess(seed=42) as emulator:  # the demo's account
        for provider in [p for p in emulator.providers() if not only or p in only]:
            limit = provider_limit(provider)
            rows, (together, fewest) = calls_per_stream(emulator, provider)
            for r in rows:
                print(f"| {provider} | {r.stream} | {r.records} ({r.expected}) | {r.full} | {r.full_fewest if r.full_fewest is not None else '?'} "
                      f"| {_ratio(r.full, r.full_fewest)} | {r.incremental} | {r.incremental_fewest if r.incremental_fewest is not None else '?'} "
                      f"| {_ratio(r.incremental, r.incremental_fewest)} | {_rate_bound(r.full, limit)} / {_rate_bound(r.incremental, limit)} |", flush=True)
            print(f"| {provider} | **one sync, all streams** | | **{together}** | **{fewest if fewest is not None else '?'}** "
                  f"| **{_ratio(together, fewest)}** | | | | {_rate_bound(together, limit)} at {limit or '-'}/min |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="include the 1M-record CPU-bound run")
    parser.add_argument("--runs", type=int, default=3, help="runs per CPU-bound size; the median is printed (default 3)")
    parser.add_argument("--sizes", type=int, nargs="*", help="CPU-bound sizes instead of 10,000 and 100,000")
    parser.add_argument("--concurrency", type=int, nargs="*", default=[4, 20], help="latency-bound concurrency levels")
    parser.add_argument("--delay-ms", type=float, default=50, help="latency-bound delay the emulator adds to every request (default 50)")
    parser.add_argument("--only", choices=["latency", "cpu", "forms", "public", "rate", "calls"], help="run one part only")
    parser.add_argument("--rate", action="store_true", help="include the rate-bound run (about 3 minutes)")
    parser.add_argument("--rate-only", action="store_true", help="only the rate-bound run (same as --only rate)")
    parser.add_argument("--calls-only", action="store_true", help="only the calls-per-sync table (same as --only calls)")
    parser.add_argument("--providers", nargs="*", help="calls-per-sync table for these providers only")
    args = parser.parse_args()
    if args.rate_only:
        args.only = "rate"
    if args.calls_only:
        args.only = "calls"
    if args.only in (None, "calls"):
        print_calls(args.providers)
        print()
    if args.only in (None, "latency"):
        print("| run | records | calls | wall | lower bound | wall / bound | connector CPU | peak RSS |")
        print("|---|---|---|---|---|---|---|---|")
        for concurrency in args.concurrency:
            latency_bound(concurrency, args.delay_ms / 1000)
        print()
        print("| measure | source-sms | floor | ratio | what it allows |")
        print("|---|---|---|---|---|")
        per_call_cpu()
        print()
    if args.only in (None, "cpu"):
        print(f"CPU-bound, tyntec phone_numbers, median of {args.runs} runs (rate over the whole process, and over its read phase)\n")
        print("| records | source-sms | stock declarative | source-sms / stock | raw limit | source-sms / raw | peak RSS source-sms | peak RSS stock | start-up source-sms / stock | CPU source-sms / stock |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        sizes = args.sizes or [10_000, 100_000]
        for size in sizes:
            cpu_bound(size, args.runs)
        if args.full and not args.sizes:
            cpu_bound(1_000_000, 1)
        print()
    if args.only in (None, "forms"):
        print(f"CPU per record of each form of the manifest, median of {args.runs} runs\n")
        print("| stream | form | CPU per record | / package |")
        print("|---|---|---|---|")
        forms(args.runs)
        print()
    if args.only in (None, "public"):
        public_tyntec()
    if args.only == "rate" or (args.only is None and args.rate):
        print()
        print_rate_bound()


if __name__ == "__main__":
    main()
