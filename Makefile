.PHONY: run test bench lint reliability screenshots
HOST ?= 127.0.0.1
PORT ?= 8000
SIZE ?= 200000
run:  ## the web app and API with the 2025 plan and a synthetic population (make run PORT=8080 SIZE=50000)
	bash scripts/run.sh --host $(HOST) --port $(PORT) --size $(SIZE)
test:  ## the whole test suite (SQLite and PostgreSQL)
	bash scripts/test.sh
bench:  ## every benchmark under bench/, with its peers
	bash scripts/bootstrap.sh test,bench
	.venv/bin/python -m bench
RELIABILITY_ARGS ?= --restart-postgres
reliability:  ## load, faults, fuzzing, attacks, backups (under 15 minutes; restarts the local PostgreSQL)
	bash scripts/bootstrap.sh test,bench
	bash deploy/nginx/ensure-nginx.sh
	.venv/bin/python -m bench reliability $(RELIABILITY_ARGS)
screenshots:  ## every page of the journey tests at 390 and 1280 px, in var/screenshots/journeys/
	bash scripts/screenshots.sh
lint:
	bash scripts/bootstrap.sh test
	.venv/bin/ruff check src tests bench
