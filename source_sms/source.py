"""The Airbyte source: the assembled declarative manifest run by airbyte-cdk's concurrent engine."""

from __future__ import annotations

from typing import Any, List, Mapping, Optional

from airbyte_cdk.models import AirbyteStateMessage, ConfiguredAirbyteCatalog
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

from source_sms.manifest import build_manifest


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
