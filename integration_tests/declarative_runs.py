"""`source-sms manifest` run the two ways Airbyte runs a manifest-only connector, as subprocesses.

- The CDK's `source-declarative-manifest` command (installed with airbyte-cdk): what a connector
  published from the Connector Builder runs. Outside its Docker image (which bakes the manifest in at
  /airbyte/integration_code/source_declarative_manifest/) it reads the manifest from the config key
  `__injected_declarative_manifest`, as the platform injects it.
- The Connector Builder's backend, `python -m airbyte_cdk.connector_builder.main read`, with the
  manifest in the same key and `__command` saying what the Builder asks: `resolve_manifest` or
  `test_read` (one stream, within the test-read limits: `__test_read_config` or the CDK's defaults).

- The same command with `--manifest-path`/`--components-path`: the manifest + components.py pair
  that `source-sms manifest --components DIR` writes, as Airbyte OSS runs a manifest-only connector
  with custom components (the code is caller-supplied, so AIRBYTE_ENABLE_UNSAFE_CODE must be true).

None imports source_sms: only the printed files cross over, as they do for a Builder user.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator, Optional

import yaml

from integration_tests.conftest import COMMAND, Run

DECLARATIVE_MANIFEST = str(Path(sys.executable).with_name("source-declarative-manifest"))
BUILDER = (sys.executable, "-m", "airbyte_cdk.connector_builder.main")


def _run(tmp_path: Path, argv: list[str], files: dict[str, Any], env: Optional[dict[str, str]] = None) -> Run:
    args = list(argv)
    for flag, value in files.items():
        path = tmp_path / f"{flag}.json"
        path.write_text(json.dumps(value))
        args += [f"--{flag}", str(path)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return Run(messages, done.returncode, done.stderr, done.stdout)


def printed_manifest(tmp_path: Path) -> dict[str, Any]:
    """What `source-sms manifest` prints, parsed as a Builder import parses the YAML file."""
    done = subprocess.run([COMMAND, "manifest"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def components_pair(folder: Path) -> tuple[dict[str, Any], Path]:
    """What `source-sms manifest --components DIR` writes: the parsed manifest.yaml, and components.py."""
    done = subprocess.run([COMMAND, "manifest", "--components", str(folder)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return yaml.safe_load((folder / "manifest.yaml").read_text()), folder / "components.py"


def with_components(tmp_path: Path, command: str, config: dict[str, Any], pair: tuple[dict[str, Any], Path],
                    catalog: Optional[dict] = None) -> Run:
    manifest_path = tmp_path / "manifest.yaml"
    manifest_path.write_text(yaml.safe_dump(pair[0], sort_keys=False))
    files = {name: value for name, value in (("config", config), ("catalog", catalog)) if value is not None}
    return _run(tmp_path, [DECLARATIVE_MANIFEST, command, "--manifest-path", str(manifest_path),
                           "--components-path", str(pair[1])], files, env={"AIRBYTE_ENABLE_UNSAFE_CODE": "true"})


def injected(config: dict[str, Any], manifest: dict[str, Any], **keys: Any) -> dict[str, Any]:
    return {**config, "__injected_declarative_manifest": manifest, **keys}


def declarative_manifest(tmp_path: Path, command: str, config: Optional[dict] = None,
                         catalog: Optional[dict] = None) -> Run:
    files = {name: value for name, value in (("config", config), ("catalog", catalog)) if value is not None}
    return _run(tmp_path, [DECLARATIVE_MANIFEST, command], files)


def builder(tmp_path: Path, command: str, config: dict[str, Any], manifest: dict[str, Any],
            catalog: Optional[dict] = None, limits: Optional[dict] = None, components: Optional[Path] = None) -> dict[str, Any]:
    """The Builder backend's one answer: a RECORD whose data is the result, or a TRACE error.
    ``components``: a components.py sent along, as a Builder that allows custom components does."""
    extra: dict[str, Any] = {"__test_read_config": limits} if limits else {}
    env = None
    if components is not None:
        code = components.read_text()
        extra.update(__injected_components_py=code,
                     __injected_components_py_checksums={"md5": hashlib.md5(code.encode()).hexdigest()})
        env = {"AIRBYTE_ENABLE_UNSAFE_CODE": "true"}
    if catalog is None:
        # resolve_manifest takes no catalog; the backend's README passes an empty --catalog argument.
        run = _run(tmp_path, [*BUILDER, "read", "--catalog", ""],
                   {"config": injected(config, manifest, __command=command, **extra)}, env)
    else:
        run = _run(tmp_path, [*BUILDER, "read"], {"config": injected(config, manifest, __command=command, **extra),
                                                   "catalog": catalog}, env)
    answers = [m for m in run.messages if m["type"] in ("RECORD", "TRACE")]
    assert run.returncode == 0 and answers, run.stdout[-3000:] + run.stderr[-3000:]
    return answers[-1]


def one_stream_catalog(stream: dict[str, Any]) -> dict[str, Any]:
    return {"streams": [{"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}


def provider_streams(manifest: dict[str, Any], provider: str) -> list[dict[str, Any]]:
    """The stream definitions of one provider's ConditionalStreams block, every $ref resolved."""
    from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver

    resolved = ManifestReferenceResolver().preprocess_manifest(copy.deepcopy(manifest))
    return next(b for b in resolved["streams"] if f"== '{provider}'" in b.get("condition", ""))["streams"]


def walk(node: Any) -> Iterator[Any]:
    """Every mapping and list in a parsed manifest, depth first."""
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from walk(child)
