"""The Airbyte source: the assembled declarative manifest run by airbyte-cdk's concurrent engine."""

from __future__ import annotations

import ast
import base64
import logging
from typing import Any, Iterator, List, Mapping, Optional

from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteConnectionStatus,
    AirbyteMessage,
    AirbyteStateMessage,
    AirbyteStreamStatus,
    ConfiguredAirbyteCatalog,
    FailureType,
    Status,
    Type,
)
from airbyte_cdk.utils.airbyte_secrets_utils import add_to_secrets
from airbyte_cdk.utils.stream_status_utils import as_airbyte_message as stream_status_message
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

from source_sms import fast_dpath
from source_sms.errors import explain_messages
from source_sms.manifest import BASIC_AUTH, DEFAULT_BASE_URLS, PROVIDER_LABELS, build_manifest
from source_sms.products import ForbiddenStreams, probe_products
from source_sms.state import normalise_state
from source_sms.windows import FollowingWindowsFactory

# dpath.get/new answered directly for plain key paths (the CDK's extractor walked every value of every
# page to find the records); why, and how it stays identical to dpath: source_sms/fast_dpath.py.
fast_dpath.install()

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
            source_config=build_manifest(config),
            config_path=config_path,
        )
        # Names of the streams this config has, seen when the CDK picks the catalog's streams.
        self._stream_names: Optional[List[str]] = None
        # Dated streams cut each window after reading the last one (windows.py). That needs a worker
        # to read while another waits to cut the next window, so one worker keeps the fixed windows.
        FollowingWindowsFactory.install(self._constructor, follow_windows=_workers(config) >= 2)

    # Legacy state shapes (an object keyed by stream, LEGACY messages) are read too: see state.py.
    @classmethod
    def read_state(cls, state_path: str) -> List[AirbyteStateMessage]:
        return normalise_state(cls._read_json_file(state_path)) if state_path else []

    # The entrypoint masks each airbyte_secret value in logs, but a credential can also go out encoded:
    # HTTP Basic sends base64(key:secret), which debug logs of outbound requests would print as is.
    # Each command registers those forms after the entrypoint has set up its filter.
    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        _mask_encoded_credentials(config)
        status = super().check(logger, config)
        if status.status == Status.FAILED and status.message:
            status.message = _readable(status.message, config)
        elif status.status == Status.SUCCEEDED:
            # The verdict is the one call every key may make; which products the key has is only logged.
            probe_products(self.resolved_manifest, config, logger)
        return status

    def discover(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteCatalog:
        _mask_encoded_credentials(config)
        return super().discover(logger, config)

    def read(self, logger: logging.Logger, config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog,
             state: Optional[List[AirbyteStateMessage]] = None) -> Iterator[AirbyteMessage]:
        _mask_encoded_credentials(config)
        self._stream_names = None
        # A 403 (a product the key lacks) is skipped by the manifest's filter; this notes the streams it hit,
        # warns once per such stream and keeps its state from claiming data it could not read (products.py).
        with ForbiddenStreams(config) as forbidden:
            # Read timeouts get a message naming provider, endpoint and request_timeout_seconds (errors.py).
            for message in explain_messages(super().read(logger, config, catalog, state), config=config,
                                            manifest=self._source_config, labels=PROVIDER_LABELS, base_urls=DEFAULT_BASE_URLS):
                yield from forbidden.filter(message)
        # The CDK only marks a catalog stream it does not have INCOMPLETE and exits 0: a stale
        # catalog (a renamed stream, another provider's catalog) would pass for a good sync. The
        # streams that exist have been read; the sync then fails, naming what to fix.
        names = self._stream_names if self._stream_names is not None else [s.name for s in self.streams(config)]
        missing = [s.stream.name for s in catalog.streams if s.stream.name not in names]
        if missing and len(missing) == len(catalog.streams):
            # With no stream left to read the CDK emits no status for the missing ones; say INCOMPLETE too.
            for configured in catalog.streams:
                yield stream_status_message(configured.stream, AirbyteStreamStatus.INCOMPLETE)
        if missing:
            raise MissingStreams(message=_missing_streams_message(missing, names, config), failure_type=FailureType.config_error)

    # The CDK hands the streams it built for this read to this hook; their names are kept, so that
    # spotting a missing stream costs no second build of every stream (70-150 ms).
    def _select_streams(self, streams, configured_catalog):  # type: ignore[no-untyped-def]
        self._stream_names = [stream.name for stream in streams]
        return super()._select_streams(streams, configured_catalog)


class MissingStreams(AirbyteTracedException):
    """The configured catalog names streams this config does not have (a config error)."""


def _missing_streams_message(missing: List[str], names: List[str], config: Mapping[str, Any]) -> str:
    provider = (config.get("provider") or {}).get("name") if isinstance(config, Mapping) else None
    label = PROVIDER_LABELS.get(provider, provider or "this config")
    quoted = ", ".join(f"'{name}'" for name in missing)
    return (f"The catalog names {'a stream' if len(missing) == 1 else 'streams'} that {label} does not have: {quoted}. "
            f"Its streams are: {', '.join(names) or '(none)'}. Refresh the source schema (run discover) and "
            f"select streams from that list; a catalog from another provider's config does not fit this one.")


def _workers(config: Optional[Mapping[str, Any]]) -> int:
    value = config.get("concurrency", 4) if isinstance(config, Mapping) else 4
    return value if isinstance(value, int) and not isinstance(value, bool) else 4


def _mask_encoded_credentials(config: Mapping[str, Any]) -> None:
    """Register base64(user:password) of each pair the provider's fragment lists under `basic_auth`."""
    provider = config.get("provider") if isinstance(config, Mapping) else None
    if not isinstance(provider, Mapping):
        return
    for user_path, password_path in BASIC_AUTH.get(provider.get("name"), ()):
        key, secret = _at(provider, user_path), _at(provider, password_path)
        if isinstance(key, str) and isinstance(secret, str) and key and secret:
            add_to_secrets(base64.b64encode(f"{key}:{secret}".encode()).decode())


def _at(value: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


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
