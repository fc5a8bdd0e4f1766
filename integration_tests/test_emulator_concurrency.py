"""The emulator serves 20 requests at once (the connector's highest concurrency), so a benchmark
with a per-request delay measures the connector, not the emulator."""

from __future__ import annotations

import threading
import time

import requests

from sms_emulator.server import Emulator


def test_twenty_delayed_requests_are_all_received_before_the_first_is_answered():
    emulator = Emulator(seed=3, latency=1.0).start()
    try:
        config = emulator.config("tyntec")["provider"]
        ids = (config["message_request_ids"] * 20)[:20]
        start = threading.Barrier(20)
        answered: list[float] = []

        def one(message_id: str) -> None:
            with requests.Session() as session:
                start.wait()
                response = session.get(f"{emulator.base_url('tyntec')}/messaging/v1/messages/{message_id}",
                                       headers={"apikey": config["api_key"]}, timeout=30)
                answered.append(time.time())
                response.raise_for_status()

        threads = [threading.Thread(target=one, args=(i,)) for i in ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        received = [r["time"] for r in emulator.requests]
        assert len(received) == len(answered) == 20
        # Ordering, not duration: every request was in the emulator before any answer left it.
        assert max(received) < min(answered)
    finally:
        emulator.stop()
