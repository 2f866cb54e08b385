"""Workloads run in a subprocess by the crash-safety and no-plaintext tests.

    python tests/store/workload.py crash CATALOGUE CSV
        import CSV (one transaction) unless the catalogue is already large, then edit forever
        (each edit its own transaction) until killed.
    python tests/store/workload.py markers CATALOGUE BACKUP MARKER
        create, add/search/edit/delete records and media holding MARKER, back up; print READY
        with the catalogue still open, wait for a line on stdin, then close and print DONE.

Passphrase from TKAPP_PASSPHRASE; run with TKAPP_KDF_PROFILE=fast.
"""

from __future__ import annotations

import io
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tkapp.core.model import Community, KnowledgeRecord, Media, MediaKind, Use
from tkapp.services.catalogue import create_catalogue, open_catalogue
from tkapp.services.importing import run_import

# Two committed imports (10,000 records), then edits only: the catalogue the test checks
# after every kill stays small (each check reads every record; at 15,000 it took half of
# each round).
CRASH_LIMIT = 10_000


def crash(catalogue: Path, csv_file: Path) -> None:
    passphrase = os.environ["TKAPP_PASSPHRASE"]
    cat = open_catalogue(catalogue, passphrase, actor="crash-test")
    stats = cat.stats()
    if stats.records + stats.in_trash < CRASH_LIMIT:
        run_import(cat, csv_file)
    print("IMPORTED", flush=True)
    ids = cat.search_ids()
    rng = random.Random()
    n = 0
    while True:
        rec = cat.get_record(rng.choice(ids))
        rec.description += f" edit {n}"
        cat.update_record(rec)
        if n % 7 == 0:
            cat.delete_record(rec.id)
            cat.restore_record(rec.id)
        n += 1


def markers(catalogue: Path, backup: Path, marker: str) -> None:
    passphrase = os.environ["TKAPP_PASSPHRASE"]
    cat = create_catalogue(catalogue, passphrase, Community("Marker " + marker))
    ids = []
    for i in range(40):
        rec = cat.add_record(
            KnowledgeRecord(
                f"{marker} title {i}",
                description=f"{marker} description {i} " * 20,
                uses=[Use(preparation=f"{marker} preparation")],
            )
        )
        ids.append(rec.id)
    payload = (marker.encode() + b" media bytes ") * 50_000
    media = cat.add_media(
        Media(MediaKind.VIDEO, "video/mp4", marker + ".mp4", record_id=ids[0]),
        io.BytesIO(payload),
    )
    assert cat.open_media(media.id).read() == payload
    assert len(cat.search_ids(marker)) == 40
    for rec_id in ids[:10]:
        rec = cat.get_record(rec_id)
        rec.title = f"{marker} edited"
        cat.update_record(rec)
    for rec_id in ids[10:15]:
        cat.delete_record(rec_id)
    cat.purge_record(ids[15])
    cat.search(marker, limit=100)
    cat.summaries(ids)
    cat.backup(backup)
    print("READY", flush=True)
    sys.stdin.readline()
    cat.close()
    print("DONE", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "crash":
        crash(Path(sys.argv[2]), Path(sys.argv[3]))
    elif sys.argv[1] == "markers":
        markers(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])
