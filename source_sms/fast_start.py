"""Start-up: the CDK's message serializers without the JSON schemas nothing reads.

Why this module exists (issue #6, profile of `source-sms read`): importing `airbyte_cdk.models`
builds eight serpyco-rs `Serializer`s, and each builds the JSON schema of its dataclasses at once.
For the docstrings in those schemas serpyco-rs calls `inspect.getsource` per class, which parses the
whole protocol-models module again for every class: 0.7 s of the ~2.2 s every command (spec, check,
discover, read) spends before doing anything. The CDK only dumps and loads with those serializers;
it never asks one for its schema. So the schema is built on first request instead of at import.

Import this before anything imports airbyte_cdk (run.py does, first thing). If serpyco-rs changes
the internals used here, nothing is patched and start-up is simply as slow as before.
"""

from __future__ import annotations

from typing import Any


def install() -> bool:
    try:
        from serpyco_rs import _main
    except ImportError:
        return False
    serializer = getattr(_main, "Serializer", None)
    build_schema = getattr(_main, "get_json_schema", None)
    if serializer is None or build_schema is None or getattr(serializer, "_schema_on_demand", False):
        return False

    def schema_later(type_info: Any) -> None:
        return None

    def get_json_schema(self: Any) -> dict[str, Any]:
        if self._schema is None:
            self._schema = build_schema(self._type_info)
        return self._schema

    _main.get_json_schema = schema_later
    serializer.get_json_schema = get_json_schema
    serializer._schema_on_demand = True
    return True
