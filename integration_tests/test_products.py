"""A valid key without every product of its provider (docs/products.md), against the emulator's limited keys.

`check` passes and logs what the key lacks; a read of every stream exits 0, the streams the key may
read deliver every record the emulator holds with their state, and each stream of a missing product
ends with one warning naming the product. A wrong key and a 401 mid-sync still fail.
"""

from __future__ import annotations

import pytest

from integration_tests.conftest import full_catalog

# Per provider: the streams the limited key may not read (all of their requests answer 403), the
# product its warning names, and a stream that a 401 mid-sync hits (path regex).
LIMITED = {
    "tyntec": ({"contacts": "BYON", "phone_numbers": "BYON", "phone_registrations": "BYON",
                "message_events": "the Conversations API", "channels": "the Conversations API",
                "account": "the Conversations API"}, r"^/messaging/v1/messages/"),
    "messagemedia": ({"phone_numbers": "Dedicated Numbers", "contacts": "the Contacts API",
                      "contact_lists": "the Contacts API"}, r"^/v1/messaging/numbers/sender_address/"),
    "smsworks": ({"inbound_messages": "a Reply Number"}, r"^/credits/balance$"),
    "powertextor": ({"places": "review requests"}, r"^/api/groups$"),
}
SECRET_FIELD = {"tyntec": "api_key", "messagemedia": "api_key", "smsworks": "jwt_token", "powertextor": "api_key"}


def every_stream(discovered: dict) -> dict:
    """Incremental where the stream can be (so a skipped stream's cursor is tested), else full refresh."""
    return {"streams": [{"stream": s, "sync_mode": "incremental" if "incremental" in s["supported_sync_modes"] else "full_refresh",
                         "destination_sync_mode": "append"} for s in discovered["streams"]]}


def warnings(result) -> list[str]:
    return [m["log"]["message"] for m in result.of_type("LOG") if m["log"]["level"] == "WARN"]


def expected(emulator, provider: str, stream: str) -> list[dict]:
    truth = emulator.apps[provider].truth()[stream]
    if (provider, stream) == ("tyntec", "messages"):  # Conversations statuses need the Conversations API
        return [m for m in truth if "requestId" in m]
    return truth


@pytest.fixture(autouse=True)
def _clean(emulator):
    emulator.clear()
    yield
    emulator.clear()


@pytest.mark.parametrize("provider", sorted(LIMITED))
def test_a_limited_key_passes_check_and_says_which_products_it_lacks(emulator, run, provider):
    missing = set(LIMITED[provider][0].values())
    result = run("check", config=emulator.config(provider, "limited"))
    assert result.status["status"] == "SUCCEEDED", result.status
    said = warnings(result)
    for product in missing:
        assert any(f"the key lacks {product}" in w for w in said), (product, said)
    if provider == "tyntec":
        assert any("the key can read the SMS API" in m["log"]["message"] for m in result.of_type("LOG"))


@pytest.mark.parametrize("provider", sorted(LIMITED))
def test_a_limited_key_reads_every_record_it_may_and_warns_for_the_rest(emulator, run, provider):
    forbidden, _ = LIMITED[provider]
    config = emulator.config(provider, "limited")
    catalog = every_stream(run("discover", config=config).catalog)
    result = run("read", config=config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not [m for m in result.of_type("TRACE") if m["trace"]["type"] == "ERROR"]
    with_state = {m["state"]["stream"]["stream_descriptor"]["name"] for m in result.of_type("STATE")}
    said = warnings(result)
    for entry in catalog["streams"]:
        stream = entry["stream"]["name"]
        if stream in forbidden:
            assert result.records(stream) == [], stream
            if entry["sync_mode"] == "incremental":
                assert stream not in with_state, f"{stream} saved a cursor over data it could not read"
            assert any(w.startswith(f"Stream {stream}:") and forbidden[stream] in w and "deselect" in w for w in said), (stream, said)
        else:
            assert len(result.records(stream)) == len(expected(emulator, provider, stream)), stream
            assert stream in with_state, stream
    if provider == "tyntec":  # the done criterion: an SMS-only key delivers every SMS status
        ids = {r["message_id"] for r in result.records("messages")}
        assert ids == {m["requestId"] for m in emulator.apps["tyntec"].messages.values()}
        assert any(w.startswith("Stream messages:") and "the Conversations API" in w for w in said)


@pytest.mark.parametrize("provider", sorted(LIMITED))
def test_a_wrong_key_still_fails_check(emulator, run, provider):
    config = emulator.config(provider, "limited")
    config["provider"][SECRET_FIELD[provider]] += "-wrong"
    result = run("check", config=config)
    assert result.status["status"] == "FAILED"
    assert "rejected the credentials (HTTP 401)" in result.status["message"], result.status


@pytest.mark.parametrize("provider", sorted(LIMITED))
def test_a_401_mid_sync_still_fails_the_sync(emulator, run, provider):
    _, path = LIMITED[provider]
    config = emulator.config(provider, "limited")
    catalog = full_catalog(run("discover", config=config).catalog)
    emulator.add_fault(provider=provider, path=path, status=401, times=-1)
    result = run("read", config=config, catalog=catalog)
    assert result.returncode != 0
    errors = [m["trace"]["error"]["message"] for m in result.of_type("TRACE") if m["trace"]["type"] == "ERROR"]
    assert any("HTTP 401" in e for e in errors), errors


def test_the_emulator_hands_out_limited_keys_on_its_config_endpoint(emulator):
    import json
    from urllib.request import urlopen

    with urlopen(f"{emulator.url}/_emulator/config/tyntec?key=limited") as answer:
        limited = json.load(answer)
    assert limited["provider"]["api_key"] != emulator.config("tyntec")["provider"]["api_key"]
    assert limited == emulator.config("tyntec", "limited")
