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
