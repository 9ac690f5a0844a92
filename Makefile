# The two commands a newcomer needs: `make run` and `make test`. Everything installs into .venv.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := shared services/registration services/teams services/notifications
STAMP := $(VENV)/.installed

export WEBHOOK_ALLOW_LOOPBACK ?= true

# run, seed, token and the Docker stack share development secrets, made once in var/secrets.env
# (mode 0600); a value set in the environment wins.
WITH_SECRETS := $(BIN)/association-dev-secrets var/secrets.env --

.PHONY: install run seed test lint format token bench up down reset logs clean

install: $(STAMP)

$(STAMP): $(foreach p,$(PACKAGES),$(p)/pyproject.toml) requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt $(foreach p,$(PACKAGES),-e $(p)[test])
	@touch $(STAMP)

run: install
	@$(WITH_SECRETS) $(BIN)/association-preflight
	@mkdir -p var
	@PATH="$(CURDIR)/$(BIN):$$PATH" $(WITH_SECRETS) honcho start -f Procfile || test $$? -eq 130

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
	rm -rf $(VENV) var .pytest_cache
