"""``sms-emulator --port 8765 --seed 42``: serve every emulated provider until interrupted."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from sms_emulator.server import Emulator


def parse_scale(items: list[str]) -> dict[str, int]:
    scale = {}
    for item in items:
        key, _, value = item.partition("=")
        if not value.isdigit():
            raise SystemExit(f"--scale expects NAME=COUNT (e.g. tyntec.contacts=50000), got {item!r}")
        scale[key] = int(value)
    return scale


def parse_rate_limits(items: list[str]) -> dict[str, tuple]:
    limits = {}
    for item in items:
        provider, _, spec = item.partition("=")
        parts = spec.split("/")
        try:
            limits[provider] = (int(parts[0]), float(parts[1]), *parts[2:3])
        except (ValueError, IndexError):
            raise SystemExit(f"--rate-limit expects PROVIDER=CALLS/SECONDS[/fixed] (e.g. messagemedia=100/60), got {item!r}")
    return limits


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="sms-emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    parser.add_argument("--seed", type=int, default=42, help="same seed, same data (default 42)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay added to every API request")
    parser.add_argument("--scale", action="append", default=[], metavar="PROVIDER.STREAM=COUNT",
                        help="record counts, e.g. --scale tyntec.contacts=50000 (repeatable)")
    parser.add_argument("--rate-limit", action="append", default=[], metavar="PROVIDER=CALLS/SECONDS[/fixed]",
                        help="answer 429 + Retry-After over this call rate, e.g. messagemedia=100/60 (moving window; "
                             "append /fixed for back-to-back fixed windows); repeatable")
    args = parser.parse_args(argv)
    emulator = Emulator(seed=args.seed, scale=parse_scale(args.scale), latency=args.latency_ms / 1000,
                        rate_limit=parse_rate_limits(args.rate_limit)).start(args.host, args.port)
    # One JSON line tells a wrapper script where to find each provider.
    print(json.dumps({"url": emulator.url, "configs": {name: emulator.config(name) for name in emulator.apps}}), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    emulator.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
