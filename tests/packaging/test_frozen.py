"""The frozen one-folder app, built by PyInstaller from packaging/tkapp.spec and then run.

Slow (a build takes a minute or two; see packaging/README-packaging.md), but part of the suite
that `.ci/run` runs. The app is built once per session into a temporary folder; the
PyInstaller work folder build/pyinstaller-test/ is reused between local runs (CI starts from
a clean clone, so it builds from scratch).

Every run of the frozen program gets a private HOME and explicit TKAPP_DATA_DIR /
TKAPP_CONFIG_DIR, except the portable-mode tests, which check that the ``portable`` marker
wins over the per-user folders and that the environment variables win over the marker.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "tkapp.spec"
WORKPATH = ROOT / "build" / "pyinstaller-test"
EXE_NAME = "tkapp.exe" if sys.platform == "win32" else "tkapp"
PASSPHRASE = "correct horse battery staple 42"
RUN_TIMEOUT = 180  # seconds; a hung GUI fails the test instead of hanging CI
SQLITE_PLAINTEXT_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class FrozenApp:
    folder: Path
    exe: Path
    build_seconds: float
    size_bytes: int


@dataclass(frozen=True)
class Exported:
    catalogue: Path
    bundle: Path
    public_key: Path | None


def _folder_size(folder: Path) -> int:
    # Like du: PyInstaller links some libraries into place, count each file once.
    return sum(
        path.lstat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


@pytest.fixture(scope="session")
def frozen_app(tmp_path_factory: pytest.TempPathFactory) -> FrozenApp:
    dist = tmp_path_factory.mktemp("dist")
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(SPEC),
            "--noconfirm",
            "--log-level=WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(WORKPATH),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    folder = dist / "tkapp"
    exe = folder / EXE_NAME
    assert exe.is_file(), f"no executable in {folder}"
    app = FrozenApp(folder, exe, seconds, _folder_size(folder))
    figures = f"frozen app: {app.size_bytes / 1e6:.0f} MB in {folder}, built in {seconds:.0f} s"
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "frozen-build.txt").write_text(figures + "\n", encoding="utf-8")
    print(figures)
    return app


def _env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment: nothing of the developer's profile or venv leaks in."""
    runtime = home / "runtime"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_RUNTIME_DIR": str(runtime),
        "QT_QPA_PLATFORM": "offscreen",
        "TKAPP_PASSPHRASE": PASSPHRASE,
        "TKAPP_DATA_DIR": str(home / "tkapp-data"),
        "TKAPP_CONFIG_DIR": str(home / "tkapp-config"),
    }
    env.update(extra)
    return {key: value for key, value in env.items() if value != ""}


def _run(exe: Path, *args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(exe), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    shown = f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    assert result.returncode == 0, shown
    assert "Traceback" not in result.stderr, shown
    return shown


@dataclass(frozen=True)
class Demo:
    catalogue: Path
    work: Path
    env: dict[str, str]


@pytest.fixture(scope="session")
def demo(frozen_app: FrozenApp, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """A demo catalogue made by the frozen app."""
    work = tmp_path_factory.mktemp("frozen-demo")
    env = _env(work / "home")
    catalogue = work / "village.tkc"
    _ok(_run(frozen_app.exe, "demo", str(catalogue), env=env, cwd=work))
    assert catalogue.is_file()
    return Demo(catalogue, work, env)


@pytest.fixture(scope="session")
def exported(frozen_app: FrozenApp, demo: Demo) -> Exported:
    """A bundle the frozen app exported from the demo catalogue, and the community's key."""
    bundle = demo.work / "for-researcher.tkb"
    exporting = _run(
        frozen_app.exe,
        "export",
        str(demo.catalogue),
        str(bundle),
        "--recipient-name",
        "Ana Quispe",
        "--organisation",
        "Universidad Central",
        "--as",
        "public_research",
        "--purpose",
        "research",
        "--yes",
        env=demo.env,
        cwd=demo.work,
    )
    _ok(exporting)
    assert zipfile.is_zipfile(bundle)
    public_key = demo.work / "community.pub"
    keyed = _run(
        frozen_app.exe,
        "key",
        str(demo.catalogue),
        "--public-out",
        str(public_key),
        env=demo.env,
        cwd=demo.work,
    )
    return Exported(demo.catalogue, bundle, public_key if keyed.returncode == 0 else None)


def test_build_is_lean(frozen_app: FrozenApp) -> None:
    internal = frozen_app.folder / "_internal"
    names = {path.name for path in internal.rglob("*")}
    # Left out on purpose (packaging/tkapp.spec): none of these may sneak back in.
    for unwanted in (
        "libQt6WebEngineCore.so.6",
        "libQt6Pdf.so.6",
        "libQt6Designer.so.6",
        "libQt6Quick3D.so.6",
        "libQt6VirtualKeyboard.so.6",
        "QtWebEngineCore.abi3.so",
        "QtQml.abi3.so",
        "QtQuick.abi3.so",
    ):
        assert unwanted not in names
    # Wanted: SQLCipher, QtMultimedia with its FFmpeg backend, the platform plugins, Qt's
    # Spanish catalogue, our catalogues, icons.
    qt = internal / "PySide6" / "Qt"
    assert list((internal / "sqlcipher3").glob("_sqlite3*"))
    assert list((internal / "PySide6").glob("QtMultimedia.*"))
    assert list((qt / "plugins" / "multimedia").glob("*ffmpeg*"))
    for platform in ("libqxcb.so", "libqwayland.so", "libqoffscreen.so"):
        assert (qt / "plugins" / "platforms" / platform).is_file(), platform
    assert (qt / "translations" / "qtbase_es.qm").is_file()
    sources = {po.parent.parent.name for po in (ROOT / "translations").glob("*/LC_MESSAGES/*.po")}
    shipped = {mo.parent.parent.name for mo in (internal / "tkapp" / "locale").glob("*/*/*.mo")}
    assert sources and sources == shipped
    assert (internal / "tkapp" / "resources" / "icons" / "tkapp.svg").is_file()
    assert (frozen_app.folder / "install-desktop-integration.sh").is_file()


def test_selftest(frozen_app: FrozenApp, tmp_path: Path) -> None:
    _ok(_run(frozen_app.exe, "verify", "--selftest", env=_env(tmp_path / "home"), cwd=tmp_path))


def test_demo_catalogue_is_encrypted(frozen_app: FrozenApp, demo: Demo) -> None:
    # SQLCipher made it into the frozen app: the file is not plaintext SQLite...
    with demo.catalogue.open("rb") as handle:
        assert handle.read(16) != SQLITE_PLAINTEXT_HEADER
    # ...it opens again with the passphrase, and a wrong one is a clear error, not a crash.
    _ok(_run(frozen_app.exe, "info", str(demo.catalogue), env=demo.env, cwd=demo.work))
    wrong = dict(demo.env, TKAPP_PASSPHRASE="not the passphrase at all")
    refused = _run(frozen_app.exe, "info", str(demo.catalogue), env=wrong, cwd=demo.work)
    assert refused.returncode == 5, refused.stderr
    assert "Traceback" not in refused.stderr


def test_verify_accepts_exported_bundle(
    frozen_app: FrozenApp, exported: Exported, tmp_path: Path
) -> None:
    env = _env(tmp_path / "home")  # a researcher's machine: a different, empty trust store
    _ok(_run(frozen_app.exe, "verify", str(exported.bundle), "--tofu", env=env, cwd=tmp_path))


def test_researcher_checks_bundle_with_stock_tools(exported: Exported, tmp_path: Path) -> None:
    """The README's recipe: minisign, unzip, jq and sha256sum; no tkapp involved."""
    assert exported.public_key is not None, "`tkapp key CATALOGUE --public-out FILE` failed"
    script = ROOT / "packaging" / "verify-with-stock-tools.sh"
    result = subprocess.run(
        ["sh", str(script), str(exported.bundle), str(exported.public_key)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The same recipe must refuse a bundle with one altered record, even when the ZIP itself
    # is rebuilt cleanly (CRCs recomputed), so only the signed SHA-256 can catch it.
    tampered = tmp_path / "tampered.tkb"
    with zipfile.ZipFile(exported.bundle) as source, zipfile.ZipFile(tampered, "w") as target:
        altered = False
        for info in source.infolist():
            payload = source.read(info)
            if not altered and "/data/records/" in info.filename:
                payload = payload.replace(b'"', b"'", 1)
                altered = True
            target.writestr(info, payload)
    assert altered
    result = subprocess.run(
        ["sh", str(script), str(tampered), str(exported.public_key)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert result.returncode != 0, result.stdout + result.stderr


def test_encrypted_bundle_for_a_researcher(
    frozen_app: FrozenApp, demo: Demo, exported: Exported, tmp_path: Path
) -> None:
    """Researcher makes an age identity; the community exports to it; both tkapp and the stock
    tools (age, minisign) open and check the .tkb.age."""
    researcher = _env(tmp_path / "researcher")
    made = _run(frozen_app.exe, "identity", "new", env=researcher, cwd=tmp_path)
    _ok(made)
    recipient = next(word for word in made.stdout.split() if word.startswith("age1"))
    bundle = demo.work / "for-researcher-encrypted.tkb.age"
    exporting = _run(
        frozen_app.exe,
        "export",
        str(demo.catalogue),
        str(bundle),
        "--recipient-name",
        "Ana Quispe",
        "--organisation",
        "Universidad Central",
        "--as",
        "public_research",
        "--purpose",
        "research",
        "--encrypt-to",
        recipient,
        "--yes",
        env=demo.env,
        cwd=demo.work,
    )
    _ok(exporting)
    assert bundle.read_bytes().startswith(b"age-encryption.org/v1\n")
    _ok(_run(frozen_app.exe, "verify", str(bundle), "--tofu", env=researcher, cwd=tmp_path))

    assert exported.public_key is not None
    identity = next((Path(researcher["TKAPP_DATA_DIR"]) / "identities").glob("age-*.txt"))
    script = ROOT / "packaging" / "verify-with-stock-tools.sh"
    checked = subprocess.run(
        ["sh", str(script), str(bundle), str(exported.public_key), str(identity)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _gui(
    frozen_app: FrozenApp, tmp_path: Path, *args: str, **env_extra: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    report = tmp_path / "smoke.json"
    env = _env(
        tmp_path / "home",
        TKAPP_QUIT_AFTER_MS="2500",
        TKAPP_SMOKE_REPORT=str(report),
        **env_extra,
    )
    result = _run(frozen_app.exe, *args, env=env, cwd=tmp_path)
    _ok(result)
    assert report.is_file(), "the GUI quit without writing its smoke report"
    return result, json.loads(report.read_text(encoding="utf-8"))


def test_gui_starts_offscreen_and_quits(frozen_app: FrozenApp, tmp_path: Path) -> None:
    _result, report = _gui(frozen_app, tmp_path)
    assert report["platform"] == "offscreen"
    assert report["windows"], "no window was shown"
    # QtMultimedia's FFmpeg backend loaded: recordings (WAV, FLAC, AAC...) can be played.
    decoders = report["audio_decoders"]
    assert isinstance(decoders, list)
    assert {"Wave", "FLAC"} <= set(decoders), decoders


def test_gui_in_spanish_translates_qt_buttons(frozen_app: FrozenApp, tmp_path: Path) -> None:
    _result, report = _gui(frozen_app, tmp_path, TKAPP_LANG="es")
    assert report["language"] == "es"
    buttons = report["buttons"]
    assert isinstance(buttons, dict)
    assert buttons["cancel"] == "Cancelar", buttons
    assert buttons["close"] == "Cerrar", buttons


def _has_verify_window(report: dict[str, object]) -> bool:
    # Contract with tkapp/ui: the window that shows a bundle's check is a class whose name
    # contains "Verify" (e.g. VerifyWindow, VerifyDialog).
    windows = report["windows"]
    assert isinstance(windows, list)
    return any("Verify" in str(name) for name in windows)


def test_bundle_argument_opens_verify_window(
    frozen_app: FrozenApp, exported: Exported, tmp_path: Path
) -> None:
    # What the desktop file runs for a double-click: Exec=tkapp %f.
    _result, report = _gui(frozen_app, tmp_path, str(exported.bundle))
    assert _has_verify_window(report), report["windows"]


def _desktop_env(home: Path, **extra: str) -> dict[str, str]:
    return _env(
        home,
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_DIRS="/usr/share",
        **extra,
    )


def _tool(name: str) -> Path:
    path = shutil.which(name)
    assert path, f"{name} is not installed (see DEB_TEST in the Makefile)"
    return Path(path)


def _install_desktop_integration(frozen_app: FrozenApp, tmp_path: Path) -> tuple[Path, Path]:
    """Run install-desktop-integration.sh from a copy of the app; returns (folder, home)."""
    folder = tmp_path / "USB STICK" / "tkapp"  # a space, as in real mount points
    shutil.copytree(frozen_app.folder, folder, copy_function=os.link, symlinks=True)
    home = tmp_path / "home"
    script = str(folder / "install-desktop-integration.sh")
    _ok(_run(Path("/bin/sh"), script, env=_desktop_env(home), cwd=tmp_path))
    return folder, home


def test_desktop_integration_installs_and_uninstalls(frozen_app: FrozenApp, tmp_path: Path) -> None:
    folder, home = _install_desktop_integration(frozen_app, tmp_path)
    env = _desktop_env(home)
    desktop = home / ".local" / "share" / "applications" / "org.tkcommons.TKCommons.desktop"
    assert f'Exec="{folder / EXE_NAME}" %f' in desktop.read_text(encoding="utf-8")
    _ok(_run(_tool("desktop-file-validate"), str(desktop), env=env, cwd=tmp_path))
    icon = home / ".local/share/icons/hicolor/48x48/apps/org.tkcommons.TKCommons.png"
    assert icon.is_file()
    for mime_type in ("application/x-tkcommons-bundle", "application/x-tkcommons-bundle-age"):
        default = _run(_tool("gio"), "mime", mime_type, env=env, cwd=tmp_path)
        first_line = default.stdout.splitlines()[0] if default.stdout else ""
        assert "org.tkcommons.TKCommons.desktop" in first_line, default.stdout + default.stderr

    script = str(folder / "install-desktop-integration.sh")
    _ok(_run(Path("/bin/sh"), script, "--uninstall", env=env, cwd=tmp_path))
    assert not desktop.exists()
    assert not icon.exists()
    assert folder.is_dir()  # the app itself is untouched


def test_double_click_opens_verify_window(
    frozen_app: FrozenApp, exported: Exported, tmp_path: Path
) -> None:
    """A double-click as a file manager does it: gio finds the type, the default application
    and runs its Exec line with the file."""
    _folder, home = _install_desktop_integration(frozen_app, tmp_path)
    report = tmp_path / "double-click.json"
    click_env = _desktop_env(home, TKAPP_QUIT_AFTER_MS="2500", TKAPP_SMOKE_REPORT=str(report))
    _ok(_run(_tool("gio"), "open", str(exported.bundle), env=click_env, cwd=tmp_path))
    # gio returns once the app is launched; the app writes its report, then quits by itself.
    deadline = time.monotonic() + RUN_TIMEOUT
    while not report.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert report.exists(), "double-clicking the bundle did not start TK Commons"
    data = json.loads(report.read_text(encoding="utf-8"))
    assert _has_verify_window(data), data["windows"]


def _portable_copy(frozen_app: FrozenApp, tmp_path: Path) -> Path:
    """A copy of the app folder (hard links: instant, no space) with the ``portable`` marker."""
    stick = tmp_path / "usb-stick" / "tkapp"
    shutil.copytree(frozen_app.folder, stick, copy_function=os.link, symlinks=True)
    (stick / "portable").write_text("", encoding="utf-8")
    return stick


def _profile_tkapp_folders(home: Path) -> list[Path]:
    return [path for path in home.rglob("*") if path.name.lower() == "tkapp"]


def test_portable_marker_keeps_everything_beside_the_app(
    frozen_app: FrozenApp, tmp_path: Path
) -> None:
    stick = _portable_copy(frozen_app, tmp_path)
    home = tmp_path / "home"
    # No TKAPP_* folders: the marker decides, against platformdirs' per-user folders.
    env = _env(home, TKAPP_DATA_DIR="", TKAPP_CONFIG_DIR="")
    _ok(_run(stick / EXE_NAME, "identity", "new", env=env, cwd=tmp_path))  # -> data folder
    gui_env = dict(env, TKAPP_QUIT_AFTER_MS="2000")
    _ok(_run(stick / EXE_NAME, env=gui_env, cwd=tmp_path))  # settings -> config folder

    # The identity (a secret key) travels with the stick...
    assert list((stick / "tkapp-data" / "data" / "identities").glob("age-*.txt"))
    assert (stick / "tkapp-data" / "config").is_dir()
    # ...and nothing was written into the profile of the computer it was plugged into.
    assert _profile_tkapp_folders(home) == []


def test_environment_overrides_win_over_portable_marker(
    frozen_app: FrozenApp, tmp_path: Path
) -> None:
    stick = _portable_copy(frozen_app, tmp_path)
    env = _env(tmp_path / "home")  # TKAPP_DATA_DIR / TKAPP_CONFIG_DIR set
    _ok(_run(stick / EXE_NAME, "identity", "new", env=env, cwd=tmp_path))
    assert list((Path(env["TKAPP_DATA_DIR"]) / "identities").glob("age-*.txt"))
    assert not (stick / "tkapp-data").exists()
