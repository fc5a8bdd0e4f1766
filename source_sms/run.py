"""Console entry point: ``source-sms spec|check|discover|read``, plus ``source-sms manifest``."""

from __future__ import annotations

# First, before anything imports airbyte_cdk: 0.7 s less start-up for every command (see the module).
from source_sms import fast_start

fast_start.install()

import sys  # noqa: E402
import traceback
from importlib import resources
from pathlib import Path
from datetime import datetime, timezone
from typing import List, Optional

import yaml
from airbyte_cdk.entrypoint import AirbyteEntrypoint, launch
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteErrorTraceMessage,
    AirbyteLogMessage,
    AirbyteMessage,
    AirbyteMessageSerializer,
    AirbyteTraceMessage,
    FailureType,
    Level,
    Status,
    TraceType,
    Type,
)
import orjson

from source_sms.config_check import config_errors
from source_sms.manifest import build_manifest, connection_specification
from source_sms.source import MissingStreams, SourceSms
from source_sms.state import state_problems


def _print(message: AirbyteMessage) -> None:
    print(orjson.dumps(AirbyteMessageSerializer.dump(message)).decode(), flush=True)


def _trace_error(message: str, failure_type: FailureType, stack: str | None = None) -> AirbyteMessage:
    return AirbyteMessage(
        type=Type.TRACE,
        trace=AirbyteTraceMessage(
            type=TraceType.ERROR,
            emitted_at=datetime.now(timezone.utc).timestamp() * 1000,
            error=AirbyteErrorTraceMessage(message=message, internal_message=message, stack_trace=stack, failure_type=failure_type),
        ),
    )


MANIFEST_USAGE = """usage: source-sms manifest [--components DIR]

  source-sms manifest                   the pure manifest (no Python), for Airbyte Cloud's Connector Builder
  source-sms manifest --components DIR  DIR/manifest.yaml and DIR/components.py, for source-declarative-manifest
                                        (or a Builder that allows custom components)
"""


def _dump(manifest: dict) -> str:
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=120)


def write_manifest(args: List[str]) -> None:
    """The assembled manifest: the pure form on stdout, or the manifest + components.py pair in a folder."""
    if not args:
        sys.stdout.write(_dump(build_manifest(form="declarative")))
        return
    if len(args) != 2 or args[0] != "--components":
        sys.stderr.write(MANIFEST_USAGE)
        sys.exit(2)
    folder = Path(args[1])
    folder.mkdir(parents=True, exist_ok=True)
    # components.py is source_sms/model.py itself: the engine the package runs, standard library and airbyte-cdk only.
    (folder / "components.py").write_text(resources.files("source_sms").joinpath("model.py").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    (folder / "manifest.yaml").write_text(_dump(build_manifest(form="components")), encoding="utf-8")
    sys.stdout.write(f"Wrote {folder / 'manifest.yaml'} and {folder / 'components.py'}.\n")


def run(args: Optional[List[str]] = None) -> None:
    args = sys.argv[1:] if args is None else args
    if args[:1] == ["manifest"]:
        write_manifest(args[1:])
        return
    command = args[0] if args else ""
    config_path = AirbyteEntrypoint.extract_config(args)
    catalog_path = AirbyteEntrypoint.extract_catalog(args)
    state_path = AirbyteEntrypoint.extract_state(args)
    try:
        config = SourceSms.read_config(config_path) if config_path else None
    except Exception as error:  # unreadable or non-JSON config file
        config = None
        problems = [f"--config {config_path}: cannot be read as JSON ({error.__class__.__name__}: {error})."]
    else:
        problems = config_errors(config, connection_specification()) if config is not None else []
    if problems and command in ("check", "discover", "read"):
        text = "Invalid config: " + " ".join(problems)
        if command == "check":
            _print(AirbyteMessage(type=Type.CONNECTION_STATUS, connectionStatus=AirbyteConnectionStatus(status=Status.FAILED, message=text)))
            return
        _print(_trace_error(text, FailureType.config_error))
        sys.exit(1)
    try:
        catalog = SourceSms.read_catalog(catalog_path) if catalog_path else None
        state = SourceSms.read_state(state_path) if state_path else []
    except Exception as error:
        _print(_trace_error(f"Cannot read the catalog or state file: {error}", FailureType.config_error, traceback.format_exc()))
        sys.exit(1)
    if command == "read" and state and catalog is not None:
        errors, warnings = state_problems(state, build_manifest(config), config["provider"]["name"],
                                          [configured.stream.name for configured in catalog.streams])
        for warning in warnings:
            _print(AirbyteMessage(type=Type.LOG, log=AirbyteLogMessage(level=Level.WARN, message=warning)))
        if errors:
            _print(_trace_error("Invalid state: " + " ".join(errors), FailureType.config_error))
            sys.exit(1)
    source = SourceSms(catalog=catalog, config=config, state=state, config_path=config_path)
    try:
        launch(source, args)
    except MissingStreams as error:
        # A config error with the fix in its message: the trace without the stack the CDK's excepthook
        # would add, and exit 1, also when run() is called in process.
        _print(_trace_error(error.message, FailureType.config_error))
        sys.exit(1)


if __name__ == "__main__":
    run()
