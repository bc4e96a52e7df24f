# Everything starts from a machine with only python3: each target makes the
# virtualenv it needs. Running a target twice is harmless.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
DEV := DJANGO_DEBUG=1

.PHONY: messages install run run-api serve bench test test-postgres test-races test-faults test-hostile interop-deps browser-deps lint typecheck format clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## make run: SQLite, demo data, development server on http://127.0.0.1:8000
run: install .demo/oidc-dev.pem
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py seed_demo
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# A development-only OpenID Connect signing key (git-ignored), made once.
.demo/oidc-dev.pem: | install
	mkdir -p .demo
	$(BIN)/python -c "from cryptography.hazmat.primitives.asymmetric import rsa; from cryptography.hazmat.primitives import serialization as s; k = rsa.generate_private_key(public_exponent=65537, key_size=2048); open('.demo/oidc-dev.pem', 'wb').write(k.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()))"
	chmod 600 .demo/oidc-dev.pem

## make run-api: the resource API alone on http://127.0.0.1:8001, introspecting
## remotely against the server `make run` started (credentials from seed_demo)
run-api: install
	@test -f .demo/resource-server.env || { echo "run 'make run' first: it writes .demo/resource-server.env"; exit 1; }
	set -a && . ./.demo/resource-server.env && set +a && \
	export $(DEV) DATABASE_URL=sqlite:///api.sqlite3 RESOURCE_API_INTROSPECTION=remote \
	  RESOURCE_API_INTROSPECTION_URL=http://127.0.0.1:8000/oauth/introspect && \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py runserver 127.0.0.1:8001

## make browser-deps: axe-core, which the browser tests inject to count
## accessibility violations (tests/browser/axe.py)
browser-deps:
	cd tests/browser && npm ci --no-audit --no-fund --silent

## make interop-deps: the npm packages of the independent-client test (oauth4webapi)
interop-deps:
	cd tests/interop/node && npm ci --no-audit --no-fund --silent

## make serve: the production stack: nginx on BIND buffering every request in
## front of granian on a loopback port (deploy/serve; deploy/README.md says
## why). Needs DJANGO_SECRET_KEY, AUTHSERVER_ISSUER, DJANGO_ALLOWED_HOSTS,
## DATABASE_URL and REDIS_URL in the environment (or *_FILE); see README
## "Production". Installs nginx-light when nginx is missing.
serve: install
	@test -n "$$DATABASE_URL" || { echo "set DATABASE_URL (PostgreSQL)"; exit 2; }
	deploy/install-proxy
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	mkdir -p $${PROMETHEUS_MULTIPROC_DIR:=/tmp/authserver-metrics} && \
	rm -f $$PROMETHEUS_MULTIPROC_DIR/*.db && \
	PROMETHEUS_MULTIPROC_DIR=$$PROMETHEUS_MULTIPROC_DIR VENV_BIN=$(BIN) deploy/serve

## make bench: the application server (deploy/app-server) under wrk load, with
## PostgreSQL and Redis, against node-oidc-provider and stock DOT; prints a
## table and the performance targets and writes bench/results/latest.json
## (apt-get install wrk); then the scale requirements (bench/scale.py)
bench: install
	@command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk"; exit 2; }
	$(BIN)/python bench/client_secret_check.py
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/scale.py

## make test: the whole suite (SQLite; PostgreSQL-only tests skip themselves)
test: install
	$(BIN)/pytest

## make test-postgres: the whole suite again on PostgreSQL (DATABASE_URL)
test-postgres: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

## make test-races / test-faults / test-hostile: those suites alone, on
## PostgreSQL (races and faults skip on SQLite); test-postgres runs them too
test-races: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest tests/races -rs

test-faults: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest tests/faults -rs

test-hostile: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest tests/hostile -rs

## make messages: bring the catalogues (oauth_grants/locale, locale) up to date
## with the sources and compile them; translate what is new, then run it again
## (tests/test_translations.py fails on anything untranslated or stale)
messages: install
	$(BIN)/python -m authserver.translations update
	$(BIN)/python -m authserver.translations compile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make typecheck: mypy with the Django and DRF plugins (pyproject.toml)
typecheck: install
	DJANGO_SECRET_KEY=typecheck AUTHSERVER_ISSUER=https://typecheck.example \
	  $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 api.sqlite3 staticfiles .demo
