# Two commands a newcomer needs (README):
#   make demo   set up and start the kiosk on its embedded defaults
#   make test   set up and run the whole test suite (lint, types, tests)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo demo-browser test lint types pytest system-deps translations clean bench soak chroot-check guide-check screenshots mutation

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,hub]'
	touch $(STAMP)

translations: $(STAMP)
	$(PY) -m kiosk.i18n_build

demo: $(STAMP) translations
	$(VENV)/bin/kiosk serve --demo

# The demo in Chromium with the appliance's flags (incognito, a throw-away profile).
demo-browser:
	scripts/demo-browser.sh

# System packages the tests need (Chromium for the browser tests, mtools and
# friends for provisioning, systemd-analyze, shellcheck). Only when root on Debian;
# elsewhere the tests that need them skip with the reason.
system-deps:
	@scripts/install-system-deps.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache --no-logo

types: $(STAMP)
	$(VENV)/bin/mypy

# The browser tests run beside the others (scripts/run-tests.sh); with PYTEST_ARGS
# (a file, -k ...) it is plain pytest with them.
pytest: $(STAMP) translations
	VENV=$(VENV) scripts/run-tests.sh $(PYTEST_ARGS)

test: system-deps lint types pytest

# Pictures of every public screen for docs/screens.md (the tests take none).
screenshots: $(STAMP) translations
	$(PY) -m tests.browser.screenshots docs/screenshots

# Every benchmark but the soak, which takes hours (make soak; docs/performance.md).
bench: $(STAMP) translations
	@for b in $(filter-out bench/bench_soak.py,$(wildcard bench/bench_*.py)); do echo "== $$b"; $(PY) $$b || exit 1; done

MINUTES ?= 120
soak: $(STAMP) translations
	$(PY) bench/bench_soak.py --minutes $(MINUTES)

# Mutation testing of the pure core (docs/testing.md): slow, so not part of `make test`.
# MODULES=scoring runs the listed modules whose path has that word; JOBS=2 tests two
# mutants at once.
MODULES ?=
JOBS ?= 1
mutation: $(STAMP) translations
	$(PY) scripts/mutation.py --jobs $(JOBS) $(MODULES)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# The golden image's stage in a Debian bookworm chroot (debootstrap): root, network
# and a few minutes, so not part of `make test`. FULL=1 also installs 00-packages.
chroot-check:
	provisioning/pi-gen/chroot-check.sh $(CHROOT_DIR)

# docs/coordinator-guide.md followed literally (also part of `make test`).
guide-check: $(STAMP) translations
	$(VENV)/bin/pytest tests/test_coordinator_guide.py -v
