# The two commands of the README: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages: libpulse0 for QtMultimedia; the rest are tools the tests check us against.
DEB_RUN := libpulse0 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3
DEB_TEST := $(DEB_RUN) minisign age xvfb desktop-file-utils appstream
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test deps-run deps-test venv clean

run: deps-run venv
	$(BIN)/pip install -q -e .
	$(BIN)/tkapp

test: deps-test venv
	$(BIN)/pip install -q -e '.[test]'
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

deps-run:
	@dpkg -s $(DEB_RUN) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(DEB_RUN); }

deps-test:
	@dpkg -s $(DEB_TEST) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(DEB_TEST); }

venv:
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip

clean:
	rm -rf $(VENV) build dist *.egg-info tkapp/locale
