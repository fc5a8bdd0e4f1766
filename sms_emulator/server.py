"""The emulator's HTTP server: mounts each provider at /<name>/, logs requests, injects faults.

Control endpoints (not part of any provider's API):
  GET    /_emulator/health               liveness
  GET    /_emulator/requests             every request served so far: method, provider, path, query, body
  DELETE /_emulator/requests             forget them
  GET    /_emulator/config/<provider>    a connector config for that provider pointing here
                                         (?key=limited: with a valid key that lacks some products)
  GET    /_emulator/truth/<provider>     the records a full read must return, per stream
  POST   /_emulator/faults               add a fault rule (JSON, see Fault)
  DELETE /_emulator/faults               clear all fault rules
  POST   /_emulator/messages/<provider>  a message arrives now (or at "at"): {"at": ISO, "count": n, "inbound": bool}
  POST   /_emulator/chaos                random transient faults: {"rate": 0.05, "seed": 1}; DELETE stops them
  GET    /_emulator/chaos                the faults injected so far
  GET    /_emulator/rate_limits          per provider: limit, window, kind, calls accepted and rejected (429)
"""

from __future__ import annotations

import json
import math
import random
import re
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional
from urllib.parse import parse_qs, urlsplit

from sms_emulator.data import EMULATOR_START_DATE
from sms_emulator.providers import REGISTRY
from sms_emulator.providers.base import ProviderApp, Request, Response


@dataclass
class Fault:
    """A scripted misbehaviour for requests whose provider, method and path match.

    ``kind``: ``status`` (answer ``status`` with an error body, plus ``Retry-After`` if
    ``retry_after`` is set), ``delay`` (sleep ``seconds`` then answer normally), ``reset`` (close
    the connection without answering), ``garbage`` (200 with a non-JSON body), ``empty`` (the
    normal answer with its items removed but its paging fields kept: an empty page in the middle),
    ``shift`` (the normal answer, after which ``count`` new items arrive at the head of the list
    this path serves, so later pages of an offset- or page-numbered read move by ``count``).
    ``times``: how many matching requests it hits before it is spent (-1: forever).
    """

    kind: str = "status"
    provider: str = ""
    path: str = ".*"
    query: str = ""  # regex searched in the query string, e.g. "page=1&" to hit only the second page
    method: str = ""
    body: str = ""  # regex searched in the request body, e.g. r'"skip": ?1000\b' for a POST-paged search
    status: int = 500
    retry_after: Optional[str] = None
    seconds: float = 0.0
    count: int = 1  # new items per ``shift``
    times: int = 1
    hits: int = 0
    _pattern: Any = field(default=None, repr=False, compare=False)

    def matches(self, provider: str, method: str, path: str, query: str = "", body: str = "") -> bool:
        if self.times != -1 and self.hits >= self.times:
            return False
        if self.provider and self.provider != provider:
            return False
        if self.method and self.method.upper() != method:
            return False
        if self.query and not re.search(self.query, query):
            return False
        if self.body and not re.search(self.body, body):
            return False
        if self._pattern is None:
            self._pattern = re.compile(self.path)
        return bool(self._pattern.search(path))


# What random trouble (Emulator.chaos) throws: the transient faults a real API and the network in
# front of it produce, each of which a client must retry without losing or repeating a record.
CHAOS_KINDS: tuple[dict[str, Any], ...] = (
    {"kind": "status", "status": 429, "retry_after": "1"},
    {"kind": "status", "status": 429},
    {"kind": "status", "status": 500},
    {"kind": "status", "status": 502},
    {"kind": "status", "status": 503},
    {"kind": "reset"},
    {"kind": "garbage"},
)


@dataclass
class Chaos:
    """A transient fault on a random ``rate`` share of provider requests, from a seeded generator.

    Every injected fault is kept in ``injected`` (provider, method, path, kind, status), so a test can
    print what it survived. Scripted faults (``Fault``) are consulted first.
    """

    rate: float
    seed: int = 0
    injected: list[dict[str, Any]] = field(default_factory=list)
    _random: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not 0 <= self.rate <= 1:
            raise ValueError(f"chaos rate is a share of requests between 0 and 1, not {self.rate!r}")
        self._random = random.Random(self.seed)

    def draw(self, provider: str, method: str, path: str) -> Optional[Fault]:
        if self._random.random() >= self.rate:
            return None
        spec = self._random.choice(CHAOS_KINDS)
        self.injected.append({"provider": provider, "method": method, "path": path, **spec})
        return Fault(provider=provider, times=1, **spec)


@dataclass
class RateLimit:
    """A provider's call limit, enforced on arrival: at most ``limit`` calls per ``window`` seconds.

    ``moving``: no ``window``-long interval holds more than ``limit`` accepted calls (the strictest
    reading of "100 calls per 60 s": a client that satisfies it satisfies a fixed window too).
    ``fixed``: windows start at the first call and follow each other back to back.
    A call over the limit is answered 429 with ``Retry-After`` (whole seconds until a call is allowed
    again) and does not count against the window.
    """

    limit: int
    window: float
    kind: str = "moving"
    accepted: int = 0
    rejected: int = 0
    _times: deque = field(default_factory=deque, repr=False)
    _window_start: Optional[float] = field(default=None, repr=False)
    _lock: Any = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in ("moving", "fixed"):
            raise ValueError(f"rate limit kind must be 'moving' or 'fixed', not {self.kind!r}")

    def admit(self, now: Optional[float] = None) -> Optional[float]:
        """None when the call is accepted, else the seconds until one would be."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if self.kind == "moving":
                while self._times and self._times[0] <= now - self.window:
                    self._times.popleft()
                wait = self._times[0] + self.window - now if len(self._times) >= self.limit else None
            else:
                if self._window_start is None:
                    self._window_start = now
                if now >= self._window_start + self.window:
                    self._window_start += self.window * math.floor((now - self._window_start) / self.window)
                    self._times.clear()
                wait = self._window_start + self.window - now if len(self._times) >= self.limit else None
            if wait is None:
                self._times.append(now)
                self.accepted += 1
            else:
                self.rejected += 1
            return wait

    def summary(self) -> dict[str, Any]:
        return {"limit": self.limit, "window": self.window, "kind": self.kind,
                "accepted": self.accepted, "rejected": self.rejected}


class Emulator:
    def __init__(self, seed: int = 42, scale: Optional[dict[str, int]] = None, latency: float = 0.0,
                 rate_limit: Optional[dict[str, tuple]] = None) -> None:
        """``rate_limit``: per provider, ``(limit, window_seconds)`` or ``(limit, window_seconds, "fixed")``,
        e.g. ``{"messagemedia": (100, 60.0)}``; see RateLimit."""
        self.seed = seed
        self.latency = latency
        self.rate_limits: dict[str, RateLimit] = {name: RateLimit(*spec) for name, spec in (rate_limit or {}).items()}
        self.apps: dict[str, ProviderApp] = {name: cls(seed=seed, scale=scale or {}) for name, cls in REGISTRY.items()}
        self.requests: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.chaos: Optional[Chaos] = None
        self._lock = threading.Lock()
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> "Emulator":
        emulator = self

        class Handler(_Handler):
            pass

        Handler.emulator = emulator
        self._server = _Server((host, port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="sms-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server, "start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def base_url(self, provider: str) -> str:
        return f"{self.url}/{provider}"

    def config(self, provider: str, key: str = "full") -> dict[str, Any]:
        """``key``: ``full`` (every product) or ``limited`` (a valid key that lacks app.LIMITED_PRODUCTS)."""
        app = self.apps[provider]
        return {"provider": {"name": provider, **app.credentials(key), "base_url": self.base_url(provider), **app.hints()},
                "start_date": EMULATOR_START_DATE}

    # -- faults and logs -----------------------------------------------------------------------
    def add_fault(self, **kwargs: Any) -> Fault:
        fault = Fault(**kwargs)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()
            self.requests.clear()

    def take_fault(self, provider: str, method: str, path: str, query: str = "", body: str = "") -> Optional[Fault]:
        with self._lock:
            for fault in self.faults:
                if fault.matches(provider, method, path, query, body):
                    fault.hits += 1
                    return fault
            return self.chaos.draw(provider, method, path) if self.chaos else None

    def log(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(entry)

    def write_calls(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r.get("writes")]

    def add_message(self, provider: str, at: Optional[datetime] = None, **fields: Any) -> dict[str, Any]:
        """A message arrives in the account (now unless ``at`` is given); truth() includes it."""
        return self.apps[provider].add_message(at=at, **fields)


class _Server(ThreadingHTTPServer):
    """A thread per connection, so 20 concurrent keep-alive connections are served at once."""

    daemon_threads = True
    # socketserver's default listen backlog is 5: a connector opening 20 connections at once could
    # see SYNs dropped and retried a second later.
    request_queue_size = 128


class _Handler(BaseHTTPRequestHandler):
    emulator: Emulator
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the body then waits for the
    # client's delayed ACK of the headers (up to 40 ms on Linux) on every keep-alive request, which
    # doubled the latency-bound benchmark's 50 ms per request.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # the request log is kept in memory instead
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        segments = parts.path.split("/", 2)
        mount = segments[1] if len(segments) > 1 else ""
        rest = "/" + segments[2] if len(segments) > 2 else "/"
        if mount == "_emulator":
            return self._send(*self._control(method, rest, body, parse_qs(parts.query)))
        app = self.emulator.apps.get(mount)
        if app is None:
            return self._send(404, {}, {"message": f"no provider mounted at /{mount}"})
        request = Request(method, rest, parse_qs(parts.query), dict(self.headers.items()), body)
        route, found = app.match(method, rest)
        limit = self.emulator.rate_limits.get(mount)
        wait = limit.admit() if limit else None
        self.emulator.log({"provider": mount, "method": method, "path": rest, "query": parts.query,
                           "writes": bool(route and route.writes), "time": time.time(), "rate_limited": wait is not None,
                           "body": body[:2000].decode("utf-8", "replace")})
        if self.emulator.latency:
            time.sleep(self.emulator.latency)
        if wait is not None:
            return self._send(*app.rate_limited(max(1, math.ceil(wait))))
        fault = self.emulator.take_fault(mount, method, rest, parts.query, body.decode("utf-8", "replace"))
        if fault:
            if fault.kind == "reset":
                self.close_connection = True
                self.connection.close()
                return None
            if fault.kind == "delay":
                time.sleep(fault.seconds)
            elif fault.kind == "garbage":
                return self._send(200, {"Content-Type": "application/json"}, b"<html>502 Bad Gateway</html>")
            elif fault.kind in ("empty", "shift"):
                pass  # answered normally below, then altered
            else:
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                return self._send(fault.status, headers, {"status": fault.status, "title": "Injected fault"})
        if not app.authorized(request):
            return self._send(*app.unauthorized())
        if route is None:
            return self._send(*app.not_found(rest))
        if not app.allows(request, route.product):
            return self._send(*app.forbidden(route.product))
        status, headers, answer = route.handler(request, **found.groupdict())
        if fault and fault.kind == "empty" and status == 200:
            answer = app.empty_page(answer)
        elif fault and fault.kind == "shift" and status == 200:
            # Before sending: the client cannot ask for the next page until it has this one.
            app.arrive(rest, fault.count)
        return self._send(status, headers, answer)

    def _control(self, method: str, path: str, body: bytes, query: Optional[dict[str, list[str]]] = None) -> Response:
        emulator = self.emulator
        if path == "/health":
            return 200, {}, {"ok": True, "providers": sorted(emulator.apps)}
        if path == "/requests":
            if method == "DELETE":
                emulator.requests.clear()
                return 204, {}, None
            return 200, {}, emulator.requests
        if path == "/faults":
            if method == "DELETE":
                emulator.faults.clear()
                return 204, {}, None
            if method == "POST":
                fault = emulator.add_fault(**json.loads(body or b"{}"))
                return 201, {}, {k: v for k, v in asdict(fault).items() if not k.startswith("_")}
            return 200, {}, [{k: v for k, v in asdict(f).items() if not k.startswith("_")} for f in emulator.faults]
        if path == "/chaos":
            if method == "DELETE":
                emulator.chaos = None
                return 204, {}, None
            if method == "POST":
                try:
                    emulator.chaos = Chaos(**json.loads(body or b"{}"))
                except (TypeError, ValueError) as problem:
                    return 400, {}, {"message": f"bad chaos request: {problem}"}
                return 201, {}, {"rate": emulator.chaos.rate, "seed": emulator.chaos.seed}
            return 200, {}, emulator.chaos.injected if emulator.chaos else []
        if path == "/rate_limits":
            return 200, {}, {name: limit.summary() for name, limit in emulator.rate_limits.items()}
        name = path.rsplit("/", 1)[-1]
        if path.startswith("/messages/") and name in emulator.apps and method == "POST":
            try:
                query = json.loads(body or b"{}")
                at = datetime.fromisoformat(query["at"].replace("Z", "+00:00")) if query.get("at") else None
                added = [emulator.add_message(name, at=at, inbound=bool(query.get("inbound"))) for _ in range(int(query.get("count", 1)))]
            except NotImplementedError:
                return 404, {}, {"message": f"{name} has no dated message history to add to"}
            except (ValueError, TypeError, AttributeError) as problem:
                return 400, {}, {"message": f"bad message request: {problem}"}
            return 201, {}, added
        if path.startswith("/config/") and name in emulator.apps:
            key = (query or {}).get("key", ["full"])[0]
            if key not in ("full", "limited"):
                return 400, {}, {"message": f"key must be full or limited, not {key!r}"}
            return 200, {}, emulator.config(name, key)
        if path.startswith("/truth/") and name in emulator.apps:
            return 200, {}, emulator.apps[name].truth()
        return 404, {}, {"message": f"unknown control path {path}"}

    def _send(self, status: int, headers: dict[str, str], body: Any) -> None:
        if body is None:
            payload = b""
        elif isinstance(body, (bytes, bytearray)):
            payload = bytes(body)
        else:
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        if payload and not any(k.lower() == "content-type" for k in headers):
            self.send_header("Content-Type", "application/json")
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        try:
            self.end_headers()
            if payload:
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up first (a read timeout under a `delay` fault): nothing to answer.
            self.close_connection = True
