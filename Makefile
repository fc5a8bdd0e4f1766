# Two commands a new user needs: `make demo` and `make test`. Both build their own virtualenv.
PYTHON ?= python3
VENV ?= .venv
DEMO_VENV ?= .venv-demo
# Poetry only locks (poetry.lock) and exports the lock to requirements/*.txt; the installs are pip's.
TOOLS_VENV ?= .venv-tools
# Exactly the locked versions, checked against the lock's hashes, then the connector itself (editable,
# built with the locked setuptools rather than whatever build isolation would fetch).
PIP_LOCKED = pip install -q --require-hashes --no-deps -r requirements/build.txt -r
PIP_SELF = pip install -q --no-deps --no-build-isolation -e .

.PHONY: demo test lock bench bench-rate clean

$(VENV)/.installed: pyproject.toml requirements/test.txt requirements/build.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/$(PIP_LOCKED) requirements/test.txt
	$(VENV)/bin/$(PIP_SELF)
	touch $@

$(TOOLS_VENV)/.installed:
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install -q poetry==2.5.1 poetry-plugin-export==1.10.1
	touch $@

# After a change to pyproject.toml's dependencies (or to pick up newer releases): see docs/delivery.md.
lock: $(TOOLS_VENV)/.installed
	$(TOOLS_VENV)/bin/python scripts/lock.py

# PyAirbyte is large and pins its own dependency set, so the demo gets a virtualenv of its own
# (with the test extras too: `make test` runs the PyAirbyte test there).
$(DEMO_VENV)/.installed: pyproject.toml requirements/demo.txt requirements/build.txt
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/$(PIP_LOCKED) requirements/demo.txt
	$(DEMO_VENV)/bin/$(PIP_SELF)
	touch $@

demo: $(DEMO_VENV)/.installed
	$(DEMO_VENV)/bin/python scripts/demo.py

# Everything in the test virtualenv (where test_pyairbyte.py skips itself), then the PyAirbyte
# run in the demo virtualenv: every stream of every provider into DuckDB and into PostgreSQL.
# The image tests (integration_tests/test_image.py) need a Docker engine: without one they skip and
# the run's last lines say why (scripts/docker/engine.sh starts one; .ci/run does, and CI=true
# makes a skip a failure). One worker per core, each test file on one worker (its module
# fixtures, e.g. scaled emulators, are built once). The tools virtualenv holds Poetry, for the test that the lock is current.
test: $(VENV)/.installed $(DEMO_VENV)/.installed $(TOOLS_VENV)/.installed
	$(VENV)/bin/python -m pytest -q -n auto --dist loadfile
	$(DEMO_VENV)/bin/python -m pytest -q integration_tests/test_pyairbyte.py integration_tests/test_postgres.py

# Figures, not pass/fail: see docs/performance.md. `make bench BENCH_ARGS=--rate` adds the
# rate-bound run (about 3 minutes at the real 100 calls / 60 s); `make bench-rate` runs only that one.
bench: $(VENV)/.installed
	$(VENV)/bin/python scripts/bench.py $(BENCH_ARGS)

bench-rate: $(VENV)/.installed
	$(VENV)/bin/python scripts/bench.py --rate-only

clean:
	rm -rf $(VENV) $(DEMO_VENV) $(TOOLS_VENV) demo_output .pytest_cache
