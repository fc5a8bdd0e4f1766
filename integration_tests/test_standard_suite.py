"""airbyte-cdk's own standard source tests (spec, check, discover, read, bad catalog) run offline.

The scenarios come from acceptance-test-config.yml; each config is pointed at the provider
emulator (a valid one also gets the emulator's credentials, an invalid one keeps its bad key).
The Docker image tests need a Docker engine and network, so they are deselected offline
(`-m "not image_tests"`).
"""

from __future__ import annotations

import atexit
import json
from pathlib import Path

from airbyte_cdk.test.models.scenario import ConnectorTestScenario
from airbyte_cdk.test.standard_tests import SourceTestSuiteBase

from sms_emulator.server import Emulator
from source_sms.source import SourceSms

pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]

ROOT = Path(__file__).resolve().parent.parent
# Scenarios are built at collection time, so the emulator must already be listening then.
EMULATOR = Emulator(seed=11).start()
atexit.register(EMULATOR.stop)


def _emulated(scenario: ConnectorTestScenario) -> ConnectorTestScenario:
    if scenario.config_path is None:
        return scenario
    config = json.loads((ROOT / scenario.config_path).read_text())
    provider = config["provider"]["name"]
    emulated = EMULATOR.config(provider)
    if scenario.status == "failed":
        emulated["provider"] = {**config["provider"], "base_url": emulated["provider"]["base_url"]}
    config = {**config, **emulated}
    return scenario.model_copy(update={"config_dict": config})


class TestSourceSmsStandardSuite(SourceTestSuiteBase):
    connector = SourceSms

    @classmethod
    def get_scenarios(cls) -> list[ConnectorTestScenario]:
        return [_emulated(scenario) for scenario in super().get_scenarios()]

    @classmethod
    def create_connector(cls, scenario: ConnectorTestScenario | None) -> SourceSms:
        # The config must reach the constructor, or the provider's conditional streams vanish.
        config = scenario.get_config_dict(connector_root=ROOT, empty_if_missing=True) if scenario else {}
        return SourceSms(config=config)
