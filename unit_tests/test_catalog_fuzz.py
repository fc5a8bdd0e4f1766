"""Random configured catalogs never crash `read`: a clean read or a clean error trace, never an escaped exception.

Unknown stream names, wrong sync modes, an empty streams list, missing or junk cursor fields, junk
json_schema, duplicated streams, and catalogs that are not catalogs at all, read in process
through the real entry point against the provider emulator (Power Textor: one GET per stream).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sms_emulator.server import Emulator
from source_sms.run import run

STREAMS = ["contacts", "groups", "places"]
junk = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.lists(st.integers(), max_size=2),
                 st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
stream_entry = st.fixed_dictionaries(
    {"stream": st.fixed_dictionaries(
        {"name": st.sampled_from([*STREAMS, "messages", "", "contacts ", "CONTACTS"]),
         "json_schema": st.one_of(st.just({}), st.just({"type": "object"}), st.dictionaries(st.sampled_from(["type", "properties"]), junk, max_size=2)),
         "supported_sync_modes": st.one_of(st.just(["full_refresh"]), st.lists(st.sampled_from(["full_refresh", "incremental", "nope"]), max_size=3))}),
     "sync_mode": st.sampled_from(["full_refresh"] * 4 + ["incremental", "append", ""]),
     "destination_sync_mode": st.sampled_from(["overwrite"] * 3 + ["append", "append_dedup", "bogus"])},
    optional={"cursor_field": st.one_of(st.lists(st.text(max_size=6), max_size=2), junk),
              "primary_key": st.one_of(st.just([["ContactId"]]), junk)},
)
catalogs = st.one_of(
    st.fixed_dictionaries({"streams": st.lists(stream_entry, max_size=4)}),
    st.fixed_dictionaries({"streams": st.lists(stream_entry, max_size=4)}),
    st.lists(stream_entry, min_size=1, max_size=2).map(lambda entries: {"streams": entries + entries}),  # duplicated streams
    st.dictionaries(st.text(max_size=6), junk, max_size=3),
    junk,
)


@pytest.fixture(scope="module")
def config():
    server = Emulator(seed=3).start()
    yield {**server.config("powertextor"), "max_retries": 0}
    server.stop()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(catalog=catalogs)
def test_read_with_any_catalog_ends_in_records_or_a_clean_error(catalog, config, tmp_path, capsys):
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    try:
        run(["read", "--config", str(tmp_path / "config.json"), "--catalog", str(tmp_path / "catalog.json")])
    except SystemExit as exit_:
        assert exit_.code not in (0, None)
        failed = True
    else:
        failed = False
    out = capsys.readouterr().out
    messages = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert len(messages) == len([line for line in out.splitlines() if line.strip()]), "only protocol messages on stdout"
    errors = [m["trace"]["error"] for m in messages if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]
    event("clean error" if failed else "records read" if any(m["type"] == "RECORD" for m in messages) else "nothing to read")
    if failed:
        assert errors and all(e["message"] and e.get("failure_type") for e in errors)
    else:
        assert not errors
