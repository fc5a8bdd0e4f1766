"""A key without every product of its provider (docs/products.md).

The manifest skips a 403 (the shared `forbidden` filter, IGNORE), so a stream whose product the key
lacks gives no records and the rest of the sync goes on. The CDK logs each skipped request at INFO
only, and closes the stream's partitions as if they had been read. ForbiddenStreams notes which
streams met a 403 (from those log records), warns once per such stream at its end, and withholds its
cursor STATE messages: an incremental stream must not save a cursor over windows it could not read,
or the history would be skipped once the key gets the product. `probe_products` is check's log of which
products the key has: one cheap read-only call per product, declared in each provider's fragment.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone
from typing import Any, Iterator, Mapping

from airbyte_cdk.models import AirbyteLogMessage, AirbyteMessage, AirbyteStreamStatus, Level, Type

from source_sms.manifest import PRODUCTS, PROVIDER_LABELS, stream_products

# The start of the manifest's `forbidden` filter message after the provider's label.
FORBIDDEN_MARK = "refused access (HTTP 403), the key lacks"
# The CDK's requester logger for a stream is airbyte.HttpRequester.<stream name>.
REQUESTER_LOGGER = "airbyte.HttpRequester."


def _provider(config: Mapping[str, Any]) -> str:
    provider = config.get("provider") if isinstance(config, Mapping) else None
    return provider.get("name", "") if isinstance(provider, Mapping) else ""


class ForbiddenStreams(logging.Handler):
    """Counts the 403s skipped per stream; filter() adds the stream's warning and drops its state."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__(level=logging.INFO)
        self.provider = _provider(config)
        self.skipped: dict[str, int] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> "ForbiddenStreams":
        logging.getLogger("airbyte").addHandler(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        logging.getLogger("airbyte").removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:  # called from the CDK's worker threads
        if record.name.startswith(REQUESTER_LOGGER) and FORBIDDEN_MARK in record.getMessage():
            with self._lock:
                stream = record.name[len(REQUESTER_LOGGER):]
                self.skipped[stream] = self.skipped.get(stream, 0) + 1

    def filter(self, message: AirbyteMessage) -> Iterator[AirbyteMessage]:  # type: ignore[override]
        # A partition's 403 is logged while it is read, before the main thread sees its state or the
        # stream's end, so the count is there when either passes.
        if message.type == Type.STATE and message.state.stream is not None:
            # Only a cursor could claim unread data; a full refresh's marker state goes out (it lets a
            # destination commit the records the stream did read).
            if message.state.stream.stream_descriptor.name in self.skipped and not _no_cursor(message):
                return
        elif (message.type == Type.TRACE and message.trace.stream_status is not None
              and message.trace.stream_status.status == AirbyteStreamStatus.COMPLETE):
            stream = message.trace.stream_status.stream_descriptor.name
            if stream in self.skipped:
                yield _log(Level.WARN, self.warning(stream))
        yield message

    def warning(self, stream: str) -> str:
        label = PROVIDER_LABELS.get(self.provider, self.provider)
        products = stream_products(self.provider).get(stream, [])
        lacks = " or ".join(p["name"] for p in products) or "the product or permission for this data"
        how = " ".join(p["hint"] for p in products)
        return (f"Stream {stream}: {label} refused access (HTTP 403) to {self.skipped[stream]} request(s), the key "
                f"lacks {lacks}. Its records are incomplete, and its state is not saved, so the next sync reads "
                f"it again. {how} Or deselect the stream.").replace("  ", " ")


def _no_cursor(message: AirbyteMessage) -> bool:
    state = message.state.stream.stream_state
    values = state.__dict__ if hasattr(state, "__dict__") else (state or {})
    return set(values) <= {"__ab_no_cursor_state_message"}


def _log(level: Level, text: str) -> AirbyteMessage:
    return AirbyteMessage(type=Type.LOG, log=AirbyteLogMessage(level=level, message=text))


# The probe's answer is only looked at: every status is accepted, none is retried.
_PROBE_ERROR_HANDLER = {"type": "DefaultErrorHandler", "max_retries": 0, "response_filters": [
    {"type": "HttpResponseFilter", "http_codes": list(range(400, 600)), "action": "IGNORE",
     "error_message": "Product check: {{ request_url }} answered with an error status."}]}


def probe_products(resolved_manifest: Mapping[str, Any], config: Mapping[str, Any], logger: logging.Logger) -> None:
    """Log, per product of the provider, whether the key may use it (2xx or 404: yes; 403: no)."""
    from airbyte_cdk.sources.declarative.models.declarative_component_schema import HttpRequester as HttpRequesterModel
    from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory

    provider = _provider(config)
    label = PROVIDER_LABELS.get(provider, provider)
    requester = (resolved_manifest.get("definitions", {}).get(provider) or {}).get("requester")
    if not PRODUCTS.get(provider) or not requester:
        return
    factory = ModelToComponentFactory()
    for product in PRODUCTS[provider]:
        probe = product["probe"]
        definition = {key: value for key, value in requester.items() if key != "$parameters"}
        definition.update(type="HttpRequester", path=probe["path"], http_method=probe.get("method", "GET"),
                          error_handler=_PROBE_ERROR_HANDLER)
        if probe.get("query"):
            definition["request_parameters"] = {k: str(v) for k, v in probe["query"].items()}
        if probe.get("body"):
            definition["request_body_json"] = probe["body"]
        streams = ", ".join(product["streams"])
        try:
            response = factory.create_component(HttpRequesterModel, definition, config, name="product_check").send_request()
            code = response.status_code if response is not None else None
        except Exception as error:  # a probe only informs; the verdict is already in
            logger.info(f"{label}: could not tell whether the key has {product['name']} ({error.__class__.__name__}).")
            continue
        if code == 403:
            logger.warning(f"{label}: the key lacks {product['name']} (HTTP 403), so streams {streams} will end "
                           f"with a warning and no data from it. {product['hint']} Or deselect those streams.")
        elif code is not None and (200 <= code < 300 or code == 404):
            logger.info(f"{label}: the key can read {product['name']} (streams {streams}).")
        else:
            logger.info(f"{label}: could not tell whether the key has {product['name']} (HTTP {code}).")
