# `make run` and `make test` set everything up themselves: virtualenv, packages,
# translations, database. See README.md.
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PORT    ?= 5000
export FLASK_APP := wsgi

.PHONY: setup run test test-sqlite test-services translations extract-messages worker beat bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $@

translations: $(STAMP)
	$(BIN)/pybabel compile -d app/translations

setup: $(STAMP) translations

run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	PORT=$(PORT) bin/serve

# The whole suite on SQLite, then everything that touches the database or Celery
# again on a PostgreSQL and a Redis that the test run starts on loopback.
test: test-sqlite test-services

test-sqlite: setup
	$(BIN)/pytest

test-services: setup
	$(BIN)/pytest --backend=services -m "db or tasks"

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

worker: setup
	$(BIN)/celery -A wsgi.celery_app worker --loglevel=INFO

beat: setup
	$(BIN)/celery -A wsgi.celery_app beat --loglevel=INFO -s instance/celerybeat-schedule

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache test-results
