# The two commands a new machine needs: `make run` (demo site) and `make test` (every gate).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/clinic
# pytest-xdist processes for the test suite (three keep 2 cores busy while browser tests wait), each with its own database, ports, cache prefix and
# files (clinic_site/test_settings.py); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 3
# Production-like configuration used by `check --deploy` in `make test` (no real secret).
DEPLOY_ENV := DJANGO_SETTINGS_MODULE=clinic_site.settings DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
	DJANGO_ALLOWED_HOSTS=clinic.example DATABASE_URL=$(TEST_DATABASE_URL) \
	REDIS_URL=redis://127.0.0.1:6379/0 CLINIC_EMAIL_URL=smtp+tls://mailer.example:587 \
	CLINIC_SITE_URL=https://clinic.example CLINIC_STAFF_EMAILS=frontdesk@clinic.example \
	DEFAULT_FROM_EMAIL=clinic@clinic.example CLINIC_PHOTO_ROOT=/var/lib/clinic/patient-photos

# Django 6 needs Python 3.12 or newer; the system python3 may be older, so look for one.
PYTHON_FOR_VENV := $(shell for p in python3.13 python3.12 $(HOME)/.pyenv/versions/3.13*/bin/python $(HOME)/.pyenv/versions/3.12*/bin/python python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

.PHONY: help run test serve backup restore superuser check-python services chromium nginx wrk lint clean worker bench node css css-check audit cluster

# The build and audit tools (purgecss, csso, Lighthouse) are npm packages pinned in package-lock.json.
NODE_MODULES := node_modules/.installed
# The crispy-forms templates and Django's form widgets (their classes and input types must survive
# the CSS build), as installed in the virtualenv.
CSS_SOURCES_ARGS = --crispy "$$($(PY) -c 'import crispy_bootstrap5, os; print(os.path.join(os.path.dirname(crispy_bootstrap5.__file__), "templates", "bootstrap5"))')" \
	--django-forms "$$($(PY) -c 'import django.forms, os; print(os.path.dirname(django.forms.__file__))')"

help:
	@echo "make run    - demo site with SQLite at http://127.0.0.1:$(PORT) (prints an admin login)"
	@echo "make test   - every gate: lint, checks, migrations, deploy check, tests (PostgreSQL, Chromium)"
	@echo "make serve  - production configuration under gunicorn on 127.0.0.1:\$$PORT (needs the variables in README)"
	@echo "make superuser - create an admin account interactively"
	@echo "make worker - task worker, notification sweep and daily clean-up"
	@echo "make backup - the database and every stored file into var/backups/<time> (CLINIC_BACKUP_DIR)"
	@echo "make restore BACKUP=<dir> - a backup back into an empty database and empty stores"
	@echo "make cluster - two servers and two workers behind nginx, one of each killed mid-run: prints what was checked"
	@echo "make bench  - req/s and p50/p99 of a static file, cached pages, the form and submissions (wrk, production config)"
	@echo "make css    - rebuild static/css/clinic.css from Bootstrap and static/css/site.css (commit the result)"
	@echo "make audit  - Lighthouse (mobile) on five pages under gunicorn: scores, weight, requests; fails below 100"

check-python:
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
		echo "Python 3.12 or newer is needed (Django 6). Install it, e.g. 'pyenv install 3.13' or your system's python3.13 package."; \
		exit 1; fi

$(VENV)/.installed-run: requirements.txt | check-python
	@test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | check-python
	@test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed-run

# The demo's own address, for the admin link it prints and the links pages make (sitemap, canonical).
run: export CLINIC_SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.installed-run
	DJANGO_DEBUG=true $(PY) manage.py migrate --verbosity 0
	DJANGO_DEBUG=true $(PY) manage.py load_content
	DJANGO_DEBUG=true $(PY) manage.py demo_staff
	@# The task worker and the notice sweep run alongside, so requests notify staff (mail to the console).
	DJANGO_DEBUG=true $(PY) manage.py db_worker --no-reload --interval 2 & worker=$$!; \
	DJANGO_DEBUG=true $(PY) manage.py resend_consultation_notices --every 60 & sweep=$$!; \
	DJANGO_DEBUG=true $(PY) manage.py daily_clean_up --every 86400 & clean=$$!; \
	trap 'kill $$worker $$sweep $$clean 2>/dev/null' EXIT; \
	DJANGO_DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The task worker sends staff notices and patient confirmations; the sweep queues again any that
# are overdue (SMTP outage, a worker killed mid-task); the daily clean-up deletes what the clinic no
# longer keeps (retention). Uses the environment as `make serve` does.
worker: $(VENV)/.installed-run
	$(PY) manage.py resend_consultation_notices --every $${CLINIC_SWEEP_SECONDS:-60} & sweep=$$!; \
	$(PY) manage.py daily_clean_up --every 86400 & clean=$$!; \
	trap 'kill $$sweep $$clean 2>/dev/null' EXIT; \
	$(PY) manage.py db_worker --no-reload

# Production configuration under wrk; writes bench/results.md (bench/run.py says what is measured).
bench: $(VENV)/.installed-dev services wrk
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) bench/run.py

superuser: $(VENV)/.installed-run
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py createsuperuser
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py second_factor_help

# A backup of the database and every stored file (README, Backup and restore); the environment as for
# `make serve`. BACKUP names the directory `make restore` brings back into an empty database.
backup: $(VENV)/.installed-run
	$(PY) manage.py backup

restore: $(VENV)/.installed-run
	@test -n "$(BACKUP)" || { echo "Say which backup: make restore BACKUP=var/backups/<time>"; exit 2; }
	$(PY) manage.py restore "$(BACKUP)"

serve: $(VENV)/.installed-run
	@for name in DJANGO_SECRET_KEY CLINIC_SITE_URL CLINIC_STAFF_EMAILS DEFAULT_FROM_EMAIL CLINIC_EMAIL_URL \
		$$(test "$$CLINIC_FILE_STORE" = database || echo CLINIC_PHOTO_ROOT); do \
		test -n "$${!name}" || { echo "Set $$name (README, Configuration, lists every variable)."; exit 1; }; done
	export DJANGO_DEBUG=false DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
		REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}; \
	$(PY) manage.py migrate --verbosity 0 && \
	$(PY) manage.py collectstatic --noinput --verbosity 0 && \
	$(PY) manage.py load_content && \
	$(VENV)/bin/gunicorn clinic_site.wsgi --config gunicorn.conf.py --bind 127.0.0.1:$(PORT) --workers $${WEB_CONCURRENCY:-3}

# PostgreSQL and Redis: start them when installed but stopped; create the database.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { command -v pg_ctlcluster >/dev/null && \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -n 1) main start; } || \
		{ echo "PostgreSQL is not running on 127.0.0.1:5432 and could not be started."; exit 1; }
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	@psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname = 'clinic'" | grep -q 1 || \
		createdb -h 127.0.0.1 -U postgres clinic
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { command -v redis-server >/dev/null && \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; sleep 1; } || \
		{ echo "Redis is not running on 127.0.0.1:6379 and could not be started."; exit 1; }

# Debian's Chromium for the browser tests (Playwright cannot download its own here).
chromium:
	@if ! command -v chromium >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
		else echo "Chromium is missing: run 'sudo apt-get install chromium chromium-driver' and try again."; exit 1; fi; fi

# Debian's nginx, the proxy in front of the two servers of `make cluster` (and of tests/test_cluster.py in `make test`).
nginx:
	@if ! command -v nginx >/dev/null && ! test -x /usr/sbin/nginx; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
		else echo "nginx is missing: run 'sudo apt-get install nginx-light' and try again."; exit 1; fi; fi

# Two servers, two task workers and the sweep behind nginx; one server and one worker killed (SIGKILL)
# while patients send requests. Prints the table of what was sent, expected, duplicated and lost.
cluster: $(VENV)/.installed-dev services nginx
	DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest -p no:xdist -m cluster -s -q tests/test_cluster.py

# Debian's wrk, the HTTP load generator `make bench` drives.
wrk:
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else echo "wrk is missing: run 'sudo apt-get install wrk' and try again."; exit 1; fi; fi
node:
	@if ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
		else echo "Node.js (18.16 or newer) and npm are missing: run 'sudo apt-get install nodejs npm' and try again."; exit 1; fi; fi

$(NODE_MODULES): package.json package-lock.json | node
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The public pages' one stylesheet: Bootstrap reduced to what the templates use, plus site.css.
css: $(VENV)/.installed-run $(NODE_MODULES)
	node tools/build-css.mjs $(CSS_SOURCES_ARGS)

# Part of `make test`: the committed stylesheet must be what its sources build today.
css-check: $(VENV)/.installed-run $(NODE_MODULES)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	node tools/build-css.mjs $(CSS_SOURCES_ARGS) --out "$$tmp/clinic.css" || exit 1; \
	if ! cmp -s "$$tmp/clinic.css" static/css/clinic.css; then \
		echo "static/css/clinic.css is out of date with its sources (templates, static/css/site.css, Python"; \
		echo "that writes HTML, static/js): run make css, and commit static/css/clinic.css."; exit 1; fi

audit: $(VENV)/.installed-dev $(NODE_MODULES) chromium services
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) tools/audit.py

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: $(VENV)/.installed-dev chromium nginx services lint css-check
	DJANGO_SETTINGS_MODULE=clinic_site.test_settings $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=clinic_site.test_settings $(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest -n $(TEST_WORKERS)

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
