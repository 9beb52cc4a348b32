# The two commands of the README: `make demo` and `make test`. Both build the virtual
# environment from the pinned requirements.txt first (once; again when it changes).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export HF_HUB_OFFLINE := 1

.PHONY: demo test venv clean

venv: $(INSTALLED)

$(INSTALLED): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -e .
	touch $(INSTALLED)

demo: $(INSTALLED)
	$(BIN)/culture demo

# Tests run on every core (pytest-xdist); `make test TEST_WORKERS=0` runs them in one process.
# loadgroup keeps the tests of one expensive shared fixture on one worker (tests/conftest.py);
# --durations lists the slowest tests, to keep the README's list current.
TEST_WORKERS ?= auto

test: $(INSTALLED)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=25

clean:
	rm -rf var
