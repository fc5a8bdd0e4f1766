"""Shared test helpers: configs with long distinctive secrets, catalogs, reads through the real entrypoint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, discover, read
from airbyte_cdk.test.state_builder import StateBuilder

from source_sms.source import SourceSms

RESPONSES = Path(__file__).parent / "resource" / "http" / "response"
# Long and distinctive: the CDK masks secrets by substring, so a short one would garble logs.
SENTINEL_SECRET = "sentinel-secret-3f9d1c7be2a84d06"


def response_body(provider: str, name: str) -> str:
    return (RESPONSES / provider / f"{name}.json").read_text(encoding="utf-8")


def response_json(provider: str, name: str) -> Any:
    return json.loads(response_body(provider, name))


def catalog(*streams: str, sync_mode: SyncMode = SyncMode.full_refresh):
    builder = CatalogBuilder()
    for stream in streams:
        builder.with_stream(stream, sync_mode)
    return builder.build()


def read_stream(config: dict, stream: str, state: Optional[list] = None, expecting_exception: bool = False) -> EntrypointOutput:
    configured = catalog(stream)
    # Built with the config: the CDK picks the provider's conditional streams at construction.
    source = SourceSms(catalog=configured, config=config, state=state)
    return read(source, config, configured, state, expecting_exception=expecting_exception)


def read_incremental(config: dict, stream: str, state: Optional[dict] = None) -> EntrypointOutput:
    """An incremental read of one stream, from ``state`` (that stream's state object) or from scratch."""
    configured = catalog(stream, sync_mode=SyncMode.incremental)
    messages = StateBuilder().with_stream_state(stream, state).build() if state else None
    return read(SourceSms(catalog=configured, config=config, state=messages), config, configured, messages)


def discover_streams(config: dict) -> dict[str, Any]:
    output = discover(SourceSms(config=config), config)
    return {stream.name: stream for stream in output.catalog.catalog.streams}


def record_data(output: EntrypointOutput) -> list[dict]:
    return [message.record.data for message in output.records]
