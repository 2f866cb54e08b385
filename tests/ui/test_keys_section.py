"""The Keys section: the community key and its card (PDF, print), public key export, trusted
keys, researcher identities; and the small ``trust_signer`` service it relies on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtPrintSupport import QPrinter

from tests.ui import verify_helpers
from tests.ui.verify_helpers import DEMO_PASSPHRASE, copy_demo, open_catalogue_in
from tkapp.crypto.minisign import parse_public_key
from tkapp.errors import KeyMismatch, UsageError
from tkapp.services import keys, received
from tkapp.ui.keys.keys_section import KeysSection

# Fixtures shared by the verify, Received and Keys tests.
bundles = verify_helpers.bundles
fast_kdf = verify_helpers.fast_kdf


@pytest.fixture(autouse=True)
def _fast(fast_kdf) -> None:
    """Catalogues made by the shared fixtures use the test KDF profile."""


@pytest.fixture
def demo_runner(runner, qtbot, bundles, tmp_path: Path) -> Any:
    """The community's own demo catalogue, open on the runner."""
    open_catalogue_in(runner, qtbot, copy_demo(bundles, tmp_path / "demo.tkc"), DEMO_PASSPHRASE)
    return runner


@pytest.fixture
def section(demo_runner, qtbot) -> KeysSection:
    widget = KeysSection(demo_runner)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    with qtbot.waitSignal(widget.refreshed, timeout=10_000):
        widget.refresh()
    return widget


def test_shows_the_community_key(section, bundles) -> None:
    card = section.info.card
    assert card is not None and card.community == bundles.community
    assert card.fingerprint.hex == bundles.fingerprint_hex
    assert section.fingerprint.words.text().split() == bundles.words
    assert section.fingerprint.hex.text() == card.fingerprint.hex_groups()
    assert not section.fingerprint.qr.pixmap().isNull()
    assert section.community_box.isVisibleTo(section)
    # The card says what to do in the catalogue's languages (English, Spanish at least).
    lines = card.instructions()
    assert len(lines) >= 2 and all(bundles.community in line for line in lines)
    assert any("palabras" in line for line in lines)


def test_save_card_as_pdf_and_print(section, qtbot, tmp_path: Path) -> None:
    dest = tmp_path / "tarjeta"
    section.ask_save_path = lambda title, suggested, file_filter: dest
    written = section.save_card_pdf()
    assert written == tmp_path / "tarjeta.pdf"
    qtbot.waitUntil(lambda: written.exists() and "saved" in section.status.text(), timeout=10_000)
    data = written.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left no temp file

    printed = tmp_path / "printed.pdf"

    def to_pdf(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return True

    section.ask_print = to_pdf
    assert section.print_card()
    assert printed.read_bytes().startswith(b"%PDF")
    section.ask_print = lambda printer: False
    assert not section.print_card()


def test_export_public_key_verifies_the_bundle(section, qtbot, tmp_path: Path, bundles) -> None:
    dest = tmp_path / "sacha-yaku"
    section.ask_save_path = lambda title, suggested, file_filter: dest
    path = section.export_public_key()
    assert path == tmp_path / "sacha-yaku.pub"
    qtbot.waitUntil(lambda: path.exists() and "saved" in section.status.text(), timeout=10_000)
    key = parse_public_key(path.read_text(encoding="ascii"))
    assert key is not None
    # The exported key is the one that signed the community's bundles.
    with received.verify_file(bundles.plain, trust_key=path, remember=False) as report:
        assert report.trust == "file" and report.signer == key
    # Exporting again over the same file (the file dialog asked) replaces it.
    section.status.clear()
    section.export_public_key()
    qtbot.waitUntil(lambda: "saved" in section.status.text(), timeout=10_000)


def _cell(model, row: int, column: int) -> str:
    """The text a table shows in one cell."""
    return str(model.index(row, column).data())


def test_trusted_keys_list_and_stop_trusting(section, qtbot, bundles) -> None:
    assert section.trusted_empty.isVisibleTo(section)
    with received.verify_file(bundles.plain, tofu=True, remember=False) as report:
        keys.trust_signer(report.signer, report.community, "in_person")
    with qtbot.waitSignal(section.refreshed, timeout=10_000):
        section.refresh()
    assert section.trusted_model.rowCount() == 1
    assert _cell(section.trusted_model, 0, 0) == bundles.community
    assert _cell(section.trusted_model, 0, 2).split() == bundles.words
    assert _cell(section.trusted_model, 0, 3) == "Compared in person"
    section.trusted.selectRow(0)
    assert section.untrust_button.isEnabled()
    section.confirm_untrust = lambda community: False
    section.untrust_selected()
    assert len(keys.trusted_keys()) == 1
    section.confirm_untrust = lambda community: community == bundles.community
    with qtbot.waitSignal(section.refreshed, timeout=10_000):
        section.untrust_selected()
    assert keys.trusted_keys() == [] and section.trusted_model.rowCount() == 0


def test_new_identity_shows_the_address(section, qtbot) -> None:
    assert section.identities_model.rowCount() == 0
    with qtbot.waitSignal(section.refreshed, timeout=10_000):
        section.new_identity_button.click()
    [(recipient, path)] = keys.list_identities()
    dialog = section.last_identity_dialog
    assert dialog.address.text() == str(recipient) and str(recipient).startswith("age1")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert "AGE-SECRET-KEY" not in dialog.address.text()
    dialog.copy()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == str(recipient)
    dialog.close()
    assert section.identities_model.rowCount() == 1
    assert _cell(section.identities_model, 0, 0) == str(recipient)


def test_locking_clears_the_section(section, demo_runner, qtbot) -> None:
    demo_runner.lock()
    qtbot.waitUntil(lambda: section.info is None, timeout=10_000)
    assert not section.community_box.isVisibleTo(section)
    assert section.fingerprint.words.text() == ""


def test_trust_signer_service(bundles) -> None:
    with received.verify_file(bundles.plain, tofu=True, remember=False) as report:
        signer, community = report.signer, report.community
        catalogue = report.manifest.catalogue_id
    with pytest.raises(UsageError):
        keys.trust_signer(signer, "  ")
    with pytest.raises(UsageError):
        keys.trust_signer(signer, community, "tofu")  # type: ignore[arg-type]
    entry = keys.trust_signer(signer, community, catalogue_id=catalogue)
    assert entry.how == "in_person" and keys.trust_signer(signer, community) == entry
    from tkapp.crypto.keys import generate_keypair

    # Another key for the same catalogue is refused; the same NAME is only a label.
    other = generate_keypair().public_key
    with pytest.raises(KeyMismatch):
        keys.trust_signer(other, community.upper(), catalogue_id=catalogue)
    assert keys.trust_signer(other, community.upper()).community == community.upper()


def test_trust_a_key_file_after_comparing_its_words(
    section, qtbot, tmp_path: Path, bundles
) -> None:
    pub = tmp_path / "sacha-yaku.pub"
    section.ask_save_path = lambda title, suggested, file_filter: pub
    section.export_public_key()
    qtbot.waitUntil(pub.exists, timeout=10_000)
    section.ask_open_path = lambda title, file_filter: pub
    section.ask_community = lambda: "Comunidad vecina"
    shown: list[Any] = []
    # The custodian sees the file's words and does not confirm: nothing is trusted.
    section.ask_trust = lambda community, fingerprint: shown.append(fingerprint) or False
    section.trust_key_file()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown[0].words() == bundles.words
    assert keys.trusted_keys() == []
    # They compared every word in person: the key is trusted and listed.
    section.ask_trust = lambda community, fingerprint: True
    with qtbot.waitSignal(section.refreshed, timeout=10_000):
        section.trust_key_file()
    (entry,) = keys.trusted_keys()
    assert entry.community == "Comunidad vecina" and entry.how == "in_person"
    assert section.trusted_model.rowCount() == 1
