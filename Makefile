# Two commands on a fresh machine: `make run` (the portal with demo data) and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# make run PORT=9000: links in receipts and e-mails follow the port (see runportal)
PORT   ?= 8000
# Two pytest-xdist workers, each with its own test database: 674 s against 997 s on two cores in CI
# (four workers were slower, 805 s: the browser and worker tests start processes of their own)
TEST_WORKERS ?= 2

.PHONY: install sysdeps run test bench loadtest lint totp clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

sysdeps:
	@scripts/sysdeps.sh --with-browser

install: $(STAMP) sysdeps

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runportal --port $(PORT)

test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench

# The filing-window peak: gunicorn + a worker on PostgreSQL and Redis, locust on loopback (bench/loadtest)
loadtest: install
	$(BIN)/python -m bench.loadtest

lint: install
	$(BIN)/ruff check .

# The current TOTP code of a demo staff account: make totp USER=reviewer-sh
totp: install
	@$(BIN)/python manage.py demo_totp $(USER)

clean:
	rm -rf $(VENV) var
