"""Lock the dependency tree (poetry.lock) and export it to the hashed requirement files pip installs.

    python scripts/lock.py           after a change to pyproject.toml's dependencies: re-lock, re-export
    python scripts/lock.py --check   offline: fail if poetry.lock or an export no longer matches

poetry.lock is the one source of truth (Poetry, as Airbyte's Python connectors use). The installs
themselves need no Poetry: the Dockerfile, `make test` and `make demo` run plain
`pip install --require-hashes --no-deps -r requirements/<file>.txt`, so that each gets exactly the
locked versions, checked against the lock's hashes, on any base image that has pip.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POETRY = str(ROOT / ".venv-tools" / "bin" / "poetry")

# Each export: the file, and the `poetry export` arguments that select what it holds.
EXPORTS = {
    "requirements/image.txt": [],  # the connector's runtime, what the Docker image holds
    "requirements/test.txt": ["--extras", "test"],  # make test's .venv
    "requirements/demo.txt": ["--extras", "demo", "--extras", "test"],  # make demo's .venv-demo
    "requirements/build.txt": ["--only", "build"],  # setuptools and wheel, to build the connector
}
HEADER = "# Generated from poetry.lock by scripts/lock.py; do not edit.\n"


def poetry(*args: str) -> str:
    done = subprocess.run([POETRY, *args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"poetry {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def export(args: list[str]) -> str:
    return HEADER + poetry("export", "--format", "requirements.txt", *args)


def exports() -> dict[str, str]:
    with ThreadPoolExecutor(len(EXPORTS)) as pool:
        return dict(zip(EXPORTS, pool.map(export, EXPORTS.values())))


def check() -> list[str]:
    """What no longer matches, as sentences; empty when the lock and every export are current."""
    lock = subprocess.run([POETRY, "check", "--lock"], cwd=ROOT, capture_output=True, text=True)
    if lock.returncode:
        return [f"poetry.lock does not match pyproject.toml ({(lock.stdout + lock.stderr).strip()}); "
                "run `python scripts/lock.py`"]
    return [f"{name} is not the export of poetry.lock; run `python scripts/lock.py`"
            for name, text in exports().items()
            if not (ROOT / name).is_file() or (ROOT / name).read_text() != text]


def main() -> None:
    if sys.argv[1:] == ["--check"]:
        problems = check()
        print("\n".join(problems) or "poetry.lock and requirements/*.txt match pyproject.toml")
        sys.exit(1 if problems else 0)
    poetry("lock")
    for name, text in exports().items():
        (ROOT / name).parent.mkdir(exist_ok=True)
        (ROOT / name).write_text(text)
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
