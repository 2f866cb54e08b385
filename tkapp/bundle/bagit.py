"""The BagIt 1.0 tag files (RFC 8493), all derived from the manifest.

The writer and the verifier call the same functions, so "regenerate and byte-compare" (step 11)
is exact. Nothing here reads the payload: sizes and hashes come from the signed manifest.
"""

from __future__ import annotations

import hashlib

from tkapp.bundle.manifest import BAG_FILES, MANIFEST_PATH, FileEntry

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


def bagit_txt() -> bytes:
    return BAGIT_TXT


def payload_oxum(files: tuple[FileEntry, ...] | list[FileEntry]) -> str:
    """``<total bytes>.<file count>`` of the payload (everything under ``data/``)."""
    payload = [entry for entry in files if entry.path.startswith("data/")]
    return f"{sum(entry.size for entry in payload)}.{len(payload)}"


def bag_info_txt(
    *,
    bundle_id: str,
    community: str,
    created: str,
    generator: str,
    files: tuple[FileEntry, ...] | list[FileEntry],
) -> bytes:
    """``bag-info.txt``; ``community`` is single-line (the manifest schema guarantees it)."""
    lines = [
        f"External-Identifier: {bundle_id}",
        f"Source-Organization: {community}",
        f"Bagging-Date: {created[:10]}",
        f"Bag-Software-Agent: {generator}",
        f"Payload-Oxum: {payload_oxum(files)}",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def manifest_sha256_txt(files: tuple[FileEntry, ...] | list[FileEntry]) -> bytes:
    """The payload manifest: ``<sha256>  <path>`` per file under ``data/``, sorted by path."""
    payload = sorted(
        (entry for entry in files if entry.path.startswith("data/")),
        key=lambda entry: entry.path.encode("utf-8"),
    )
    return "".join(f"{entry.sha256}  {entry.path}\n" for entry in payload).encode("utf-8")


def tagmanifest_sha256_txt(
    files: tuple[FileEntry, ...] | list[FileEntry], manifest_bytes: bytes
) -> bytes:
    """Covers bagit.txt, bag-info.txt, manifest-sha256.txt and tkb/manifest.json."""
    hashes = {entry.path: entry.sha256 for entry in files if entry.path in BAG_FILES}
    hashes[MANIFEST_PATH] = hashlib.sha256(manifest_bytes).hexdigest()
    ordered = sorted(hashes, key=lambda path: path.encode("utf-8"))
    return "".join(f"{hashes[path]}  {path}\n" for path in ordered).encode("utf-8")
