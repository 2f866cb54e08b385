"""Real bundles for the verify window, Received and Keys tests (helpers and fixtures).

Bundles are made once per session by the real services: the demo catalogue (fast test KDF),
``plan_export`` + ``export`` to a plain ``.tkb``, an age-encrypted ``.tkb.age`` for a fresh
researcher identity, and a tampered copy of the plain bundle with one byte flipped inside a
record member. Test modules import the fixtures they use from here.
"""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tkapp.core.model import Recipient

DEMO_PASSPHRASE = "verify window tests"
RESEARCHER = Recipient("Ana Paz", organisation="Universidad Central", user_class="public_research")


@dataclass(frozen=True)
class Bundles:
    demo: Path  # the community's demo catalogue (closed)
    plain: Path  # signed .tkb
    tampered: Path  # the same with one byte of a record flipped
    encrypted: Path  # .tkb.age for ``identity``
    identity_text: str  # AGE-SECRET-KEY-1... file text
    recipient: str  # age1...
    community: str
    fingerprint_hex: str
    words: list[str]
    records: int


def flip_record_byte(src: Path, dest: Path) -> str:
    """Copy ``src`` to ``dest`` with one byte changed in the middle of the first record's
    data; returns the member's name. Reads the ZIP's local header by hand (stored entries)."""
    import zipfile

    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = next(i for i in zf.infolist() if "/data/records/" in i.filename)
    offset = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[offset + 26 : offset + 30])
    start = offset + 30 + name_len + extra_len
    middle = start + info.file_size // 2
    data[middle] ^= 0x01
    dest.write_bytes(bytes(data))
    return info.filename


@pytest.fixture(scope="session")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bundles]:
    """Make the demo catalogue and its bundles once (in a private data folder)."""
    from tkapp.core.model import HubProject
    from tkapp.crypto.age import AgeIdentity
    from tkapp.services import keys, localcontexts, sharing
    from tkapp.services.demo import create_demo

    folder = tmp_path_factory.mktemp("bundles")
    saved = {
        k: os.environ.get(k) for k in ("TKAPP_KDF_PROFILE", "TKAPP_DATA_DIR", "TKAPP_CONFIG_DIR")
    }
    os.environ["TKAPP_KDF_PROFILE"] = "fast"
    os.environ["TKAPP_DATA_DIR"] = str(folder / "data")
    os.environ["TKAPP_CONFIG_DIR"] = str(folder / "config")
    try:
        demo = folder / "demo.tkc"
        identity = AgeIdentity.generate()
        recipient = str(identity.recipient())
        created = datetime.now(UTC).replace(microsecond=0)
        with create_demo(demo, DEMO_PASSPHRASE) as cat:
            # A Local Contexts Hub project for the whole catalogue (the verify window shows it).
            localcontexts.save_project(
                cat,
                HubProject(
                    "1d220c8c-1a9b-449c-a3d8-2baf48491336",
                    title="Plantas medicinales de Sacha Yaku",
                    page_url="https://localcontextshub.org/projects/1d220c8c-1a9b-449c-a3d8-2baf48491336",
                    labels=["tka", "tks"],
                    notices=["traditional_knowledge", "open_to_collaborate"],
                    synced_at=created,
                ),
            )
            plan = sharing.plan_export(cat, None, RESEARCHER, "research", on=created.date())
            plain = sharing.export(
                cat, plan, folder / "sacha-yaku.tkb", created=created, expires=date(2099, 1, 1)
            )
            plan = sharing.plan_export(cat, None, RESEARCHER, "research", on=created.date())
            encrypted = sharing.export(
                cat, plan, folder / "sacha-yaku.tkb.age", created=created, encrypt_to=[recipient]
            )
            fp = keys.fingerprint(cat)
            community = cat.community.name
        tampered = folder / "sacha-yaku-tampered.tkb"
        flip_record_byte(plain.path, tampered)
        yield Bundles(
            demo=demo,
            plain=plain.path,
            tampered=tampered,
            encrypted=encrypted.path,
            identity_text=identity_file_text(identity),
            recipient=recipient,
            community=community,
            fingerprint_hex=fp.hex,
            words=fp.words(),
            records=plain.records,
        )
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def identity_file_text(identity: Any) -> str:
    import tempfile

    from tkapp.crypto.age import write_identity_file

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "id.txt"
        write_identity_file(path, identity)
        return path.read_text(encoding="utf-8")


def install_identity(text: str) -> Path:
    """Put an identity file in this test's identities folder (as ``New identity`` would)."""
    from tkapp import paths

    dest = paths.identities_dir() / "age-test.txt"
    dest.write_text(text, encoding="utf-8")
    dest.chmod(0o600)
    return dest


def copy_demo(bundles: Bundles, dest: Path) -> Path:
    shutil.copyfile(bundles.demo, dest)
    return dest


@pytest.fixture
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TKAPP_KDF_PROFILE", "fast")


def wait_verdict(window: Any, qtbot: Any, timeout: int = 15_000) -> str:
    """Wait until the window shows a verdict (not "checking"); returns the state."""
    qtbot.waitUntil(
        lambda: window.state in ("trusted", "untrusted", "invalid") and not window.runner._pending,
        timeout=timeout,
    )
    return str(window.state)


def call(runner: Any, qtbot: Any, op: Any) -> Any:
    """Run ``op(cat)`` on the runner and wait for its result (re-raising its error)."""
    done: list[Any] = []
    failed: list[BaseException] = []
    runner.run(op, done.append, failed.append)
    qtbot.waitUntil(lambda: bool(done or failed), timeout=15_000)
    if failed:
        raise failed[0]
    return done[0]


def open_catalogue_in(runner: Any, qtbot: Any, path: Path, passphrase: str) -> Any:
    from tkapp.services.catalogue import open_catalogue

    opened: list[Any] = []
    failed: list[BaseException] = []
    runner.open(lambda: open_catalogue(path, passphrase), opened.append, failed.append)
    qtbot.waitUntil(lambda: bool(opened or failed), timeout=15_000)
    assert not failed, failed
    return opened[0]


def show_record_with_media(browser: Any, qtbot: Any) -> str:
    """Choose the first record that has photos or recordings (records load when chosen)."""
    for row in range(browser.list.count()):
        browser.list.setCurrentRow(row)
        rid = browser.current_id()
        qtbot.waitUntil(lambda r=rid: browser.record_data(r) is not None, timeout=10_000)
        if browser.media.count():
            return str(rid)
    raise AssertionError("no record with media")


@pytest.fixture(name="window")
def verify_window(runner: Any, qtbot: Any) -> Iterator[Any]:
    """The verify window at 1366x768, closed with any message box it left open."""
    from tests.ui.shell_helpers import close_boxes
    from tkapp.ui.verify.verify_window import VerifyWindow

    win = VerifyWindow(runner)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    close_boxes()
    if not win._closed:
        win.close()
