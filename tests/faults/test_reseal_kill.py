"""SIGKILL during a group key rotation's re-sealing (issue 13): every record still opens, with
the old key or the new one (each record names its key version), and running the re-seal
again finishes the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tkapp.core.model import AccessLevel, Community, KnowledgeRecord
from tkapp.core.users import GroupKey, Reader, Role, User
from tkapp.crypto.keyring import new_key
from tkapp.services.catalogue import create_catalogue, open_catalogue
from tkapp.store import kdf
from tkapp.store.connection import connect, read_salt

from .conftest import PASSPHRASE, ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX-only")

RECORDS = 120

# The child: a member holding both versions re-seals one record per transaction.
_CHILD = """
import os, sys
from pathlib import Path
from tkapp.core.users import GroupKey, Reader, Role, User
from tkapp.services.catalogue import open_catalogue
old = GroupKey("midwives", 1, bytes.fromhex(os.environ["OLD_KEY"]))
new = GroupKey("midwives", 2, bytes.fromhex(os.environ["NEW_KEY"]))
# Holding only the old key at the unlock (which would otherwise finish the whole re-seal in
# its own batches first); the explicit call moves one record per transaction.
who = Reader(User("Rosa", Role.CUSTODIAN, frozenset({"midwives"})), (old,))
with open_catalogue(Path(sys.argv[1]), os.environ["TKAPP_PASSPHRASE"], reader=who) as cat:
    cat.reseal_group(old, new, batch=1)
"""


def _moved(path: Path) -> int:
    """Records already at the new version, read as an onlooker (database key, read-only)."""
    salt = read_salt(path)
    conn = connect(path, kdf.derive_key(PASSPHRASE, salt), salt, probe=True)
    try:
        return int(conn.execute("SELECT count(*) FROM record WHERE key_version = 2").fetchone()[0])
    finally:
        conn.close()


def _member(*keys: GroupKey) -> Reader:
    return Reader(User("Rosa", Role.CUSTODIAN, frozenset({"midwives"})), keys)


def test_kill_during_reseal_leaves_every_record_openable(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    old = GroupKey("midwives", 1, new_key())
    new = GroupKey("midwives", 2, new_key())
    with create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), reader=_member(old)) as cat:
        made = [
            cat.add_record(
                KnowledgeRecord(
                    title=f"Parto {n}",
                    access=AccessLevel.RESTRICTED,
                    restricted_group="midwives",
                )
            )
            for n in range(RECORDS)
        ]
    env = {
        **os.environ,
        "TKAPP_PASSPHRASE": PASSPHRASE,
        "TKAPP_KDF_PROFILE": "fast",
        "PYTHONPATH": str(ROOT),
        "OLD_KEY": old.key.hex(),
        "NEW_KEY": new.key.hex(),
    }
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(path)], env=env)
    deadline = time.monotonic() + 120
    killed_at = -1
    while time.monotonic() < deadline and proc.poll() is None:
        moved = _moved(path)
        if moved >= 5:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            killed_at = moved
            break
        time.sleep(0.005)
    else:
        proc.kill()
        proc.wait()
    assert killed_at >= 5, "the re-seal ended before it could be killed"

    # Mid-rotation: some records at each version.
    left = RECORDS - _moved(path)
    assert 0 < left < RECORDS
    with open_catalogue(path, PASSPHRASE, reader=_member(old, new)) as cat:
        # The next unlock by someone holding both keys finished where the kill stopped it.
        assert [cat.get_record(r.id).title for r in made] == [r.title for r in made]
        assert cat.check().ok
        assert cat.reseal_group(old, new) == 0
    assert _moved(path) == RECORDS
    with open_catalogue(path, PASSPHRASE, reader=_member(new)) as cat:
        assert [cat.get_record(r.id).title for r in made] == [r.title for r in made]
        assert len(cat.search_ids("parto")) == RECORDS
