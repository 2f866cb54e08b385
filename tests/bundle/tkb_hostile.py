"""Hand-made ZIP and manifest surgery for hostile-bundle tests (struct, no zipfile)."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from tkapp.bundle import bagit
from tkapp.bundle.limits import Limits
from tkapp.bundle.manifest import MANIFEST_PATH, SIGNATURE_PATH, TAGMANIFEST_PATH, parse_manifest
from tkapp.bundle.signing import TrustedComment, untrusted_comment
from tkapp.bundle.zipformat import EXTERNAL_ATTR
from tkapp.bundle.zipread import read_index
from tkapp.bundle.zipwrite import StoredZipWriter
from tkapp.crypto.keys import KeyPair
from tkapp.crypto.minisign import sign


@dataclass
class RawEntry:
    name: bytes
    data: bytes
    method: int = 0
    flags: int = 0x0800
    external: int = EXTERNAL_ATTR
    usize: int | None = None  # declared uncompressed size (defaults to len(data))
    offset: int | None = None  # central directory offset override


def raw_zip(entries: list[RawEntry], *, prepend: bytes = b"", append: bytes = b"") -> bytes:
    """A ZIP built field by field, with whatever values the test asks for."""
    out = io.BytesIO()
    out.write(prepend)
    central = []
    for e in entries:
        offset = out.tell()
        usize = len(e.data) if e.usize is None else e.usize
        crc = zlib.crc32(e.data) if e.method == 0 else 0
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                e.flags,
                e.method,
                0,
                0x21,
                crc,
                len(e.data),
                usize,
                len(e.name),
                0,
            )
        )
        out.write(e.name + e.data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                (3 << 8) | 20,
                20,
                e.flags,
                e.method,
                0,
                0x21,
                crc,
                len(e.data),
                usize,
                len(e.name),
                0,
                0,
                0,
                0,
                e.external,
                offset if e.offset is None else e.offset,
            )
            + e.name
        )
    cd_start = out.tell()
    cd = b"".join(central)
    out.write(cd)
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(cd), cd_start, 0)
    )
    out.write(append)
    return out.getvalue()


def members(path: Path) -> tuple[str, dict[str, bytes]]:
    """Top folder and every member's bytes of a valid bundle."""
    with path.open("rb") as f:
        index = read_index(f, path.stat().st_size, Limits())
        result = {}
        for rel, entry in index.entries.items():
            f.seek(entry.data_offset)
            result[rel] = f.read(entry.size)
    return index.top, result


def rebuild(dest: Path, top: str, files: dict[str, bytes]) -> Path:
    """A well-formed container holding ``files`` (sorted, as the writer does)."""
    with dest.open("wb") as out:
        writer = StoredZipWriter(out)
        for rel in sorted(files, key=lambda r: f"{top}/{r}".encode()):
            writer.add_bytes(f"{top}/{rel}", files[rel])
        writer.close()
    return dest


def resign(
    files: dict[str, bytes],
    manifest_bytes: bytes,
    key: KeyPair,
    *,
    comment: TrustedComment | None = None,
) -> dict[str, bytes]:
    """Replace the manifest with ``manifest_bytes``, signed properly by ``key``."""
    files = dict(files)
    files[MANIFEST_PATH] = manifest_bytes
    if comment is None:
        current = parse_manifest(files[MANIFEST_PATH]) if _parses(manifest_bytes) else None
        comment = TrustedComment(
            bundle_uuid=current.bundle_uuid if current else "2b0c6a3e-3f8e-4a51-9d5e-0d9a1c6f4b11",
            sequence=current.sequence if current else 42,
            manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
            community=current.signer.community if current else "Comunidad Kichwa Añangu",
        )
    files[SIGNATURE_PATH] = sign(
        manifest_bytes, key, comment.text(), untrusted_comment(key.public_key)
    ).encode()
    if _parses(manifest_bytes):
        m = parse_manifest(manifest_bytes)
        files[TAGMANIFEST_PATH] = bagit.tagmanifest_sha256_txt(m.files, manifest_bytes)
    return files


def _parses(raw: bytes) -> bool:
    try:
        parse_manifest(raw)
    except Exception:
        return False
    return True
