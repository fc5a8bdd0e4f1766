"""Random configs never crash `check` or `discover`: a FAILED status or a config-error trace, nothing else."""

from __future__ import annotations

import json

import requests_mock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from source_sms.manifest import PROVIDERS
from source_sms.run import run

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3), max_leaves=8)
provider = st.fixed_dictionaries(
    {"name": st.sampled_from([*PROVIDERS, "twilio", "", None])},
    optional={"api_key": values, "base_url": st.sampled_from(["https://api.example.com", "http://example.com", "http://127.0.0.1:1", "nope"]),
              "message_request_ids": values, "unexpected": values},
)
configs = st.one_of(
    st.fixed_dictionaries({"provider": provider}, optional={"start_date": values, "max_retries": values, "concurrency": values, "requests_per_minute": values}),
    st.dictionaries(st.text(max_size=10), values, max_size=4),
)


def outputs(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(config=configs)
def test_check_always_answers_with_one_connection_status(config, tmp_path, capsys):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    with requests_mock.Mocker():  # no request leaves the machine; any made fails like a dead host
        run(["check", "--config", str(path)])
    statuses = [m for m in outputs(capsys) if m["type"] == "CONNECTION_STATUS"]
    assert len(statuses) == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(config=configs)
def test_discover_gives_a_catalog_or_a_config_error(config, tmp_path, capsys):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    try:
        with requests_mock.Mocker():
            run(["discover", "--config", str(path)])
    except SystemExit as exit_:
        assert exit_.code == 1
        trace = [m for m in outputs(capsys) if m["type"] == "TRACE"][-1]["trace"]
        assert trace["error"]["failure_type"] == "config_error"
    else:
        assert [m for m in outputs(capsys) if m["type"] == "CATALOG"]
