"""No credential ever appears in any output, for every provider, even when requests fail.

For each provider in the emulator registry, with the emulator's credentials, under a 500 and under a
401 on every one of its paths: `check`, `discover` and `read` (every discovered stream), all with
`--debug`. Every `airbyte_secret` field of the provider's spec option is a credential; so are the
forms that go on the wire: Basic auth's base64 of key:secret, and a token without its scheme word.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from integration_tests.conftest import FAST_BACKOFF, full_catalog
from sms_emulator.providers import REGISTRY
from source_sms.manifest import BASIC_AUTH


@pytest.fixture(scope="module")
def spec_options(tmp_path_factory) -> dict[str, dict[str, Any]]:
    from integration_tests.conftest import source_sms

    spec = source_sms(tmp_path_factory.mktemp("spec"), "spec").of_type("SPEC")[-1]["spec"]
    options = spec["connectionSpecification"]["properties"]["provider"]["oneOf"]
    return {option["properties"]["name"]["const"]: option for option in options}


def secret_paths(schema: dict[str, Any], prefix: str = "") -> set[str]:
    """Dotted paths of every airbyte_secret field, nested objects and oneOf branches included."""
    paths = set()
    for name, field in schema.get("properties", {}).items():
        if field.get("airbyte_secret"):
            paths.add(prefix + name)
        for branch in [field, *field.get("oneOf", [])]:
            paths |= secret_paths(branch, f"{prefix}{name}.") if branch.get("properties") else set()
    return paths


def at(config: dict[str, Any], dotted: str) -> Any:
    for key in dotted.split("."):
        config = config.get(key) if isinstance(config, dict) else None
    return config


def credentials(option: dict[str, Any], provider_config: dict[str, Any]) -> set[str]:
    secret_fields = secret_paths(option)
    assert secret_fields, "every provider has at least one airbyte_secret field"
    values = {str(at(provider_config, name)) for name in secret_fields if at(provider_config, name)}
    for user, password in BASIC_AUTH[provider_config["name"]]:  # Basic auth: base64(user:password) on the wire
        if at(provider_config, user) and at(provider_config, password):
            values.add(base64.b64encode(f"{at(provider_config, user)}:{at(provider_config, password)}".encode()).decode())
    # A token may be sent without (or with another) scheme word: its body alone is a credential too.
    values |= {re.sub(r"^(JWT|Bearer|Basic)\s+", "", v, flags=re.I) for v in values}
    assert all(len(v) >= 16 for v in values), "short secrets would make the test (and the CDK's masking) meaningless"
    return values


# The CDK masks the raw airbyte_secret values in its debug log of outbound requests; MessageMedia's
# `Authorization: Basic base64(key:secret)` was printed unmasked until SourceSms registered that
# encoded form too (source_sms/source.py). This test found it.
FAULTS = {"500": dict(kind="status", status=500), "401": dict(kind="status", status=401)}


@pytest.mark.parametrize("fault", FAULTS, ids=[f"under a {f}" for f in FAULTS])
@pytest.mark.parametrize("provider", sorted(REGISTRY))
def test_no_credential_in_any_output_of_check_discover_and_read_at_debug_level(emulator, run, spec_options, provider, fault):
    config = {**emulator.config(provider), "max_retries": 0, "requests_per_minute": 100000, **FAST_BACKOFF}
    secrets = credentials(spec_options[provider], config["provider"])
    discovered = run("discover", config=config, extra=("--debug",))
    outputs = {"discover": discovered.stdout + discovered.stderr}
    emulator.add_fault(provider=provider, times=-1, **FAULTS[fault])
    try:
        check = run("check", config=config, extra=("--debug",))
        read = run("read", config=config, catalog=full_catalog(discovered.catalog), extra=("--debug",))
    finally:
        emulator.faults.clear()
    outputs["check"] = check.stdout + check.stderr
    outputs["read"] = read.stdout + read.stderr
    assert check.status["status"] == "FAILED", "the fault reached the connector"
    assert read.of_type("TRACE"), "the read reported the failure"
    assert "DEBUG" in outputs["read"], "debug output was on"
    leaks = [(command, secret[:6] + "…") for command, text in outputs.items() for secret in secrets if secret in text]
    assert not leaks, f"credentials in the output of {leaks}"
