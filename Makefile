# Two commands a new user needs: `make demo` and `make test`. Both build their own virtualenv.
PYTHON ?= python3
VENV ?= .venv
DEMO_VENV ?= .venv-demo

.PHONY: demo test bench bench-rate clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

# PyAirbyte is large and pins its own dependency set, so the demo gets a virtualenv of its own
# (with the test extras too: `make test` runs the PyAirbyte test there).
$(DEMO_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/pip install -q --upgrade pip
	$(DEMO_VENV)/bin/pip install -q -e '.[demo,test]'
	touch $@

demo: $(DEMO_VENV)/.installed
	$(DEMO_VENV)/bin/python scripts/demo.py

# Everything in the test virtualenv (where test_pyairbyte.py skips itself), then the PyAirbyte
# run in the demo virtualenv: every stream of every provider into DuckDB, counts against the emulator.
# One worker per core, each test file on one worker (its module fixtures, e.g. scaled emulators, built once).
test: $(VENV)/.installed $(DEMO_VENV)/.installed
	$(VENV)/bin/python -m pytest -q -n auto --dist loadfile
	$(DEMO_VENV)/bin/python -m pytest -q integration_tests/test_pyairbyte.py

# Figures, not pass/fail: see the README's performance section. `make bench BENCH_ARGS=--rate` adds the
# rate-bound run (about 3 minutes at the real 100 calls / 60 s); `make bench-rate` runs only that one.
bench: $(VENV)/.installed
	$(VENV)/bin/python scripts/bench.py $(BENCH_ARGS)

bench-rate: $(VENV)/.installed
	$(VENV)/bin/python scripts/bench.py --rate-only

clean:
	rm -rf $(VENV) $(DEMO_VENV) demo_output .pytest_cache
