"""Plain-words error messages for failures the declarative manifest cannot word itself.

Python, not manifest, because the CDK words these failures before any manifest component sees them:
an `HttpResponseFilter` (and so its `error_message`) only ever matches a *response*; a request
that timed out is an exception, which the CDK maps to its built-in "Exhausted available request
attempts ... ReadTimeout: HTTPConnectionPool(host=..., port=...): Read timed out. (read timeout=1.0)"
text, naming neither the provider, the endpoint nor the setting to change.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping, Optional

from airbyte_cdk.models import AirbyteMessage, TraceType, Type

_READ_TIMEOUT = re.compile(r"Read timed out\. \(read timeout=([0-9.]+)\)")


def _stream_url(manifest: Mapping[str, Any], provider: str, stream: str, base_url: str) -> str:
    """The stream's endpoint: base URL and the requester's path up to its first template part."""
    for block in manifest.get("streams", []):
        if provider not in str(block.get("condition", "")):
            continue
        for candidate in block.get("streams", []):
            if candidate.get("name") == stream:
                requester = (candidate.get("retriever") or {}).get("requester") or {}
                path = str(requester.get("path") or "").strip()
                if "{" in path:
                    path = path.split("{", 1)[0] + "…"
                return f"{requester.get('http_method', 'GET')} {base_url.rstrip('/')}{path}"
    return base_url


def explain_timeout(text: str, config: Mapping[str, Any], manifest: Mapping[str, Any], stream: Optional[str],
                    labels: Mapping[str, str], base_urls: Mapping[str, str]) -> Optional[str]:
    """A message naming provider, stream, endpoint and request_timeout_seconds, or None if ``text`` is no read timeout."""
    found = _READ_TIMEOUT.search(text or "")
    if not found:
        return None
    provider = config.get("provider") if isinstance(config.get("provider"), Mapping) else {}
    name = str(provider.get("name") or "")
    label = labels.get(name, name or "The provider")
    seconds = float(found.group(1))
    shown = f"{seconds:g} s"
    where = _stream_url(manifest, name, stream, provider.get("base_url") or base_urls.get(name, "")) if stream else "its API"
    tries = config.get("max_retries", 6)
    return (f"{label} did not answer the {stream or 'sync'} request ({where}) within request_timeout_seconds = {shown}, "
            f"on the first attempt or any of {tries} retries. If the provider is slow rather than down, raise "
            f"request_timeout_seconds (default 300); otherwise check its status page and that this machine can reach "
            f"{provider.get('base_url') or base_urls.get(name, 'it')}. Details: {text}")


def explain_messages(messages: Iterable[AirbyteMessage], **context: Any) -> Iterable[AirbyteMessage]:
    """``messages`` with each read-timeout error trace reworded by ``explain_timeout``."""
    for message in messages:
        if message.type == Type.TRACE and message.trace.type == TraceType.ERROR and message.trace.error:
            error = message.trace.error
            stream = error.stream_descriptor.name if error.stream_descriptor else None
            better = explain_timeout(error.message, stream=stream, **context)
            if better:
                error.message = better
        yield message
