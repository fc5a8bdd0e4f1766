"""Reading a `--state` file in every shape Airbyte has written, not only the current one.

airbyte-cdk 7.39 accepts only a list of per-stream/global state messages. Two older shapes fail or,
worse, are silently dropped so the next sync re-reads all history:

- the legacy state object, `{"messages": {"timestamp": "..."}}` (one key per stream), which the CDK
  rejects with a schema error ("messages" is not of type "object");
- a list of `LEGACY` messages, `[{"type": "LEGACY", "data": {...}}]`, which the CDK parses and then
  ignores (measured: a MessageMedia read with such a state re-read all 240 messages).

Both are turned into per-stream messages before the CDK sees them. This is Python outside the
manifest because the manifest has no hook for the state file's shape; the cursor values themselves
are still parsed by the manifest's cursors (their `cursor_datetime_formats`).
"""

from __future__ import annotations

import copy
from typing import Any, List, Mapping

from airbyte_cdk.models import AirbyteStateMessage, AirbyteStateMessageSerializer

STATE_MESSAGE_KEYS = {"type", "stream", "global", "data", "sourceStats", "destinationStats"}


def _per_stream(legacy: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "STREAM", "stream": {"stream_descriptor": {"name": name}, "stream_state": value}}
            for name, value in legacy.items() if isinstance(value, Mapping) and value]


def normalise_state(raw: Any) -> List[AirbyteStateMessage]:
    """State messages from whatever a state file held: a list of messages, a legacy object, or nothing."""
    if not raw:
        return []  # [], {} and null: a first sync
    if isinstance(raw, Mapping):
        # One message on its own, or the legacy object keyed by stream name.
        entries = [raw] if set(raw) & {"stream", "global"} else _per_stream(raw)
    elif isinstance(raw, list):
        entries = []
        for entry in raw:
            if isinstance(entry, Mapping) and not entry.get("stream") and not entry.get("global") and isinstance(entry.get("data"), Mapping):
                entries += _per_stream(entry["data"])
            else:
                entries.append(entry)
    else:
        raise ValueError(f"a state file holds a list of state messages, not {type(raw).__name__}")
    return [AirbyteStateMessageSerializer.load(entry) for entry in entries]


def _cursors(manifest: Mapping[str, Any], provider: str) -> dict[str, tuple[str, list[str]]]:
    """stream name -> (cursor field, date-time formats it accepts) for the provider's date-cursor streams."""
    from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver

    resolved = ManifestReferenceResolver().preprocess_manifest(copy.deepcopy(dict(manifest)))
    cursors = {}
    for block in resolved.get("streams", []):
        if block.get("type") != "ConditionalStreams" or f"== '{provider}'" not in block.get("condition", ""):
            continue
        for stream in block.get("streams", []):
            sync = stream.get("incremental_sync") or {}
            if sync.get("type") == "DatetimeBasedCursor":
                formats = [*(sync.get("cursor_datetime_formats") or []), sync["datetime_format"]]
                cursors[stream["name"]] = (sync["cursor_field"], formats)
    return cursors


def _parses(value: Any, formats: list[str]) -> bool:
    from airbyte_cdk.sources.declarative.datetime.datetime_parser import DatetimeParser

    if not isinstance(value, str):
        return False
    for fmt in formats:
        try:
            DatetimeParser().parse(value, fmt)
            return True
        except ValueError:
            continue
    return False


def state_problems(state: List[AirbyteStateMessage], manifest: Mapping[str, Any], provider: str,
                   selected: list[str]) -> tuple[list[str], list[str]]:
    """(errors, warnings) about a state before a read uses it.

    The CDK would crash with a stack trace on a cursor it cannot parse, and silently re-read all
    history when the cursor field is missing (a state written under another provider's config, say).
    Both are errors that name the stream and the fix. State for a stream the catalog does not select
    is harmless (Airbyte passes the state of deselected streams too): a warning, and it is kept.
    """
    cursors = _cursors(manifest, provider)
    errors, warnings = [], []
    for message in state:
        stream_state = getattr(message, "stream", None)
        if stream_state is None:
            continue
        name = stream_state.stream_descriptor.name
        if name not in selected:
            warnings.append(f"The state holds stream '{name}', which this sync's catalog does not select; it is left "
                            f"as it is and not used. Streams selected: {', '.join(selected) or 'none'}.")
            continue
        values = getattr(stream_state.stream_state, "__dict__", None) or {}
        if name not in cursors or not values or "states" in values or "parent_state" in values:
            continue  # a full-refresh stream, a reset stream ({}), or a per-partition shape the CDK owns
        field, formats = cursors[name]
        example = 'e.g. {"%s": "2026-09-30T07:28:03Z"}' % field
        if field not in values:
            errors.append(f"The state of stream '{name}' has no '{field}' cursor (it has {', '.join(sorted(values))}): it "
                          f"was probably written by another provider's config. Clear this stream's state (in Airbyte: "
                          f"the connection's Settings > Clear data / Reset) or give a state {example}.")
        elif not _parses(values[field], formats):
            errors.append(f"The state of stream '{name}' has '{field}' = {values[field]!r}, which is not a date-time in "
                          f"any format this stream reads ({', '.join(formats)}). Clear this stream's state or fix it, {example}.")
    return errors, warnings
