"""The Airbyte source: the assembled declarative manifest run by airbyte-cdk's concurrent engine."""

from __future__ import annotations

import ast
import logging
from typing import Any, List, Mapping, Optional

from airbyte_cdk.models import AirbyteConnectionStatus, AirbyteStateMessage, ConfiguredAirbyteCatalog, Status
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

from source_sms.manifest import build_manifest

UNREACHABLE = ("ConnectionError", "Max retries exceeded", "Failed to establish a new connection", "Read timed out")


class SourceSms(ConcurrentDeclarativeSource):
    """Build it with the config: the CDK picks a provider's conditional streams at construction."""

    def __init__(
        self,
        catalog: Optional[ConfiguredAirbyteCatalog] = None,
        config: Optional[Mapping[str, Any]] = None,
        state: Optional[List[AirbyteStateMessage]] = None,
        config_path: Optional[str] = None,
    ) -> None:
        super().__init__(
            catalog=catalog or ConfiguredAirbyteCatalog(streams=[]),
            config=config or {},
            state=state or [],
            source_config=build_manifest(),
            config_path=config_path,
        )

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        status = super().check(logger, config)
        if status.status == Status.FAILED and status.message:
            status.message = _readable(status.message, config)
        return status


def _readable(message: str, config: Mapping[str, Any]) -> str:
    """The CDK reports a failed check as repr(reason); unquote it and say what to do when unreachable."""
    try:
        message = ast.literal_eval(message) if message[:1] in "'\"" else message
    except (ValueError, SyntaxError):
        pass
    if any(marker in message for marker in UNREACHABLE):
        provider = config.get("provider", {}) if isinstance(config, Mapping) else {}
        where = provider.get("base_url") or f"the {provider.get('name', 'provider')} API"
        message = (f"Could not reach {where}: check provider.base_url and that this machine can reach the "
                   f"provider (proxy, firewall, allowed hosts). Details: {message}")
    return str(message)
