# prodops: `make run` sets everything up and runs the pipeline; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.spark-installed
PRODOPS := $(BIN)/prodops
# system packages the tests drive: Debian's Chromium at the path the browser tests use (never a
# downloaded browser build) and, for the optional Spark target, a Java runtime on the PATH;
# installed with apt when missing (through `sudo -n` unless root: no password prompt in CI)
CHROMIUM := /usr/bin/chromium
SUDO     := $(if $(filter 0,$(shell id -u)),,sudo -n)
APT      := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: run test test-spark java ui serve lint format bench docs clean

# uv installs the locked set into the venv in seconds (pip took 105 s of every clean clone's set-up),
# compiled to bytecode as pip does: where PYTHONDONTWRITEBYTECODE is set (as on this machine), every
# process would otherwise compile Dagster, dbt and GX from source again (90 s of `make test`)
UV_PIN := uv==0.13.9
UV     := $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check $(UV_PIN)
	$(UV) -r requirements.lock
	$(UV) --no-deps -e .
	@touch $@

## run: install, generate sample data if the inbox is empty, run the pipeline, print a summary
run: $(STAMP)
	$(PRODOPS) generate --if-empty
	$(PRODOPS) run

## test: lint and the whole test suite
test: $(STAMP) $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist loadgroup --no-loadscope-reorder

$(SPARK_STAMP): $(STAMP) requirements-spark.lock
	$(UV) -c requirements.lock -r requirements-spark.lock
	@touch $@

## test-spark: the optional Spark target: every mart built on Spark local[2] equals DuckDB's (needs Java 17)
test-spark: $(SPARK_STAMP) java
	$(BIN)/python -m pytest -m spark tests/spark

$(CHROMIUM):
	$(APT) update -qq
	$(APT) install -y -qq --no-install-recommends chromium

java:
	@command -v java >/dev/null || { $(APT) update -qq && $(APT) install -y -qq --no-install-recommends default-jre-headless; }

## ui: the Dagster UI (with the daemon: schedule and sensor run) on the workspace
ui: $(STAMP)
	$(PRODOPS) ui

## serve: the always-on deployment: webserver + daemon with a persistent Dagster home
serve: $(STAMP)
	$(PRODOPS) serve

## bench: performance at 1M, 10M and 100M events (make bench SIZES=1m,10m for a quicker run)
SIZES ?= 1m,10m,100m
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --sizes $(SIZES)

## docs: the dbt docs site of the workspace (then: $(PRODOPS) docs --serve, or open the static page)
docs: $(STAMP)
	$(PRODOPS) docs

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs .pytest_cache
