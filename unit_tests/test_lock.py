"""The lock (poetry.lock) and its exports (requirements/*.txt) match pyproject.toml. Offline.

Every install installs from the exports (the Dockerfile, `make test`, `make demo`), so a dependency
added to pyproject.toml without re-locking would silently never be installed; this fails first.
Poetry lives in the tools virtualenv (`make .venv-tools/.installed`, which `make test` builds).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POETRY = ROOT / ".venv-tools" / "bin" / "poetry"


@pytest.fixture
def lock_script():
    if not POETRY.exists():
        reason = "Poetry is not installed: `make .venv-tools/.installed` (make test does it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return [sys.executable, str(ROOT / "scripts" / "lock.py"), "--check"]


def test_the_lock_and_its_exports_match_pyproject(lock_script):
    done = subprocess.run(lock_script, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_dependency_added_without_relocking_fails_the_check(lock_script, tmp_path):
    # The same check on a copy whose pyproject.toml gained a dependency the lock has never seen.
    for name in ("pyproject.toml", "poetry.lock", "README.md"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('dependencies = [\n', 'dependencies = [\n  "six>=1.16",\n', 1))
    done = subprocess.run([str(POETRY), "check", "--lock"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "poetry lock" in done.stdout + done.stderr
