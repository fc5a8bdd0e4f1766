"""The connector's Docker image for the image tests: the engine, the stand-in base, the build.

The image is built once per test session from the project's Dockerfile, on the local stand-in
for Airbyte's base image (scripts/docker/standin-base.sh: no registry can be reached here to pull
the real one). Without a Docker engine the image tests skip, and say why; in CI (`CI=true`) they
fail instead, because there .ci/run has started an engine and a skip would hide a broken image.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pytest

ROOT = Path(__file__).resolve().parent.parent
TAG = "airbyte/source-sms:dev"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# Lines for the end of the pytest run (integration_tests/conftest.py prints them), whatever -s says.
REPORT: list[str] = []


@dataclass
class Image:
    tag: str
    base: str
    docker: str
    base_seconds: float
    build_seconds: float
    size_bytes: int

    def inspect(self) -> dict[str, Any]:
        return json.loads(self.docker_cli("image", "inspect", self.tag).stdout)[0]

    def docker_cli(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([self.docker, *args], capture_output=True, text=True, timeout=timeout)


def unavailable(reason: str) -> None:
    """Skip the image tests outside CI, fail them in CI; either way the run's summary says why."""
    if IN_CI:
        REPORT.append(f"image tests FAILED: {reason} (CI=true, so the image tests may not be skipped)")
        pytest.fail(f"{reason}; in CI the image tests must run (.ci/run starts the engine)", pytrace=False)
    REPORT.append(f"image tests SKIPPED: {reason}. As root, scripts/docker/engine.sh installs and starts one.")
    pytest.skip(reason)


def _builds_with_buildkit(docker: str) -> bool:
    # The legacy builder copies the whole image for every Dockerfile step on the vfs storage
    # driver (minutes a step here); BuildKit does not. Clients from 23 on build with BuildKit only
    # through the buildx plugin; older ones (Debian's docker.io 20.10) have it built in.
    if subprocess.run([docker, "buildx", "version"], capture_output=True).returncode == 0:
        return True
    version = subprocess.run([docker, "version", "--format", "{{.Client.Version}}"], capture_output=True, text=True)
    major = version.stdout.strip().split(".")[0]
    return major.isdigit() and int(major) < 23


def engine() -> str:
    clients = [c for c in dict.fromkeys((shutil.which("docker"), "/usr/bin/docker")) if c and os.access(c, os.X_OK)]
    if not clients:
        unavailable("no `docker` command on PATH")
    docker = next((c for c in clients if _builds_with_buildkit(c)), None)
    if docker is None:
        unavailable(f"no docker client here builds with BuildKit ({', '.join(clients)}: install buildx, or Debian's docker.io)")
    info = subprocess.run([docker, "version"], capture_output=True, text=True, timeout=60)
    if info.returncode:
        said = (info.stderr.strip().splitlines() or ["no output"])[-1]
        unavailable(f"no Docker engine answers (`docker version`: {said})")
    return docker


_built: Optional[Image] = None


def build() -> Image:
    """The stand-in base (reused when its recipe is unchanged) and the image, built once a session."""
    global _built
    if _built is not None:
        return _built
    docker = engine()
    # Parallel test workers each build once a session; one at a time, so the second finds the layers
    # cached instead of building the stand-in base and the image again beside the first.
    with open(Path(tempfile.gettempdir()) / "source-sms-image-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build(docker)


def _build(docker: str) -> Image:
    global _built
    started = time.monotonic()
    base = subprocess.run([str(ROOT / "scripts/docker/standin-base.sh")], capture_output=True, text=True,
                          timeout=1200, env={**os.environ, "DOCKER": docker})
    if base.returncode:
        pytest.fail(f"the stand-in base image did not build:\n{base.stderr[-3000:]}", pytrace=False)
    base_tag = base.stdout.strip().splitlines()[-1]
    based = time.monotonic()
    # Host network for the build only: pip reaches the package registry; nothing else is there.
    done = subprocess.run([docker, "build", "--network", "host", "--build-arg", f"BASE_IMAGE={base_tag}",
                           "-t", TAG, str(ROOT)], capture_output=True, text=True, timeout=1800,
                          env={**os.environ, "DOCKER_BUILDKIT": "1"})
    if done.returncode:
        pytest.fail(f"docker build failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}", pytrace=False)
    built = time.monotonic()
    size = int(subprocess.run([docker, "image", "inspect", "-f", "{{.Size}}", TAG], capture_output=True,
                              text=True, check=True).stdout)
    _built = Image(TAG, base_tag, docker, based - started, built - based, size)
    REPORT.append(f"image {TAG}: {size / 1e6:.0f} MB; docker build {built - based:.0f} s "
                  f"(stand-in base {base_tag}: {based - started:.0f} s)")
    return _built


def host_network_shim(image: Image, directory: Path) -> Path:
    """A `docker` that adds `--network host` to `docker run`, for airbyte-cdk's own image tests.

    They call `docker run --rm ...` on the default network, but this engine has no bridge
    (containers reach nothing but loopback), and their scenarios' configs point at the emulator
    on 127.0.0.1, which a container sees only on the host's network.
    """
    shim = directory / "docker"
    shim.write_text(f'#!/bin/sh\nif [ "$1" = run ]; then shift; exec {image.docker} run --network host "$@"; fi\n'
                    f'exec {image.docker} "$@"\n')
    shim.chmod(0o755)
    return directory
