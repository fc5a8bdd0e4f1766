"""A private PostgreSQL server for the tests: initdb into a temporary directory, started on a free
loopback port (its unix socket in that directory too), stopped and removed afterwards.

It uses the server binaries of Debian's `postgresql` package (scripts/ci/install_postgres.sh installs
them; .ci/run calls it). Without them the tests skip, except under CI=true, where they fail: CI must
not pass by skipping the one warehouse test it has. PostgreSQL refuses to run as root, so as root the
server runs as the unprivileged `postgres` user that the package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import pytest

USER = "sms"
PASSWORD = "sms-test-only"  # the server listens on 127.0.0.1 only and lives as long as the test session
DATABASE = "sms"


@dataclass
class Server:
    host: str
    port: int
    user: str
    password: str
    database: str
    socket_dir: Path


def server_binaries() -> Optional[Path]:
    """The newest installed server's bin directory (Debian keeps initdb and pg_ctl out of PATH)."""
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parent.parent.name)
                    if Path(p).parent.parent.name.isdigit() else 0)
    found = debian[-1] if debian else shutil.which("pg_ctl")
    return Path(found).parent if found and (Path(found).parent / "initdb").exists() else None


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must run the PostgreSQL test (.ci/run calls scripts/ci/install_postgres.sh)")
    pytest.skip(f"{reason} (scripts/ci/install_postgres.sh installs it)")


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres() -> Iterator[Server]:
    binaries = server_binaries()
    if binaries is None:
        unavailable("PostgreSQL's server (initdb, pg_ctl) is not installed")
    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            unavailable("running as root and there is no unprivileged `postgres` user to run the server as")
        as_user = ["runuser", "-u", "postgres", "--"]

    root = Path(tempfile.mkdtemp(prefix="source-sms-postgres-"))
    data, password_file, log = root / "data", root / "password", root / "server.log"
    password_file.write_text(PASSWORD + "\n")
    if owner is not None:
        os.chown(root, owner.pw_uid, owner.pw_gid)
        os.chown(password_file, owner.pw_uid, owner.pw_gid)

    def run(*args: str) -> None:
        done = subprocess.run([*as_user, *args], capture_output=True, text=True, timeout=120)
        if done.returncode:
            log_text = log.read_text() if log.exists() else ""
            pytest.fail(f"{' '.join(args[:2])} failed ({done.returncode}): {done.stderr.strip()}\n{log_text}")

    # Password login over TCP (what a warehouse user configures); trust only on the private socket.
    run(str(binaries / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={password_file}", "-E", "UTF8",
        "--locale=C", "--auth-host=scram-sha-256", "--auth-local=trust")
    port = free_loopback_port()
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off"
    run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
    try:
        run(str(binaries / "createdb"), "-h", str(root), "-p", str(port), "-U", USER, DATABASE)
        yield Server("127.0.0.1", port, USER, PASSWORD, DATABASE, root)
    finally:
        subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(root, ignore_errors=True)
