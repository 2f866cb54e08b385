"""No plaintext of a record typed into the GUI reaches the disk (data, config, temp folders)."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

from shell_helpers import open_in_window, search_for

from tkapp import paths
from tkapp.services.catalogue import open_catalogue


def _files_with(marker: bytes, roots: list[Path], since: float) -> list[Path]:
    hits: set[Path] = set()
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = Path(folder) / name
                try:
                    stat = path.stat()
                    if stat.st_mtime < since - 1 or stat.st_size > 200_000_000:
                        continue
                    if marker in path.read_bytes():
                        hits.add(path.resolve())
                except OSError:
                    continue
    return sorted(hits)


def test_record_text_never_reaches_the_disk_in_clear(
    main_window, qtbot, catalogue_path, passphrase, tmp_path
):
    start = time.time()
    marker = f"MARCADOR-{uuid.uuid4().hex}"
    window = main_window
    open_in_window(window, qtbot, catalogue_path, passphrase)
    editor = window.records.new_record()
    if hasattr(editor, "knowledge"):
        qtbot.waitUntil(lambda: not editor._loading, timeout=10_000)
        editor.knowledge.title_edit.setText(marker + " título")
        editor.knowledge.description_edit.setPlainText(marker + " descripción secreta")
    else:
        editor.title.setText(marker + " título")
        editor.description.setPlainText(marker + " descripción secreta")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save()
    assert search_for(window, qtbot, marker) == [marker + " título"]
    window.ops.backup_to(tmp_path / "backup.tkc")
    qtbot.waitUntil((tmp_path / "backup.tkc").exists, timeout=10_000)
    window.lock()
    qtbot.waitUntil(lambda: not window.runner.is_open())
    window.close()

    roots = [paths.data_dir(), paths.config_dir(), tmp_path, Path(tempfile.gettempdir())]
    # The scan can fail: a file holding the marker in clear is found.
    control = tmp_path / "control.txt"
    control.write_text(marker, encoding="utf-8")
    assert _files_with(marker.encode(), roots, start) == [control.resolve()]
    control.unlink()
    for encoding in ("utf-8", "utf-16-le"):
        assert _files_with(marker.encode(encoding), roots, start) == []

    # And the record really is inside the encrypted file.
    with open_catalogue(catalogue_path, passphrase) as cat:
        assert cat.search_ids(marker)
