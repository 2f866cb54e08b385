"""Protocol keys inside the catalogue (issue 13 item 3): restricted and secret/sacred records
are sealed under their group's key; someone with only the database key reads none of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tkapp.core.model import AccessLevel, Community
from tkapp.core.users import CUSTODIANS_GROUP, Role
from tkapp.errors import KeyringError, NotPermitted
from tkapp.services.catalogue import create_catalogue, open_catalogue
from tkapp.store import sealed

from .protocol_helpers import (
    PASSPHRASE,
    add_media,
    attacker_connection,
    decrypted_pages,
    every_value,
    group_key,
    hits,
    marked_record,
    reader,
)

MIDWIVES = group_key("midwives")
CUSTODIANS = group_key(CUSTODIANS_GROUP)
RESTRICTED_MARK = "zumbamidwifeq"
SACRED_MARK = "yawarsacredq"
OPEN_MARK = "xochiopenq"  # a community record: the scan's control (it must be seen)


def test_database_key_alone_reads_no_protected_word(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    member = reader("Rosa", MIDWIVES, CUSTODIANS, role=Role.CUSTODIAN)
    cat = create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), reader=member)
    restricted = cat.add_record(marked_record(RESTRICTED_MARK, AccessLevel.RESTRICTED, "Midwives"))
    sacred = cat.add_record(marked_record(SACRED_MARK, AccessLevel.SECRET_SACRED))
    opened = cat.add_record(marked_record(OPEN_MARK, AccessLevel.COMMUNITY))
    add_media(cat, restricted.id, RESTRICTED_MARK)
    add_media(cat, sacred.id, SACRED_MARK)
    add_media(cat, opened.id, OPEN_MARK)
    edited = cat.get_record(restricted.id)
    edited.description += f" more {RESTRICTED_MARK}"
    cat.update_record(edited)
    try:
        # While open: the WAL holds every write. Then after close (checkpointed file).
        for moment in ("open", "closed"):
            if moment == "closed":
                cat.close()
            attacker = attacker_connection(path, PASSPHRASE)
            try:
                seen = hits(every_value(attacker), [RESTRICTED_MARK, SACRED_MARK, OPEN_MARK])
            finally:
                attacker.close()
            assert {m for _, m in seen} == {OPEN_MARK}, (moment, seen)
            tables = {where for where, _ in seen}
            # The control is seen where protected words would be: index, rows, media.
            assert {"record", "record_data", "record_fts_data", "media", "media_chunk"} <= tables
            raw = hits(decrypted_pages(path, PASSPHRASE), [RESTRICTED_MARK, SACRED_MARK, OPEN_MARK])
            assert {m for _, m in raw} == {OPEN_MARK}, (moment, raw)
    finally:
        cat.close()


def test_non_member_sees_placeholders_member_sees_the_record(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    member = reader("Rosa", MIDWIVES)
    cat = create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), reader=member)
    rec = cat.add_record(marked_record(RESTRICTED_MARK, AccessLevel.RESTRICTED, "Midwives"))
    media = add_media(cat, rec.id, RESTRICTED_MARK)
    other = cat.add_record(marked_record(OPEN_MARK, AccessLevel.COMMUNITY))
    # The member: the record, its search entry (in memory), its media.
    assert cat.get_record(rec.id).title == rec.title
    assert cat.search_ids(RESTRICTED_MARK[:5]) == [rec.id]
    assert cat.search_page("zumba").total == 1
    assert cat.summaries([rec.id])[0].title == rec.title
    assert cat.open_media(media.id).read(13) == RESTRICTED_MARK.encode()
    assert [m.file_name for m in cat.list_media(rec.id)] == [f"{RESTRICTED_MARK}.txt"]
    cat.close()

    for outsider in (reader("Juan"), None):  # a person in no group; nobody unlocked as a person
        cat = open_catalogue(path, PASSPHRASE, reader=outsider)
        try:
            (row,) = cat.summaries([rec.id])
            assert not row.readable
            assert row.protected_group == "midwives"
            assert row.title == "Restricted to the group \u201cmidwives\u201d"
            assert RESTRICTED_MARK not in repr(row)
            assert row.media_count == 1
            with pytest.raises(NotPermitted) as caught:
                cat.get_record(rec.id)
            assert caught.value.params["group"] == "midwives"
            assert cat.search_ids(RESTRICTED_MARK) == []
            assert cat.search_ids("") == [other.id, rec.id]  # listed, as a placeholder
            assert cat.list_media(rec.id) == []
            with pytest.raises(NotPermitted):
                cat.open_media(media.id)
            with pytest.raises(NotPermitted):
                cat.get_media(media.id)
            assert cat.readable_ids([rec.id, other.id]) == [other.id]
            # Writing into a group one is not in is refused; nothing changes.
            with pytest.raises(NotPermitted):
                cat.add_record(marked_record("new", AccessLevel.RESTRICTED, "midwives"))
            with pytest.raises(NotPermitted):  # nor move it to the trash, nor purge it
                cat.delete_record(rec.id)
            with pytest.raises(NotPermitted):
                cat.purge_record(rec.id)
            assert cat.count() == 2
        finally:
            cat.close()


def test_secret_sacred_is_for_the_custodians(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    cat = create_catalogue(
        path, PASSPHRASE, Community("Sacha Yaku"), reader=reader("Ama", CUSTODIANS)
    )
    rec = cat.add_record(marked_record(SACRED_MARK, AccessLevel.SECRET_SACRED))
    cat.close()
    with open_catalogue(path, PASSPHRASE, reader=reader("Rosa", MIDWIVES)) as cat:
        (row,) = cat.summaries([rec.id])
        assert row.title == "Secret/sacred: for the custodians only"
        with pytest.raises(NotPermitted):
            cat.get_record(rec.id)


def test_search_merges_disk_and_memory_in_one_order(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    cat = create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), reader=reader("R", MIDWIVES))
    ids = []
    for n in range(12):
        access = AccessLevel.RESTRICTED if n % 3 == 0 else AccessLevel.COMMUNITY
        ids.append(cat.add_record(marked_record(f"common{n}", access, "midwives")).id)
    newest_first = list(reversed(ids))
    assert cat.search_ids("common") == [i for i in cat.search_ids("common")]
    assert sorted(cat.search_ids("common")) == sorted(ids)
    page = cat.search_page("common", offset=2, limit=4)
    assert page.total == 12 and len(page.ids) == 4
    assert page.ids == cat.search_ids("common")[2:6]
    assert cat.search_ids("") == newest_first
    # Past RANKED_HITS_MAX the order is newest first, merged across both indexes.
    from tkapp.store import records

    old = records.RANKED_HITS_MAX
    records.RANKED_HITS_MAX = 5
    try:
        page = cat.search_page("common", offset=3, limit=5)
        assert not page.ranked and page.total == 12
        assert page.ids == newest_first[3:8]
    finally:
        records.RANKED_HITS_MAX = old
    cat.close()


def test_ciphertext_moved_to_another_record_does_not_open(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    member = reader("Rosa", MIDWIVES)
    cat = create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), reader=member)
    a = cat.add_record(marked_record("aaa", AccessLevel.RESTRICTED, "midwives"))
    b = cat.add_record(marked_record("bbb", AccessLevel.RESTRICTED, "midwives"))
    cat.close()
    # The attacker (database key, write access) copies a's sealed JSON over b's.
    from tkapp.store.connection import connect

    from .protocol_helpers import database_key

    key, salt = database_key(path, PASSPHRASE)
    conn = connect(path, key, salt)
    conn.execute(
        "UPDATE record_data SET sealed = (SELECT d.sealed FROM record_data d JOIN record r"
        " ON r.rowid = d.rowid WHERE r.id = ?) WHERE rowid = (SELECT rowid FROM record"
        " WHERE id = ?)",
        (a.id, b.id),
    )
    conn.close()
    with open_catalogue(path, PASSPHRASE, reader=member) as cat:
        with pytest.raises(KeyringError):
            cat.get_record(b.id)
        assert cat.get_record(a.id).title == a.title  # nothing else lost
        assert cat.search_ids("aaa") == [a.id]
        assert not cat.summaries([b.id])[0].readable  # listed, as a placeholder


def test_access_change_moves_record_and_media_in_and_out_of_the_seal(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    member = reader("Rosa", MIDWIVES)
    cat = create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), reader=member)
    rec = cat.add_record(marked_record(OPEN_MARK, AccessLevel.COMMUNITY))
    media = add_media(cat, rec.id, OPEN_MARK)
    rec.access, rec.restricted_group = AccessLevel.RESTRICTED, "midwives"
    cat.update_record(rec)
    assert cat.open_media(media.id).read(10) == OPEN_MARK.encode()[:10]
    assert cat.search_ids(OPEN_MARK) == [rec.id]
    cat.close()
    found = hits(decrypted_pages(path, PASSPHRASE), [OPEN_MARK])
    assert found == [], found
    with open_catalogue(path, PASSPHRASE, reader=member) as cat:
        back = cat.get_record(rec.id)
        back.access = AccessLevel.COMMUNITY
        cat.update_record(back)
    with open_catalogue(path, PASSPHRASE) as cat:
        assert cat.get_record(rec.id).title == rec.title
        assert cat.get_media(media.id).file_name == f"{OPEN_MARK}.txt"
        assert cat.search_ids(OPEN_MARK) == [rec.id]


def test_reseal_group_moves_every_record_to_the_new_key(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    new = group_key("midwives", 2)
    cat = create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), reader=reader("R", MIDWIVES))
    made = [
        cat.add_record(marked_record(f"rec{n}q", AccessLevel.RESTRICTED, "midwives"))
        for n in range(7)
    ]
    media = add_media(cat, made[0].id, RESTRICTED_MARK)
    cat.close()
    with open_catalogue(path, PASSPHRASE, reader=reader("R", MIDWIVES)) as cat:
        assert cat.reseal_group(MIDWIVES, new, batch=3) == 7
        assert cat.reseal_group(MIDWIVES, new, batch=3) == 0
    with open_catalogue(path, PASSPHRASE, reader=reader("R", new)) as cat:  # old key gone
        assert [cat.get_record(r.id).title for r in made] == [r.title for r in made]
        assert cat.open_media(media.id).read(13) == RESTRICTED_MARK.encode()
        assert cat.search_ids("rec3q") == [made[3].id]
    # Who left the group holds only the old key: it opens nothing any more.
    with (
        open_catalogue(path, PASSPHRASE, reader=reader("Left", MIDWIVES)) as cat,
        pytest.raises(NotPermitted),
    ):
        cat.get_record(made[0].id)


def test_store_refuses_a_moved_media_chunk(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    member = reader("Rosa", MIDWIVES)
    cat = create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), reader=member)
    rec = cat.add_record(marked_record("m", AccessLevel.RESTRICTED, "midwives"))
    media = add_media(cat, rec.id, RESTRICTED_MARK)
    with cat._db.transaction() as conn:  # swap the two chunks of the file
        rows = conn.execute("SELECT seq, bytes FROM media_chunk ORDER BY seq").fetchall()
        for seq, blob in rows:
            conn.execute("UPDATE media_chunk SET bytes = ? WHERE seq = ?", (blob, 1 - seq))
    reader_ = cat.open_media(media.id)
    with pytest.raises(KeyringError):
        reader_.read()
    assert sealed.reader_for(cat._db.conn) is member
    cat.close()


def test_media_moved_to_a_sealed_record_is_sealed(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    member = reader("Rosa", MIDWIVES)
    cat = create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), reader=member)
    open_rec = cat.add_record(marked_record("plain", AccessLevel.COMMUNITY))
    sealed_rec = cat.add_record(marked_record("sealedq", AccessLevel.RESTRICTED, "midwives"))
    media = add_media(cat, open_rec.id, RESTRICTED_MARK)
    media.record_id = sealed_rec.id
    cat.update_media(media)
    assert cat.open_media(media.id).read(13) == RESTRICTED_MARK.encode()
    cat.close()
    assert hits(decrypted_pages(path, PASSPHRASE), [RESTRICTED_MARK]) == []
    with open_catalogue(path, PASSPHRASE) as cat, pytest.raises(NotPermitted):
        cat.open_media(media.id)


def test_import_seals_protected_rows(tmp_path: Path) -> None:
    from tkapp.services.importing import run_import

    rows = tmp_path / "rows.csv"
    lines = ["title,access,restricted_group"]
    for n in range(30):
        group = "midwives" if n % 7 == 0 else ""
        lines.append(
            f"Row {n} {RESTRICTED_MARK if group else OPEN_MARK},"
            f"{'restricted' if group else 'community'},{group}"
        )
    rows.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "c.tkc"
    member = reader("Rosa", MIDWIVES)
    with create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), reader=member) as cat:
        assert run_import(cat, rows).counts.created == 30
        assert len(cat.search_ids(RESTRICTED_MARK)) == 5
        assert len(cat.search_ids(OPEN_MARK)) == 25
        assert len(cat.search_ids("row")) == 30
    found = hits(decrypted_pages(path, PASSPHRASE), [RESTRICTED_MARK, OPEN_MARK])
    assert {m for _, m in found} == {OPEN_MARK}
    with open_catalogue(path, PASSPHRASE) as cat:
        assert len([s for s in cat.summaries(cat.search_ids("")) if not s.readable]) == 5


def test_import_seals_the_media_of_protected_rows_written_in_bulk(tmp_path: Path) -> None:
    """A sealed row waits in the import's batch; its files must still be sealed under its key
    (the batch is written before them), and the open rows' files stay in the clear."""
    from tkapp.services.importing import run_import

    photos = tmp_path / "fotos"
    photos.mkdir()
    lines = ["title,access,restricted_group,photo"]
    for n in range(12):
        group = "midwives" if n % 4 == 0 else ""
        mark = RESTRICTED_MARK if group else OPEN_MARK
        (photos / f"p{n}.jpg").write_bytes(f"{mark} photo {n}".encode())
        lines.append(f"Row {n},{'restricted' if group else 'community'},{group},p{n}.jpg")
    rows = tmp_path / "rows.csv"
    rows.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "c.tkc"
    member = reader("Rosa", MIDWIVES)
    with create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), reader=member) as cat:
        result = run_import(cat, rows, media=photos, mapping={"photo": "media"})
        assert (result.counts.created, result.counts.media_attached) == (12, 12)
        sealed_rows = [s for s in cat.summaries(cat.search_ids("")) if s.protected_group]
        assert len(sealed_rows) == 3
        for summary in sealed_rows:
            (media,) = cat.list_media(summary.id)
            assert cat.open_media(media.id).read().startswith(RESTRICTED_MARK.encode())
        assert cat.check().audit.ok
    found = hits(decrypted_pages(path, PASSPHRASE), [RESTRICTED_MARK, OPEN_MARK])
    assert {m for _, m in found} == {OPEN_MARK}
