# The two commands of the README: `make run` and `make test`.
# constraints.txt pins the versions the suite last passed with (pyproject.toml keeps the
# compatible ranges): a new upstream release cannot break CI or a village install unseen.
# Refresh it on purpose: `make constraints` after upgrading the venv and running the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages: libpulse0 for QtMultimedia; the rest are tools the tests check us against.
# Qt's xcb platform plugin (a real X11 desktop) needs the xcb helper libraries.
DEB_RUN := libpulse0 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 \
	libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
	libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xkb1
DEB_TEST := $(DEB_RUN) minisign age xvfb desktop-file-utils appstream
# tests/packaging: PyInstaller needs binutils (objdump, strip); gio checks the MIME types;
# unzip and jq run the README's check of a bundle with stock tools.
DEB_TEST += binutils libglib2.0-bin unzip jq
# tests/mediaclean: exiftool reads exported media as an independent checker; ffmpeg makes
# the real MP3/Ogg/FLAC/M4A files and ffprobe checks they still decode after cleaning.
DEB_TEST += libimage-exiftool-perl ffmpeg
# tests/ui/test_audio_recorder_device.py: a private PulseAudio server is the recorder's microphone.
DEB_TEST += pulseaudio
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test deps-run deps-test venv clean bench

run: deps-run venv
	$(BIN)/pip install -q -c constraints.txt -e .
	$(BIN)/tkapp

test: deps-test venv
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

# The quick loop while working: everything but the tests marked `slow` (subprocess end-to-end
# runs, crash and kill tests, screenshot tours). CI (`make test`) still runs everything.
.PHONY: test-fast
test-fast: deps-test venv
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow" $(PYTEST_ARGS)

deps-run:
	@dpkg -s $(DEB_RUN) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(DEB_RUN); }

deps-test:
	@dpkg -s $(DEB_TEST) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(DEB_TEST); }

venv:
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip

clean:
	rm -rf $(VENV) build dist *.egg-info tkapp/locale

# One table of figures against the limits of tkapp's own parts (benchmarks/limits_bench.py):
# raw SQLCipher FTS5, hashlib, raw executemany, `python -c pass`, measured in the same run;
# the GUI keystroke (offscreen) and every bulk path's peak memory and time at two sizes.
# BENCH_ARGS=--scale runs 1,000,000 records (long; not part of CI); --skip PART leaves one out.
bench: venv
	$(BIN)/pip install -q -c constraints.txt -e .
	$(BIN)/python benchmarks/limits_bench.py $(BENCH_ARGS)

# The 1,000,000-record scale run (search and import figures; long, never in CI).
.PHONY: bench-1m
bench-1m: venv
	$(BIN)/pip install -q -c constraints.txt -e .
	$(BIN)/python benchmarks/limits_bench.py --scale --skip media --skip start --skip gui --skip memory --reps 3

# Translations (translations/README.md): extract the strings from the code into
# translations/tkapp.pot, merge them into every language's .po (new strings empty, changed
# ones marked fuzzy), then check each translation keeps its {fields} and compile into
# tkapp/locale/ (git-ignored; the package build compiles them too). Keywords must match
# EXTRACT_KEYWORDS in tkapp/i18n/catalogs.py.
BABEL_KEYWORDS := --no-default-keywords -k _ -k ngettext:1,2 -k pgettext:1c,2 -k N_
.PHONY: translations
translations:
	$(BIN)/pybabel -q extract -F translations/babel.cfg $(BABEL_KEYWORDS) \
		--add-comments=Translators: --add-location=file --sort-by-file \
		--project=tkapp --copyright-holder="TK Commons contributors" \
		-o translations/tkapp.pot .
	$(BIN)/pybabel -q update -i translations/tkapp.pot -d translations -D tkapp
	$(BIN)/python -m tkapp.i18n

# The frozen one-folder app for end users (packaging/README-packaging.md): builds
# dist/tkapp/, to copy as a whole (USB stick, /opt, ...). PyInstaller needs binutils; the
# xcb libraries are installed so the build carries them to desktops that lack them.
DEB_PACKAGE := $(DEB_RUN) binutils
.PHONY: package
package: venv
	@dpkg -s $(DEB_PACKAGE) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(DEB_PACKAGE); }
	$(BIN)/pip install -q -c constraints.txt -e '.[package]'
	$(BIN)/pyinstaller packaging/tkapp.spec --noconfirm --distpath dist --workpath build/pyinstaller

.PHONY: constraints
constraints:
	$(BIN)/pip freeze --exclude-editable | grep -v '^tkapp' > constraints.txt
