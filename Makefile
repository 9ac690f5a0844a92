# The two commands a newcomer needs: `make run` and `make test`. Everything installs into .venv.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := shared services/registration services/teams services/notifications
STAMP := $(VENV)/.installed
# The web pages' npm packages (web/package-lock.json: the chart library), installed by npm ci.
WEB_STAMP := web/node_modules/.installed

export WEBHOOK_ALLOW_LOOPBACK ?= true

# run, seed, token and the Docker stack share development secrets, made once in var/secrets.env
# (mode 0600); a value set in the environment wins.
WITH_SECRETS := $(BIN)/association-dev-secrets var/secrets.env --

.PHONY: install lock run seed test lint format token bench up down reset logs clean

# The locks (`make lock` writes both, `make install` and the images install from them): every
# package at one version with its hashes, for Python 3.11 on Linux. requirements-lock.txt has the
# four packages' dependencies, test extras included, and the tools of requirements-dev.txt;
# deploy/requirements-lock.txt the services' runtime only, at the same versions. The packages
# themselves are installed from here. LOCK_ARGS=--upgrade (or --upgrade-package NAME) moves pins
# within the bounds of the pyprojects and requirements-dev.txt; without it only what changed moves.
LOCK := requirements-lock.txt
IMAGE_LOCK := deploy/requirements-lock.txt
LOCAL_PACKAGES := association-shared association-registration association-teams association-notifications
UV_PIN = $(shell grep -o '^uv==[^ ]*' requirements-dev.txt)
COMPILE = $(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 --python-platform linux \
	$(foreach p,$(LOCAL_PACKAGES),--no-emit-package $(p)) --custom-compile-command "make lock" $(LOCK_ARGS)

install: $(STAMP) $(WEB_STAMP)

$(WEB_STAMP): web/package-lock.json web/package.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 and npm (Debian: apt-get install npm)"; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $(WEB_STAMP)

$(STAMP): $(LOCK) $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation $(foreach p,$(PACKAGES),-e $(p))
	@$(BIN)/python -m pip check || { echo "a dependency is missing from $(LOCK): run make lock"; exit 1; }
	@touch $(STAMP)

# uv at the version requirements-dev.txt pins, installed on its own: a stale lock cannot stop it.
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test "$$($(BIN)/uv --version 2>/dev/null | cut -d' ' -f2)" = "$(patsubst uv==%,%,$(UV_PIN))" \
		|| $(BIN)/python -m pip install --quiet "$(UV_PIN)"
	$(COMPILE) requirements-lock.in -o $(LOCK)
	$(COMPILE) deploy/requirements-lock.in -o $(IMAGE_LOCK)

# The web pages' origin (port 8080) is added to CORS_ORIGINS so that the pages may call the APIs.
WEB_ORIGINS := http://localhost:8080,http://127.0.0.1:8080

run: install
	@$(WITH_SECRETS) $(BIN)/association-preflight
	@mkdir -p var
	@CORS_ORIGINS="$${CORS_ORIGINS:+$$CORS_ORIGINS,}$(WEB_ORIGINS)" PATH="$(CURDIR)/$(BIN):$$PATH" $(WITH_SECRETS) honcho start -f Procfile || test $$? -eq 130

seed: install
	$(WITH_SECRETS) $(BIN)/python -m tools.seed $(SEED_ARGS)

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

token: install
	@$(WITH_SECRETS) $(BIN)/association-token --scope "$(or $(SCOPE),admin)" --sub "$(or $(SUB),operator)"

bench: install
	$(BIN)/python -m bench

# The compose stack, through `docker compose` or `docker-compose` (tools/compose_stack.py), on the
# public images or, where they cannot be pulled, images built from Debian's packages.
COMPOSE_PROJECT ?= association
STACK = $(WITH_SECRETS) $(BIN)/python -m tools.compose_stack --project $(COMPOSE_PROJECT) \
	$$($(BIN)/python -m tools.local_images)

up: install
	@$(STACK) up

down: install
	@$(STACK) down

reset: install
	@$(STACK) reset

logs: install
	@$(STACK) logs

clean:
	rm -rf $(VENV) var .pytest_cache web/node_modules
