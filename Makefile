# Everything runs from a project-local virtualenv that this Makefile creates,
# so a fresh clone needs only Python 3.11+ and the package registries.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# langchain-mcp-adapters requires mcp<2, so its example runs from an environment of its own.
LC_VENV  := .venv-langchain
LC_STAMP := $(LC_VENV)/.installed
# Everything installed here comes from the hashed locks in requirements/ (make lock refreshes them).
LOCKS    := requirements
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes --upgrade

.DEFAULT_GOAL := help
.PHONY: help install lock bindings ranges test check unit lint typecheck schemas schemas-check pytest demo docs bench triage inspect fmt dist clean contract

help:
	@echo "make demo    - set up and run the offline demo (no AWS account needed)"
	@echo "make test    - set up and run every check (lint, format, pyright, schemas, pytest + coverage)"
	@echo "make check   - the fast loop (about a minute): lint, format, pyright and the unit tests only"
	@echo "               (no browser, release, agent-framework, container, fuzz/load or process-starting tests)"
	@echo "make contract - the Athena contract suite (emulator; a real account with ATHENA_CONTRACT_LIVE=1)"
	@echo "make bench   - benchmarks against a loopback emulator (writes benchmarks/results)"
	@echo "make triage  - top-1 accuracy of diagnose_athena_session on the triage corpus (with/without the flag)"
	@echo "make lock    - refresh the hashed locks in requirements/ to the newest releases pyproject.toml allows"
	@echo "make ranges  - the smoke test at the lowest and the newest versions pyproject.toml allows"
	@echo "make schemas - regenerate tool_schemas/*.json from the code"
	@echo "make docs    - regenerate the examples in README.md and docs/ from the code"
	@echo "make inspect - run the MCP Inspector CLI against the server on the emulator"
	@echo "make dist    - build the sdist and wheel into dist/ and check what they hold (docs/releasing.md)"

$(STAMP): pyproject.toml $(LOCKS)/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCKS)/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)

$(LC_STAMP): $(LOCKS)/langchain.txt
	$(PYTHON) -m venv $(LC_VENV)
	$(LC_VENV)/bin/python -m pip install --quiet --require-hashes -r $(LOCKS)/langchain.txt
	@touch $(LC_STAMP)

# The locks, refreshed to the newest releases the ranges allow (then run make test and commit them).
lock: $(STAMP)
	$(UV_COMPILE) pyproject.toml $(LOCKS)/build.in --extra dev -o $(LOCKS)/dev.txt
	$(UV_COMPILE) pyproject.toml -o $(LOCKS)/server.txt
	$(UV_COMPILE) pyproject.toml --extra emulator -o $(LOCKS)/emulator.txt
	$(UV_COMPILE) $(LOCKS)/build.in -o $(LOCKS)/build.txt
	$(UV_COMPILE) $(LOCKS)/langchain.in -o $(LOCKS)/langchain.txt

# The emulator's REST-JSON bindings, regenerated from the installed botocore (which must speak REST-JSON).
bindings: $(STAMP)
	$(BIN)/python -m athena_session_mcp.emulator.wire

# Both ends of the dependency ranges: throwaway environments at the lowest and the newest versions
# pyproject.toml allows, each running the end-to-end smoke test (tests/ranges.py).
ranges: $(STAMP)
	$(BIN)/python -m tests.ranges

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/pyright

schemas: $(STAMP)
	$(BIN)/python -m devtools.schemas write tool_schemas

# The examples between <!-- BEGIN generated:NAME --> markers in README.md, docs/*.md and examples/README.md
# (tests/test_docs_examples.py fails when they drift from the code).
docs: $(STAMP)
	$(BIN)/python -m devtools.docs_examples write

schemas-check: $(STAMP)
	$(BIN)/python -m devtools.schemas check tool_schemas

pytest: $(STAMP) $(LC_STAMP)
	LANGCHAIN_PYTHON=$(LC_VENV)/bin/python $(BIN)/python -m pytest -W error --cov --cov-branch --cov-report=term

test: lint typecheck schemas-check ranges pytest

# The tests marked slow (tests/conftest.py: they start processes, drive frameworks, fuzz or load, build
# the container image, run haproxy replicas or OAuth flows) run in `make test` only.
unit: $(STAMP)
	$(BIN)/python -m pytest -q -W error -m "not slow" -n auto -p no:cacheprovider

# pyright and the unit tests side by side (one core each on a 2-core machine), each one's output whole.
check: lint
	@$(MAKE) --no-print-directory -j2 --output-sync=target typecheck unit

demo: $(STAMP)
	$(BIN)/athena-session-mcp demo

# The contract suite alone: the emulator by default, a real account with ATHENA_CONTRACT_LIVE=1 (docs/contract.md).
contract: $(STAMP)
	$(BIN)/python -m pytest tests/contract -v -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/diagnose.py
	$(BIN)/python benchmarks/account.py
	$(BIN)/python benchmarks/triage.py
	$(BIN)/python benchmarks/http_load.py

# Triage accuracy alone: tuned and held-out corpora, with and without --allow-sensitive-data-access.
triage: $(STAMP)
	$(BIN)/python benchmarks/triage.py

# The MCP Inspector CLI (needs Node.js/npx; not part of `make test`): list the tools of the server on the
# offline emulator, then call one. Inspector options come before `--`, the server command after it.
INSPECTOR ?= @modelcontextprotocol/inspector@2.12.0
INSPECT_SERVER := $(BIN)/athena-session-mcp serve --emulator

inspect: $(STAMP)
	npx --yes $(INSPECTOR) --cli --method tools/list -- $(INSPECT_SERVER)
	npx --yes $(INSPECTOR) --cli --method tools/call --tool-name get_athena_session \
		--tool-arg SessionId=demo-idle-near-timeout -- $(INSPECT_SERVER)

# The release artifacts: sdist + wheel in dist/ (isolated build, as a release would), then the checks of
# tests/release_checks.py (contents, metadata, README as long description, twine check --strict).
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/python -m tests.release_checks dist

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) $(LC_VENV) .venv-ranges .pytest_cache .ruff_cache .coverage .coverage.* htmlcov dist build
