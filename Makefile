# EduTV: `make demo` and `make test` each set up a fresh Debian/Ubuntu machine themselves.
.DEFAULT_GOAL := help
VENV := .venv/bin
export TV_TEST_POSTGRES_URL ?= postgresql+psycopg://edutv:edutv@127.0.0.1:5432/postgres
export TV_TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: help demo test lint bench serve seed-demo

help:
	@echo "make demo   install what is missing, build the demo catalog, serve it on :8000,"
	@echo "            and open the TV client where there is a screen"
	@echo "make test   install what is missing, start Redis/PostgreSQL, lint, run all tests"
	@echo "make lint   ruff and the import contracts"
	@echo "make bench  catalog throughput (gunicorn against nginx), TV client responsiveness"

demo: export TV_REDIS_URL ?= redis://127.0.0.1:6379/0
demo:
	@scripts/bootstrap.sh demo
	@scripts/services.sh redis
	$(VENV)/edutv seed-demo
	@scripts/demo.sh

test:
	@scripts/bootstrap.sh test
	@scripts/services.sh
	@$(MAKE) --no-print-directory lint
	$(VENV)/pytest

lint:
	@test -x $(VENV)/ruff || scripts/bootstrap.sh test
	$(VENV)/ruff check .
	$(VENV)/lint-imports

bench:
	@scripts/bootstrap.sh bench
	@scripts/services.sh
	$(VENV)/python bench/catalog_http.py
	$(VENV)/python bench/epg_http.py
	$(VENV)/python bench/tv_client.py
	$(VENV)/python bench/player.py
	$(VENV)/python bench/zap.py
