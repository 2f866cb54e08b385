"""Write a signed, deterministic ``.tkb`` (BUNDLE-FORMAT.md section 6).

Memory stays bounded whatever the number of records. The ZIP starts with ``bag-info.txt``,
whose Payload-Oxum sums every payload file, and the format fixes the entry order, so the
signed manifest (sizes and hashes of every file) must be known before the first record is
written. Records and consents are therefore made twice, one at a time: pass 1 encodes each
to canonical JSON and keeps only its path, size and SHA-256 (for the manifest, which is then
signed); pass 2 encodes each again straight into the ZIP and checks it against pass 1 (a
record that changed in between stops the export: nothing is published). The terms files are
small and held in memory; media are streamed from their openers straight into the ZIP,
hashed on the way. The archive is written to a temp file next to the
destination, fsynced, verified with the signer's own key (the contents were hashed while
written; see :func:`_self_check`), and only then renamed into place. With ``encrypt_to``,
the signed bundle is built and verified in an unnamed temporary file (no path anyone could
open; gone with its handle, even after a kill) and only its age encryption reaches the
destination folder.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, cast

from tkapp import __version__
from tkapp.atomicfile import create_temp, place, remove_temp
from tkapp.bundle import bagit
from tkapp.bundle.canonical import canonical
from tkapp.bundle.content import (
    BundleContent,
    JsonSource,
    MediaItem,
    check_content,
    json_files,
    normalise_uuid,
)
from tkapp.bundle.limits import DEFAULT_LIMITS, Limits
from tkapp.bundle.manifest import (
    APPROVALS_PATH,
    LOCALCONTEXTS_PATH,
    MANIFEST_PATH,
    ODRL_PATH,
    PROFILE_PATH,
    SIGNATURE_PATH,
    TAGMANIFEST_PATH,
    TERMS_PATH,
    FileEntry,
    Manifest,
    RecipientInfo,
    Signer,
    bundle_urn,
    format_time,
    key_change_path,
)
from tkapp.bundle.signing import TrustedComment, untrusted_comment
from tkapp.bundle.zipwrite import StoredZipWriter
from tkapp.crypto.age import AgeRecipient, encrypt_stream
from tkapp.crypto.keys import KeyPair, key_id_hex
from tkapp.crypto.minisign import sign
from tkapp.errors import (
    BundleError,
    BundleIOError,
    HashMismatch,
    UsageError,
    ValidationError,
)

GENERATOR = f"tkapp {__version__}"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class WrittenBundle:
    """What the writer reports after the bundle passed its own verification."""

    path: Path
    sha256: str  # of the file at ``path`` (the age ciphertext when encrypted)
    plain_sha256: str  # of the signed .tkb itself (equal to sha256 when not encrypted)
    size: int
    bundle_id: str  # urn:uuid:...
    sequence: int
    manifest_sha256: str
    fingerprint: str  # SHA-256 of the signer's public key
    encrypted: bool


@dataclass(frozen=True)
class _JsonGroup:
    """Records or consents: made on demand, one file at a time (see the module's doc)."""

    folder: str  # "data/records/"
    field: str  # "records": named in errors
    source: JsonSource
    files: tuple[FileEntry, ...]  # pass 1: path, size and SHA-256 of each, in path order

    def path(self, item_id: str) -> str:
        return f"{self.folder}{item_id}.json"

    def files_again(self) -> Iterator[tuple[str, bytes]]:
        """Pass 2: (path, bytes) of each file, in path order."""
        for item_id, value in json_files(self.source, self.field):
            yield self.path(item_id), _json_file(dict(value), self.field)


@dataclass(frozen=True)
class _Layout:
    top: str
    manifest: Manifest
    manifest_bytes: bytes
    signature: bytes
    small: dict[str, bytes]  # relative path -> bytes (terms, tag files, manifest: not records)
    media: dict[str, MediaItem]
    groups: tuple[_JsonGroup, ...] = ()


def _json_file(value: object, where: str) -> bytes:
    try:
        return canonical(value)
    except ValueError as exc:
        raise ValidationError(f"not representable as canonical JSON: {exc}", field=where) from None


def _group(folder: str, field: str, source: JsonSource) -> _JsonGroup:
    """Pass 1 over records or consents: each file's size and hash, not its bytes."""
    files = []
    for item_id, value in json_files(source, field):
        data = _json_file(dict(value), field)
        digest = hashlib.sha256(data).hexdigest()
        files.append(FileEntry(f"{folder}{item_id}.json", len(data), digest))
    return _JsonGroup(folder, field, source, tuple(files))


def build_layout(content: BundleContent, key: KeyPair, created: datetime) -> _Layout:
    """Everything but the media bytes and the records' and consents' bytes: small files,
    every file's size and hash, manifest, signature. Pure."""
    check_content(content)
    bundle_uuid = normalise_uuid(content.bundle_id, "bundle_id")
    groups = (
        _group("data/records/", "records", content.records),
        _group("data/consent/", "consents", content.consents),
    )
    small: dict[str, bytes] = {}
    small[TERMS_PATH] = _json_file(dict(content.terms_json), "terms_json")
    for lang, text in content.terms_texts.items():
        small[f"data/terms/terms.{lang}.txt"] = text.encode("utf-8")
    if content.odrl is not None:
        small[ODRL_PATH] = _json_file(dict(content.odrl), "odrl")
    if content.odrl_profile is not None:
        small[PROFILE_PATH] = bytes(content.odrl_profile)
    if content.local_contexts is not None:
        small[LOCALCONTEXTS_PATH] = _json_file(dict(content.local_contexts), "local_contexts")
    if content.approvals is not None:
        small[APPROVALS_PATH] = _json_file(dict(content.approvals), "approvals")
    for n, (statement, statement_sig) in enumerate(content.key_changes, start=1):
        small[key_change_path(n)] = bytes(statement)
        small[key_change_path(n) + ".minisig"] = bytes(statement_sig)
    media = {item.path: item for item in content.media}

    files = [FileEntry(p, len(b), hashlib.sha256(b).hexdigest()) for p, b in small.items()]
    files += [entry for group in groups for entry in group.files]
    files += [FileEntry(p, item.size, item.sha256) for p, item in media.items()]
    created_text = format_time(created)
    bundle_id = bundle_urn(bundle_uuid)
    small["bagit.txt"] = bagit.bagit_txt()
    small["bag-info.txt"] = bagit.bag_info_txt(
        bundle_id=bundle_id,
        community=content.community,
        created=created_text,
        generator=GENERATOR,
        files=files,
    )
    small["manifest-sha256.txt"] = bagit.manifest_sha256_txt(files)
    for path in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt"):
        files.append(FileEntry(path, len(small[path]), hashlib.sha256(small[path]).hexdigest()))
    files.sort(key=lambda entry: entry.path.encode("utf-8"))

    age_hashes = sorted(
        {AgeRecipient.from_string(r).sha256_hex for r in content.recipient.age_recipients}
    )
    manifest = Manifest(
        bundle_id=bundle_id,
        catalogue_id=bundle_urn(normalise_uuid(content.catalogue_id, "catalogue_id")),
        sequence=content.sequence,
        created=created_text,
        expires=format_time(content.expires) if content.expires else None,
        signer=Signer(key_id_hex(key.key_id), key.fingerprint, content.community),
        recipient=RecipientInfo(
            name=content.recipient.name,
            organisation=content.recipient.organisation,
            user_class=content.recipient.user_class,
            purpose=content.recipient.purpose,
            age_recipients_sha256=tuple(age_hashes),
        ),
        terms_sha256=hashlib.sha256(small[TERMS_PATH]).hexdigest(),
        files=tuple(files),
        generator=GENERATOR,
    )
    try:
        manifest_bytes = manifest.canonical_bytes()
    except BundleError as exc:
        raise ValidationError(exc.detail, field=str(exc.params.get("field", "manifest"))) from None
    comment = TrustedComment(
        bundle_uuid, content.sequence, hashlib.sha256(manifest_bytes).hexdigest(), content.community
    )
    signature = sign(manifest_bytes, key, comment.text(), untrusted_comment(key.public_key))
    small[MANIFEST_PATH] = manifest_bytes
    small[SIGNATURE_PATH] = signature.encode("utf-8")
    small[TAGMANIFEST_PATH] = bagit.tagmanifest_sha256_txt(files, manifest_bytes)
    return _Layout(
        bundle_uuid, manifest, manifest_bytes, small[SIGNATURE_PATH], small, media, groups
    )


def _write_zip(layout: _Layout, fd: int, path: Path, progress: Progress | None) -> str:
    """Write the bundle into ``fd`` (the temporary file at ``path``) and fsync it; returns
    the SHA-256 of the whole file.

    The one re-read of an export: the ZIP writer patches each local header's CRC after the
    member's bytes, so the file's hash (shown to the custodian, kept in the ledger) can only
    be taken once the file is complete. It is taken while fsync waits for the disk (both
    release the GIL; the bytes come from the page cache, just written), so on any machine
    where writing to disk is slower than hashing, it adds no time to the export.
    """
    with os.fdopen(fd, "wb") as out:
        _write_zip_to(layout, out, progress, sync=False)
        with ThreadPoolExecutor(max_workers=1) as pool:
            file_sha = pool.submit(_sha256_file, path)
            os.fsync(out.fileno())
            return file_sha.result()


def _write_zip_to(
    layout: _Layout, out: BinaryIO, progress: Progress | None, *, sync: bool = True
) -> None:
    grouped = {entry.path: group for group in layout.groups for entry in group.files}
    names = sorted(
        [*layout.small, *layout.media, *grouped], key=lambda rel: f"{layout.top}/{rel}".encode()
    )
    total = sum(len(b) for b in layout.small.values()) + sum(m.size for m in layout.media.values())
    total += sum(entry.size for group in layout.groups for entry in group.files)
    expected = {entry.path: entry for group in layout.groups for entry in group.files}
    again = {group.folder: group.files_again() for group in layout.groups}
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    writer = StoredZipWriter(out, advance)
    for rel in names:
        full = f"{layout.top}/{rel}"
        if rel in layout.media:
            item = layout.media[rel]
            with contextlib.closing(item.opener()) as src:
                writer.add_stream(full, src, item.size, item.sha256)
        elif rel in grouped:
            _add_again(writer, full, rel, again[grouped[rel].folder], expected[rel])
        else:
            writer.add_bytes(full, layout.small[rel])
    for folder, files in again.items():
        if next(files, None) is not None:
            raise HashMismatch("more files than when the manifest was made", path=folder)
    writer.close()
    out.flush()
    if sync:
        os.fsync(out.fileno())


def _add_again(
    writer: StoredZipWriter,
    full: str,
    rel: str,
    files: Iterator[tuple[str, bytes]],
    expected: FileEntry,
) -> None:
    """Pass 2 of one record or consent: written as made, and refused (raising
    :class:`HashMismatch`) unless it is the file pass 1 sized and hashed for the manifest."""
    path, data = next(files, ("", b""))
    if path != rel:
        raise HashMismatch("a file changed while the bundle was written", path=rel)
    entry = writer.add_bytes(full, data)
    if entry.sha256 != expected.sha256 or entry.size != expected.size:
        raise HashMismatch("a file changed while the bundle was written", path=rel)


def _sha256_stream(f: BinaryIO) -> str:
    digest = hashlib.sha256()
    while block := f.read(1024 * 1024):
        digest.update(block)
    return digest.hexdigest()


def _sha256_file(path: Path) -> str:
    with path.open("rb") as f:
        return _sha256_stream(f)


def _self_check(path: Path | BinaryIO, key: KeyPair, created: datetime, limits: Limits) -> None:
    """Verify the written bundle with the signer's own key, except re-hashing the contents.

    Every member was hashed (and its CRC computed) while it was written, and a stream that
    did not match its declared hash failed then. Reading the bytes back right after writing
    them would come from the OS page cache, so it could not catch a bad disk either; it would
    only double the export's hashing work. Signature, manifest, file set, sizes, BagIt files,
    terms and records are all checked as a recipient's verifier checks them.
    """
    # Deferred import: the verifier imports nothing from here, but keep the modules independent.
    from tkapp.bundle.verifier import verify_bundle

    report = verify_bundle(
        path,
        trust=None,
        trust_key=key.public_key,
        now=created,
        limits=limits,
        contents_hashed=True,
    )
    report.close()


class _Hashing:
    """Passes reads or writes through to a file and hashes the bytes on the way."""

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.f.read(size)
        self.digest.update(data)
        return data

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.f.write(data)

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def _io_error(exc: OSError) -> BundleIOError:
    if exc.errno == errno.ENOSPC:
        return BundleIOError("disk full", errno="ENOSPC")
    return BundleIOError(exc.strerror or exc.__class__.__name__)


def write_bundle(
    content: BundleContent,
    key: KeyPair,
    dest: Path,
    *,
    created: datetime,
    encrypt_to: Sequence[str] = (),
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> WrittenBundle:
    """Write, verify and atomically publish a bundle.

    Args:
        content: what goes in (already filtered by the licensing plan).
        key: the community signing key.
        dest: final path (``.tkb``, or ``.tkb.age`` with ``encrypt_to``); must not exist.
        created: the export time (fixed clock in tests: same inputs give identical bytes).
        encrypt_to: ``age1...`` recipients to encrypt to; each must be one of
            ``content.recipient.age_recipients`` so the manifest names it.
        limits: verifier limits for the self-check.
        progress: called with (bytes done, bytes total); may raise ``Cancelled``.

    Returns:
        The written bundle's identity and hashes.

    Raises:
        ValidationError: content the format cannot carry.
        HashMismatch, SizeMismatch: a media stream differs from its declared hash or size.
        LimitExceeded: larger than a v1 bundle can be.
        BundleIOError: the destination cannot be written (exists, disk full, permissions).
        BundleError: the self-check failed (nothing is left at ``dest``).
    """
    dest = Path(dest)
    declared = {str(AgeRecipient.from_string(r)) for r in content.recipient.age_recipients}
    recipients = [AgeRecipient.from_string(r) for r in encrypt_to]
    if any(str(r) not in declared for r in recipients):
        raise UsageError("every encryption recipient must be named in the recipient's keys")
    if dest.exists():
        raise BundleIOError("destination exists", path=dest.name)
    layout = build_layout(content, key, created)
    bundle_id, sequence = layout.manifest.bundle_id, layout.manifest.sequence
    manifest_sha256 = hashlib.sha256(layout.manifest_bytes).hexdigest()
    try:
        if recipients:
            # The signed plaintext exists only as an unnamed temporary file (O_TMPFILE on
            # Linux, unlinked at once elsewhere): it has no name anyone could open, and it is
            # gone with its handle, even if the process is killed mid-export.
            with tempfile.TemporaryFile() as plain:
                _write_zip_to(layout, plain, progress)
                del layout  # every file's entry: not held while the self-check holds its own
                _self_check(plain, key, created, limits)
                plain.seek(0)
                tmp, fd = create_temp(dest, "bundle")
                try:
                    with os.fdopen(fd, "wb") as out:
                        # One pass: the plaintext and the ciphertext are hashed as they are
                        # read and written.
                        reader, writer = _Hashing(plain), _Hashing(out)
                        encrypt_stream(cast(BinaryIO, reader), cast(BinaryIO, writer), recipients)
                        out.flush()
                        os.fsync(out.fileno())
                    plain_sha, file_sha = reader.hexdigest(), writer.hexdigest()
                    place(tmp, dest, overwrite=False)
                finally:
                    remove_temp(tmp)
        else:
            tmp, fd = create_temp(dest, "bundle")
            try:
                plain_sha = file_sha = _write_zip(layout, fd, tmp, progress)
                del layout  # as above
                _self_check(tmp, key, created, limits)
                place(tmp, dest, overwrite=False)
            finally:
                remove_temp(tmp)
    except FileExistsError:
        # Another program created the destination while the bundle was written.
        raise BundleIOError("destination exists", path=dest.name) from None
    except OSError as exc:
        raise _io_error(exc) from None
    return WrittenBundle(
        path=dest,
        sha256=file_sha,
        plain_sha256=plain_sha,
        size=dest.stat().st_size,
        bundle_id=bundle_id,
        sequence=sequence,
        manifest_sha256=manifest_sha256,
        fingerprint=key.fingerprint,
        encrypted=bool(recipients),
    )
