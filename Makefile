# Satu Pintu — the one command surface. `make dev` runs the whole stack locally; `make test` runs
# every test. Both install what they need first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Lambda runs python3.13: use it for the dev venv and for `sam build` when pyenv or PATH has it.
PY313 := $(shell { p=$$(pyenv prefix "$$(pyenv latest 3.13 2>/dev/null)" 2>/dev/null); \
  [ -x "$$p/bin/python3.13" ] && echo "$$p/bin/python3.13"; } || \
  python3.13 -c 'import sys; print(sys.executable)' 2>/dev/null)
PYTHON_BOOT := $(or $(PY313),python3)
VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
# checkov pins its own boto3 (exactly), so the security scanners get a venv of their own, like SAM CLI.
SEC_VENV := .venv-security
export SAM_CLI_TELEMETRY := 0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help dev test lint fmt build validate deploy seed requirements openapi site-paths redrive erase erase-backfill \
        cost bench setup clean unit-test browser-deps node-deps security audit

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(SAM_VENV)/.installed:
	test -x $(SAM_VENV)/bin/python || python3 -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet 'aws-sam-cli>=1.145,<2'
	touch $@

$(SEC_VENV)/.installed:
	test -x $(SEC_VENV)/bin/python || python3 -m venv $(SEC_VENV)
	$(SEC_VENV)/bin/pip install --quiet 'checkov>=3.2,<4' 'pip-audit>=2.7,<3'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node-deps: node_modules/.installed

# Debian's chromium for the browser tests, zbar and poppler to read issued PDFs and QR codes back.
browser-deps:
	@command -v chromium >/dev/null && command -v zbarimg >/dev/null && command -v pdftoppm >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium zbar-tools poppler-utils >/dev/null; }

setup: $(VENV)/.installed $(SAM_VENV)/.installed $(SEC_VENV)/.installed node-deps browser-deps  ## Install everything

dev: $(VENV)/.installed  ## Run the whole stack locally on moto (Ctrl-C stops it)
	$(PY) -m devstack

# On a stage, the stack's name and region are the ones samconfig.toml gives it.
ON_STAGE = $(if $(STAGE),AWS_DEFAULT_REGION="$$($(PY) scripts/deploy.py --stage $(STAGE) --show region)" ,)
STAGE_ARGS = $(if $(STAGE),--stage $(STAGE) --stack-name "$$($(PY) scripts/deploy.py --stage $(STAGE) --show stack_name)",)

seed: $(VENV)/.installed  ## Load the catalogue and service points (local stack, or STAGE=<stage> on AWS)
	$(ON_STAGE)$(PY) -m devstack.seed $(STAGE_ARGS)

requirements: $(VENV)/.installed  ## Regenerate functions/requirements.txt from pyproject.toml
	$(PY) scripts/gen_requirements.py

openapi: $(VENV)/.installed  ## Regenerate functions/shared/openapi.json from the routes
	$(PY) scripts/gen_openapi.py

site-paths: $(VENV)/.installed  ## Regenerate the site's file list in template.yaml's CloudFront function (after adding a page)
	$(PY) scripts/gen_site_paths.py

lint: $(VENV)/.installed  ## ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

validate: $(SAM_VENV)/.installed  ## sam validate --lint
	$(SAM) validate --lint --template template.yaml

# cfn-lint and checkov on both templates (a skipped check carries its reason in the resource's Metadata).
security: $(VENV)/.installed $(SAM_VENV)/.installed $(SEC_VENV)/.installed  ## cfn-lint and checkov on the templates
	$(SAM) validate --lint --template template.yaml
	$(VENV)/bin/cfn-lint --regions us-east-1 -- edge/waf.yaml
	$(SEC_VENV)/bin/checkov --framework cloudformation --skip-download --compact --quiet \
	  --file template.yaml --file edge/waf.yaml

# The known vulnerabilities of the Lambda requirements and of the npm tools. pip-audit and npm audit ask their
# advisory services (PyPI's per-release JSON or OSV, the npm registry's audit endpoint): --strict and npm's exit
# code make an unreachable service a failure, never a pass. Not part of `make test`: a build machine that reaches
# only a package mirror cannot answer them (see README, "Security checks").
audit: $(SEC_VENV)/.installed node-deps  ## pip-audit and npm audit (need the advisory services)
	$(SEC_VENV)/bin/pip-audit --strict --progress-spinner off --requirement functions/requirements.txt || { echo \
	  "pip-audit: a vulnerability, or a requirement it could not check (is the advisory service reachable?)" >&2; exit 1; }
	npm audit --audit-level=low || { echo \
	  "npm audit: a vulnerability, or the registry's audit service did not answer" >&2; exit 1; }

# sam build needs the runtime's python (3.13) on PATH; pyenv's is put first when present.
# SAM ships no bytecode, and Lambda's /var/task is read-only: without it every cold start compiles botocore,
# pydantic and Powertools from source. So each artifact is compiled here, by the runtime's python (bytecode is
# version-specific, not architecture-specific). unchecked-hash: the zip does not keep exact mtimes, so
# timestamp-checked bytecode could be judged stale and compiled again on every cold start.
# Then the code dataclasses, typing and namedtuple compile from text at import, recorded once per artifact
# (scripts/generated_code.py), so that no cold start compiles it either.
build: $(SAM_VENV)/.installed  ## sam build, then compile the artifacts' bytecode and generated code (needs python3.13)
	PATH="$(dir $(PYTHON_BOOT)):$$PATH" $(SAM) build --template template.yaml
	for artifact in .aws-sam/build/*/; do \
	  PATH="$(dir $(PYTHON_BOOT)):$$PATH" python3.13 -m compileall -q -j 0 --invalidation-mode unchecked-hash "$$artifact" \
	    || exit 1; \
	done
	PATH="$(dir $(PYTHON_BOOT)):$$PATH" python3.13 scripts/generated_code.py .aws-sam/build/*/

# The edge web ACL (us-east-1), the stack, the seed, the site and a CDN invalidation: scripts/deploy.py.
# DRY_RUN=1 prints the plan without building or touching AWS.
deploy: $(VENV)/.installed $(SAM_VENV)/.installed  ## STAGE=<stage> (a samconfig.toml section): build and deploy everything
	@test -n "$(STAGE)" || { echo "STAGE=<stage> is required (a section of samconfig.toml, e.g. dev)" >&2; exit 2; }
	$(if $(DRY_RUN),,$(MAKE) --no-print-directory build)
	$(PY) scripts/deploy.py --stage $(STAGE) --sam $(SAM) $(if $(DRY_RUN),--dry-run,)

redrive: $(VENV)/.installed  ## Move dead-lettered messages back to their queues (local stack, or STAGE=<stage>)
	$(ON_STAGE)$(PY) -m devstack.redrive $(STAGE_ARGS)

# Data protection: erase one person's data on request (asks for the NIK without echo), see docs/runbook.md.
erase: $(VENV)/.installed  ## Erase one person's personal data: REASON="letter no. ..." [STAGE=<stage>]
	$(PY) scripts/erase.py $(if $(STAGE),--stage $(STAGE),) --reason "$(REASON)"

erase-backfill: $(VENV)/.installed  ## Give items older than the person indexes their HMACs (once) [STAGE=<stage>]
	$(PY) scripts/erase.py $(if $(STAGE),--stage $(STAGE),) --backfill

cost: $(VENV)/.installed  ## Print the cost model of docs/cost.md from the request counts
	$(PY) scripts/cost_model.py

# The unit stage runs twice: as today, and with the clock a year ahead (no test may depend on today's date).
# Its tests share no state across processes (moto in-process, DynamoDB Local and servers on free ports), so they
# run in one worker per core (pytest-xdist); the browser and local-stack stage runs in one process.
UNIT := -m "not browser and not stack" -n auto
test: setup  ## Lint, validate and build the template, every test, then the security checks
	$(MAKE) --no-print-directory lint validate build
	$(PY) scripts/gen_requirements.py --check
	$(PY) scripts/gen_openapi.py --check
	$(PY) scripts/gen_site_paths.py --check
	$(PY) -m pytest $(UNIT)
	$(PY) -m pytest $(UNIT) --clock-shift-days=365 -q
	$(PY) -m pytest -m "browser or stack"
	$(MAKE) --no-print-directory security

unit-test: $(VENV)/.installed  ## The unit stage alone (fast: no browser, no local stack)
	$(PY) -m pytest $(UNIT)

bench: setup  ## Measure cold starts as Lambda pays them, gateway latency, page weight, the booking rush, a day on the local stack, Lighthouse on every page
	$(PY) bench/run.py --runtime-python "$(PY313)"
	$(PY) bench/booking_rush.py --rounds 3
	$(PY) bench/local_stack_day.py
	$(PY) bench/replay_day.py
	$(PY) bench/lighthouse.py

clean:
	rm -rf .aws-sam .local .pytest_cache
