"""Verify a ``.tkb`` / ``.tkb.age`` bundle in the order of BUNDLE-FORMAT.md section 5.

Each step stops at the first failure with a typed :class:`~tkapp.errors.BundleError`. Bytes are
checked before anything is parsed, memory stays bounded (media are only ever streamed), and
nothing is extracted: the report gives access to members by streaming them again from the
verified file, re-checking their hashes.

Two deliberate refinements of the written order, both stricter:

- Step 6 checks the signature, the comment signature, the comment's syntax and its manifest
  hash; the comment's bundle id, sequence and community are compared with the manifest right
  after step 7 parses it (the hash already binds them, so no forged value gets further).
- Step 7 checks the version (``type``, ``format_version``) before the closed schema, so a
  future manifest is reported as ``UnsupportedVersion`` rather than a schema error.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from tkapp.bundle import bagit
from tkapp.bundle import zipformat as zf
from tkapp.bundle.canonical import DuplicateKeyError, strict_loads
from tkapp.bundle.decide import decide_bundle, request_for
from tkapp.bundle.limits import DEFAULT_LIMITS, Limits, bounded_loads
from tkapp.bundle.manifest import (
    APPROVALS_PATH,
    FIXED_TAG_FILES,
    KEYS_DIR,
    LOCALCONTEXTS_PATH,
    MANIFEST_PATH,
    ODRL_PATH,
    SIGNATURE_PATH,
    TAGMANIFEST_PATH,
    TERMS_PATH,
    FileEntry,
    Manifest,
    parse_manifest,
)
from tkapp.bundle.records import BundleRecord
from tkapp.bundle.revocation import RevocationList, check_not_revoked
from tkapp.bundle.rotation import MAX_SIGNATURE, MAX_STATEMENT, RotationStatement, vouching_key
from tkapp.bundle.rotation import parse as parse_rotation
from tkapp.bundle.signing import parse_trusted_comment, parse_untrusted_comment
from tkapp.bundle.zipread import ZipEntry, ZipIndex, read_index, read_member
from tkapp.crypto import age
from tkapp.crypto.fingerprint import Fingerprint
from tkapp.crypto.keyring import approval_message, approval_valid
from tkapp.crypto.keys import PublicKey, key_id_hex
from tkapp.crypto.minisign import Signature, parse_signature, prehash, verify_prehashed
from tkapp.crypto.trust import (
    SEQ_NEW,
    SEQ_SAME,
    KeyAssessment,
    TrustedKey,
    TrustHow,
    TrustStore,
    TrustWarning,
    decide_trust,
)
from tkapp.errors import (
    BagItMismatch,
    BundleError,
    BundleIOError,
    ContainerError,
    Expired,
    HashMismatch,
    LimitExceeded,
    MissingFile,
    NotAnAgeFile,
    NotIntendedRecipient,
    RotationError,
    SchemaError,
    SignatureFormatError,
    SignatureMetadataMismatch,
    SizeMismatch,
    TermsError,
    UnexpectedFile,
    ValidationError,
)
from tkapp.licensing.evaluate import Decision, Request
from tkapp.licensing.terms import Terms

IdentityLike = age.AgeIdentity | str | os.PathLike[str]
_CHUNK = 1024 * 1024
#: How many records a report names (id, title, decision), in path order: ``tkapp verify``,
#: its ``--json`` and the verify window list these and say how many more there are. Every
#: record is still checked (hash, schema, decision) and counted, whatever the number; the
#: report's memory stays bounded (issue 19).
RECORDS_LISTED = 1000
#: Trust status of a key used for the writer's own check or an explicit ``--trust FILE``.
TRUST_EXPLICIT = "file"


# --- reading members -----------------------------------------------------------------------------


class _Source:
    """The verified file, shared by the report's readers (seek + read under one lock)."""

    def __init__(self, f: BinaryIO, cleanup: list[Path]) -> None:
        self.f = f
        self.lock = threading.Lock()
        self._cleanup = cleanup

    def pread(self, offset: int, size: int) -> bytes:
        with self.lock:
            self.f.seek(offset)
            data = self.f.read(size)
        if len(data) != size:
            raise ContainerError("unexpected end of file")
        return data

    def close(self) -> None:
        self.f.close()
        for path in self._cleanup:
            shutil.rmtree(path, ignore_errors=True)


class CheckedReader(io.RawIOBase):
    """Streams one member and raises :class:`HashMismatch` at the end if it was altered.

    Read to the end before trusting what was read: the check happens at end of stream.
    """

    def __init__(self, source: _Source, entry: ZipEntry, sha256: str, path: str) -> None:
        self._source = source
        self._entry = entry
        self._sha256 = sha256
        self._path = path
        self._pos = 0
        self._digest = hashlib.sha256()
        self._checked = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        remaining = self._entry.size - self._pos
        if remaining <= 0:
            self._finish()
            return 0
        size = min(len(view), remaining, _CHUNK)
        data = self._source.pread(self._entry.data_offset + self._pos, size)
        view[:size] = data
        self._digest.update(data)
        self._pos += size
        if self._pos == self._entry.size:
            self._finish()
        return size

    def _finish(self) -> None:
        if not self._checked:
            self._checked = True
            if self._digest.hexdigest() != self._sha256:
                raise HashMismatch(self._path, path=self._path)


# --- the report ------------------------------------------------------------------------------


@dataclass(slots=True)
class RecordSummary:
    record_id: str
    title: str
    decision: Decision | None = None


@dataclass
class VerifyReport:
    """A verified bundle: who signed it, trust, manifest, terms, decision, member access.

    Keep it open while reading members (``with verify_bundle(...) as report:``); closing it
    deletes the private decrypted copy of an encrypted bundle.
    """

    source: Path
    encrypted: bool
    decrypted_by: str | None  # the age1... recipient whose identity opened it
    signer: PublicKey
    community: str
    trust: str  # "in_person" | "file" | "tofu"
    newly_trusted: bool
    already_seen: bool  # this exact bundle was the newest seen before: nothing new
    sequence_status: str  # trust.SEQ_*: new, same, older (a newer one was seen), conflict
    newest_seen: int  # newest sequence seen from this key before this check (0: none)
    trust_warnings: tuple[TrustWarning, ...]
    rotated_from: TrustedKey | None  # the trusted key whose rotation statement vouched
    manifest: Manifest
    manifest_sha256: str
    terms: Terms
    terms_texts: dict[str, str]
    odrl: dict[str, Any] | None
    records: list[RecordSummary]  # RECORDS_LISTED at most, path order (bundle.decide)
    consent_ids: list[str]
    media: list[FileEntry]
    intended: tuple[str, str] | None = None
    decision: Decision | None = None
    #: How many records the bundle holds (``records`` lists at most RECORDS_LISTED of them).
    record_count: int = 0
    #: How many records the intended use may not use (0 without ``intended``).
    blocked_count: int = 0
    #: The Local Contexts Hub projects the bundle names (read by :func:`local_contexts_of`).
    local_contexts: list[HubProjectSummary] = field(default_factory=list)
    #: Who approved the export (``data/approvals.json``), each signature checked over the
    #: digest it names: read by :func:`approvers_of`.
    approved_by: list[str] = field(default_factory=list)
    _source: _Source | None = field(default=None, repr=False)
    _index: ZipIndex | None = field(default=None, repr=False)

    @property
    def fingerprint(self) -> Fingerprint:
        return Fingerprint.of_public_key(self.signer.public)

    @property
    def key_id(self) -> str:
        return key_id_hex(self.signer.key_id)

    def __enter__(self) -> VerifyReport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._source is not None:
            self._source.close()
            self._source = None

    def open_member(self, path: str) -> CheckedReader:
        """Stream a listed file (path relative to the bag, e.g. ``data/media/<sha>.jpg``)."""
        entry = self.manifest.file(path)
        if entry is None or self._source is None or self._index is None:
            raise MissingFile(path[:120], path=path[:120])
        return CheckedReader(self._source, self._index.entries[path], entry.sha256, path)

    def read_bytes(self, path: str, max_size: int = DEFAULT_LIMITS.max_json_member_bytes) -> bytes:
        """A small listed file's bytes, hash re-checked."""
        entry = self.manifest.file(path)
        if entry is not None and entry.size > max_size:
            raise LimitExceeded("file too large to read at once", path=path[:120])
        with self.open_member(path) as reader:
            return reader.read()

    @property
    def records_not_listed(self) -> int:
        """Records the report counts but does not list (beyond RECORDS_LISTED)."""
        return self.record_count - len(self.records)

    def iter_records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each record's id and parsed JSON (every record, not only those listed), read
        again from the verified file."""
        for entry in self.manifest.files:
            if entry.path.startswith("data/records/"):
                record_id = entry.path.removeprefix("data/records/").removesuffix(".json")
                yield record_id, _json_object(self.read_bytes(entry.path), entry.path)

    def iter_consents(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for consent_id in self.consent_ids:
            path = f"data/consent/{consent_id}.json"
            yield consent_id, _json_object(self.read_bytes(path), path)

    def to_json(self) -> dict[str, Any]:
        """A stable, untranslated summary (codes, not sentences) for ``--json``."""
        m = self.manifest
        return {
            "valid": True,
            "bundle_id": m.bundle_id,
            "catalogue_id": m.catalogue_id,
            "sequence": m.sequence,
            "created": m.created,
            "expires": m.expires,
            "encrypted": self.encrypted,
            "decrypted_by": self.decrypted_by,
            "signer": {
                "community": self.community,
                "key_id": self.key_id,
                "fingerprint": self.fingerprint.hex,
                "fingerprint_words": self.fingerprint.words(),
            },
            "trust": {
                "how": self.trust,
                "newly_trusted": self.newly_trusted,
                "already_seen": self.already_seen,
                "sequence_status": self.sequence_status,
                "newest_seen": self.newest_seen,
                "warnings": [{"code": w.code, "params": w.params} for w in self.trust_warnings],
                "rotated_from": (
                    self.rotated_from.fingerprint if self.rotated_from is not None else None
                ),
            },
            "recipient": m.recipient.to_json(),
            "manifest_sha256": self.manifest_sha256,
            "records": [
                {"id": r.record_id, "title": r.title, "decision": _decision_json(r.decision)}
                for r in self.records
            ],
            # Every record is counted; RECORDS_LISTED at most are listed above.
            "record_count": self.record_count,
            "records_not_listed": self.records_not_listed,
            "blocked_count": self.blocked_count,
            "consents": list(self.consent_ids),
            "media": [e.to_json() for e in self.media],
            "terms": self.terms.to_json(),
            "terms_languages": sorted(self.terms_texts),
            "odrl": self.odrl is not None,
            "local_contexts": [vars(p) for p in self.local_contexts],
            "approved_by": list(self.approved_by),
            "intended": (
                {"user_class": self.intended[0], "purpose": self.intended[1]}
                if self.intended
                else None
            ),
            "decision": _decision_json(self.decision),
        }


def _decision_json(decision: Decision | None) -> dict[str, object] | None:
    return decision.to_json() if decision is not None else None


@dataclass(frozen=True)
class HubProjectSummary:
    """One Local Contexts Hub project as a bundle states it (text shortened, for display)."""

    hub_id: str
    title: str
    page_url: str
    labels: tuple[str, ...]
    notices: tuple[str, ...]  # notice codes (tkapp.licensing.notices)
    whole_catalogue: bool
    synced_at: str


def _text(value: object, limit: int = 500) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def approvers_of(data: dict[str, Any]) -> list[str]:
    """Names in ``approvals.json`` whose signature checks over its digest with the key it
    lists (informative: the manifest's signature already covers the file; the recipient
    cannot tell who holds each approval key, only that the community's key vouches for it)."""
    digest = data.get("digest")
    if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
        return []
    names: list[str] = []
    for item in _list(data.get("approvals"))[:100]:
        if not isinstance(item, dict):
            continue
        try:
            public = bytes.fromhex(_text(item.get("approval_public_key"), 64))
            signature = bytes.fromhex(_text(item.get("signature"), 128))
        except ValueError:
            continue
        if len(public) == 32 and approval_valid(public, signature, approval_message(digest)):
            names.append(_text(item.get("name"), 200))
    return names


def local_contexts_of(data: dict[str, Any]) -> list[HubProjectSummary]:
    """The projects of ``localcontexts.json``; malformed entries are skipped (the file is
    informative: it never changes what the verifier decides)."""
    projects = data.get("projects")
    result: list[HubProjectSummary] = []
    for item in projects[:100] if isinstance(projects, list) else []:
        if not isinstance(item, dict) or not _text(item.get("hub_id")):
            continue
        page = _text(item.get("page_url"))
        labels = _list(item.get("labels"))
        notices = _list(item.get("notices"))
        result.append(
            HubProjectSummary(
                hub_id=_text(item.get("hub_id"), 100),
                title=_text(item.get("title")),
                page_url=page if page.startswith("https://") else "",
                labels=tuple(_text(c, 20) for c in labels[:50] if isinstance(c, str)),
                notices=tuple(
                    _text(n.get("code"), 40) for n in notices[:10] if isinstance(n, dict)
                ),
                whole_catalogue=item.get("whole_catalogue") is True,
                synced_at=_text(item.get("synced_at"), 40),
            )
        )
    return result


def _json_object(raw: bytes, path: str, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    try:
        value = bounded_loads(raw, limits, path, allow_floats=True)
    except DuplicateKeyError:
        raise SchemaError("duplicate key", field=path[:120]) from None
    except (ValueError, RecursionError):
        raise SchemaError("not JSON", field=path[:120]) from None
    if not isinstance(value, dict):
        raise SchemaError("expected a JSON object", field=path[:120])
    return value


# --- the steps -------------------------------------------------------------------------------


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise BundleIOError(exc.strerror or "cannot open", path=path.name[:120]) from None


def _load_identities(identities: Sequence[IdentityLike]) -> list[age.AgeIdentity]:
    result: list[age.AgeIdentity] = []
    for item in identities:
        if isinstance(item, age.AgeIdentity):
            result.append(item)
        elif isinstance(item, str) and item.strip().upper().startswith("AGE-SECRET-KEY-1"):
            result.append(age.AgeIdentity.from_string(item))
        else:
            result.extend(age.load_identity_files([Path(item)]))
    return result


def _decrypt(
    f: BinaryIO, identities: Sequence[IdentityLike], limits: Limits
) -> tuple[BinaryIO, age.AgeIdentity, Path]:
    """Step 2: decrypt into an unnamed 0600 file inside a private 0700 folder."""
    keys = _load_identities(identities)
    folder = Path(tempfile.mkdtemp(prefix="tkapp-verify-"))
    try:
        # TemporaryFile has no name on Linux (O_TMPFILE) or is unlinked at once elsewhere:
        # the plaintext disappears with the handle even if the process dies.
        plain = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - owned by the report
        try:
            os.chmod(folder, 0o700)
            identity = age.decrypt_stream(f, plain, keys, max_plaintext=limits.max_file_bytes)
            plain.flush()
            plain.seek(0)
        except BaseException:
            plain.close()
            raise
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return plain, identity, folder


def _signing_key(sig: Signature) -> PublicKey:
    """Step 5a: the key the bundle says it is signed with (its untrusted comment).

    Nothing is trusted yet: the signature is checked against this key in step 6, and whether
    the key is trusted is decided in step 5b, once the signed manifest gives the catalogue id.
    """
    embedded = parse_untrusted_comment(sig.untrusted_comment)
    if embedded.key_id != sig.key_id:
        raise SignatureMetadataMismatch("embedded public key differs from the signing key")
    return embedded


def _decide_key(
    key: PublicKey,
    manifest: Manifest,
    opts: _Options,
    rotation_from: TrustedKey | None,
) -> tuple[str, bool, tuple[TrustWarning, ...]]:
    """Step 5b: whether the (authentic) signing key is trusted; see :func:`decide_trust`."""
    trust = opts.trust
    explicit = opts.trust_key is not None and opts.trust_key == key
    if trust is None:
        assessment = KeyAssessment(
            key, manifest.signer.community, manifest.catalogue_id, None, (), (), ()
        )
    else:
        assessment = trust.assess(key, manifest.signer.community, manifest.catalogue_id)
    decision = decide_trust(
        assessment, explicit=explicit, tofu=opts.tofu, rotation_from=rotation_from
    )
    return decision.how, decision.pin and trust is not None, decision.warnings


def _check_signature(sig: Signature, key: PublicKey, manifest_bytes: bytes) -> None:
    """Step 6: both signatures, then the trusted comment's syntax and manifest hash."""
    verify_prehashed(sig, key, prehash(manifest_bytes))
    comment = parse_trusted_comment(sig.trusted_comment)
    if comment.manifest_sha256 != hashlib.sha256(manifest_bytes).hexdigest():
        raise SignatureMetadataMismatch("trusted comment names another manifest")


def _bind_manifest(sig: Signature, key: PublicKey, manifest: Manifest) -> None:
    comment = parse_trusted_comment(sig.trusted_comment)
    if (
        comment.bundle_uuid != manifest.bundle_uuid
        or comment.sequence != manifest.sequence
        or comment.community != manifest.signer.community
    ):
        raise SignatureMetadataMismatch("trusted comment differs from the manifest")
    if (
        manifest.signer.key_id != key_id_hex(key.key_id)
        or manifest.signer.pubkey_sha256 != hashlib.sha256(key.public).hexdigest()
    ):
        raise SignatureMetadataMismatch("manifest names another signing key")


def _check_files(index: ZipIndex, manifest: Manifest) -> None:
    """Step 9: the container holds exactly the listed files plus the fixed tag files."""
    expected = [entry.path for entry in manifest.files] + list(FIXED_TAG_FILES)
    actual = set(index.entries)
    if index.top != manifest.bundle_uuid:
        raise UnexpectedFile(index.top[:120], path=index.top[:120])
    for path in expected:
        if path not in actual:
            raise MissingFile(path, path=path)
    unexpected = sorted(actual - set(expected))
    if unexpected:
        shown = unexpected[0].encode("unicode_escape").decode("ascii")[:120]
        raise UnexpectedFile(shown, path=shown)


def _check_sizes(index: ZipIndex, manifest: Manifest) -> None:
    """Step 10 when the caller hashed the contents as it wrote them: sizes only."""
    for declared in manifest.files:
        if index.entries[declared.path].size != declared.size:
            raise SizeMismatch(declared.path, path=declared.path)


def _check_contents(f: BinaryIO, index: ZipIndex, manifest: Manifest) -> None:
    """Step 10: stream every listed file once; size, SHA-256 and CRC-32.

    The signed SHA-256 alone proves the content. The CRC is still checked because the
    format allows one byte form per bundle (BUNDLE-FORMAT.md section 6): left unchecked, the
    four CRC bytes of each entry could take any value, giving one signed bundle many file
    hashes, and a bundle that passes here would fail ``unzip -t``. It costs little in the
    same read (:data:`tkapp.bundle.zipformat.crc32`, zlib-ng).
    """
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    for declared in manifest.files:
        entry = index.entries[declared.path]
        if entry.size != declared.size:
            raise SizeMismatch(declared.path, path=declared.path)
        digest = hashlib.sha256()
        crc = 0
        f.seek(entry.data_offset)
        remaining = entry.size
        while remaining:
            got = f.readinto(view[: min(_CHUNK, remaining)])  # type: ignore[attr-defined]
            if not got:
                raise ContainerError("unexpected end of file")
            chunk = view[:got]
            digest.update(chunk)
            crc = zf.crc32(chunk, crc)
            remaining -= got
        if digest.hexdigest() != declared.sha256:
            raise HashMismatch(declared.path, path=declared.path)
        if crc != entry.crc:
            raise ContainerError("CRC-32 differs from the content", path=declared.path)


def _check_bagit(f: BinaryIO, index: ZipIndex, manifest: Manifest, manifest_bytes: bytes) -> None:
    """Step 11: regenerate the BagIt tag files and compare bytes."""
    regenerated = {
        "bagit.txt": bagit.bagit_txt(),
        "bag-info.txt": bagit.bag_info_txt(
            bundle_id=manifest.bundle_id,
            community=manifest.signer.community,
            created=manifest.created,
            generator=manifest.generator,
            files=manifest.files,
        ),
        "manifest-sha256.txt": bagit.manifest_sha256_txt(manifest.files),
    }
    for path, data in regenerated.items():
        entry = manifest.file(path)
        # The listed hash was checked against the container in step 10.
        if entry is None or entry.sha256 != hashlib.sha256(data).hexdigest():
            raise BagItMismatch("BagIt file differs from the manifest", path=path)
    tag = read_member(f, index.entries[TAGMANIFEST_PATH], 64 * 1024)
    if tag != bagit.tagmanifest_sha256_txt(manifest.files, manifest_bytes):
        raise BagItMismatch("tag manifest differs", path=TAGMANIFEST_PATH)


def _read_listed(
    source: _Source, index: ZipIndex, manifest: Manifest, path: str, max_size: int
) -> bytes:
    entry = manifest.file(path)
    assert entry is not None
    if entry.size > max_size:
        raise LimitExceeded("file too large", path=path[:120])
    data = source.pread(index.entries[path].data_offset, entry.size)
    # Re-hash: the file on disk could have changed since step 10.
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise HashMismatch(path[:120], path=path[:120])
    return data


def _carried_rotations(
    source: _Source, index: ZipIndex, manifest: Manifest
) -> tuple[RotationStatement, ...]:
    """Step 5b: the key rotation statements the bundle carries (``data/keys/``).

    The signed manifest lists their hashes, but it is signed by the NEW key, so that proves
    nothing about them: each statement must verify on its own against the old key it names
    (as a ``--rotation`` file does), and be about this bundle's catalogue. Any that fails is
    refused (:class:`RotationError`), never skipped.
    """
    carried: list[RotationStatement] = []
    for entry in manifest.files:
        if not (entry.path.startswith(KEYS_DIR) and entry.path.endswith(".tkrot")):
            continue
        for path in (entry.path, entry.path + ".minisig"):
            if path not in index.entries:
                raise MissingFile(path, path=path)
        data = _read_listed(source, index, manifest, entry.path, MAX_STATEMENT)
        sig = _read_listed(source, index, manifest, entry.path + ".minisig", MAX_SIGNATURE)
        statement = parse_rotation(data, sig)
        if statement.catalogue_id != manifest.catalogue_id:
            raise RotationError("the key change statement is for another catalogue")
        carried.append(statement)
    return tuple(carried)


def _records(
    source: _Source, index: ZipIndex, manifest: Manifest, limits: Limits
) -> Iterator[BundleRecord]:
    """Parse records one at a time (never all of them in memory at once)."""
    for entry in manifest.files:
        if entry.path.startswith("data/records/"):
            raw = _read_listed(source, index, manifest, entry.path, limits.max_json_member_bytes)
            record = BundleRecord.from_json(_json_object(raw, entry.path, limits), entry.path)
            if f"data/records/{record.id}.json" != entry.path:
                raise SchemaError("record id differs from its file name", field=entry.path[:120])
            yield record


def _request(intended: tuple[str, str], now: datetime) -> Request:
    return request_for(intended[0], intended[1], now.date())


@dataclass(frozen=True)
class _Options:
    trust: TrustStore | None
    trust_key: PublicKey | None
    tofu: bool
    identities: Sequence[IdentityLike]
    now: datetime
    limits: Limits
    intended: tuple[str, str] | None
    remember: bool
    revocations: tuple[RevocationList, ...] = ()
    rotations: tuple[RotationStatement, ...] = ()
    contents_hashed: bool = False


def verify_bundle(
    path: Path | BinaryIO,
    *,
    trust: TrustStore | None,
    trust_key: PublicKey | None = None,
    tofu: bool = False,
    identities: Sequence[IdentityLike] = (),
    now: datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
    intended: tuple[str, str] | None = None,
    remember: bool = True,
    revocations: Sequence[RevocationList] = (),
    rotations: Sequence[RotationStatement] = (),
    contents_hashed: bool = False,
) -> VerifyReport:
    """Verify a bundle; returns an open report or raises a :class:`BundleError` subclass.

    Args:
        path: a ``.tkb`` or a ``.tkb.age`` file (recognised by content, not by name), or
            such a file already open for reading (it is read from its start, not closed).
        trust: the trust store (``None``: only ``trust_key``/``tofu`` can make a key trusted).
        trust_key: a public key the user named explicitly (``--trust FILE``).
        tofu: trust the bundle's own key on first use (if no key is known for the community).
        identities: age identities (objects, ``AGE-SECRET-KEY-1...`` text or identity files)
            for an encrypted bundle.
        now: the one clock reading used for expiry and terms validity (default: now, UTC).
        limits: size limits checked before parsing.
        intended: (user class, purpose) to decide on; ``None`` skips the decision.
        remember: when all checks pass and ``trust`` is given, pin a newly trusted key and
            remember the newest sequence seen.
        revocations: verified revocation lists (:func:`tkapp.bundle.revocation.load`); a
            bundle the newest list of its catalogue revokes raises :class:`Revoked`.
        rotations: verified key rotation statements (:func:`tkapp.bundle.rotation.load`):
            a trusted old key's statement makes its new key trusted (``trust == "rotation"``).
        contents_hashed: only for the bundle writer's self-check: the writer hashed and
            CRC-checked every listed file while writing it, so step 10 checks sizes only
            instead of reading every byte again (everything else is checked as usual).

    Raises:
        BundleError: the first failed check (see ``tkapp.errors`` for codes and exit codes).
        UsageError: ``intended`` names an unknown user class or purpose.
        KeyFormatError: an identity file or the trust store cannot be read.
    """
    clock = now or datetime.now(UTC)
    if intended is not None:
        _request(intended, clock)  # a usage error is reported before touching the file
    opts = _Options(
        trust,
        trust_key,
        tofu,
        identities,
        clock,
        limits,
        intended,
        remember,
        tuple(revocations),
        tuple(rotations),
        contents_hashed,
    )
    if isinstance(path, (str, os.PathLike)):
        path = Path(path)
        f = _open(path)
    else:
        # An already open file (the writer's unnamed temporary file): read it through a
        # handle of our own, so closing the report leaves the caller's file open.
        f = os.fdopen(os.dup(path.fileno()), "rb")
        path = Path("bundle.tkb")
    cleanup: list[Path] = []
    source = _Source(f, cleanup)
    try:
        return _verify_steps(path, source, cleanup, opts)
    except OSError as exc:
        source.close()
        raise BundleIOError(exc.strerror or exc.__class__.__name__) from None
    except BaseException:
        source.close()
        raise


def _verify_steps(path: Path, source: _Source, cleanup: list[Path], opts: _Options) -> VerifyReport:
    trust, limits, now, intended = opts.trust, opts.limits, opts.now, opts.intended
    f = source.f
    # 1. Size limits before parsing (an age file adds a small header and 16 bytes per 64 KiB).
    size = os.fstat(f.fileno()).st_size
    overhead = age.HEADER_MAX + 16 + (limits.max_file_bytes // age.CHUNK + 1) * age.TAG
    if size > limits.max_file_bytes + overhead:
        raise LimitExceeded("file larger than allowed")

    # 2. Decrypt an age file into a private temporary file.
    decrypted_by: age.AgeIdentity | None = None
    head = f.read(64)
    f.seek(0)
    if not head.startswith(age.MAGIC) and not head.startswith(b"PK") and path.name.endswith(".age"):
        f.seek(0)
        if not age.is_armored(f.read(256)):
            raise NotAnAgeFile("named .age but not an age file", path=path.name[:120])
        f.seek(0)
    if head.startswith(age.MAGIC) or age.is_armored(head):
        plain, decrypted_by, folder = _decrypt(f, opts.identities, limits)
        cleanup.append(folder)
        f.close()
        source.f = f = plain
        size = os.fstat(f.fileno()).st_size
    if size > limits.max_file_bytes:
        raise LimitExceeded("file larger than allowed")

    # 3. Container structure.
    index = read_index(f, size, limits)
    if MANIFEST_PATH not in index.entries:
        raise MissingFile(MANIFEST_PATH, path=MANIFEST_PATH)
    if SIGNATURE_PATH not in index.entries:
        raise SignatureFormatError("no signature file")
    manifest_bytes = read_member(f, index.entries[MANIFEST_PATH], limits.max_manifest_bytes)

    # 4. Signature file format.
    try:
        sig_raw = read_member(f, index.entries[SIGNATURE_PATH], 16 * 1024)
    except LimitExceeded:
        raise SignatureFormatError("signature file too large") from None
    sig = parse_signature(sig_raw)
    parse_untrusted_comment(sig.untrusted_comment)

    # 5a. The key the bundle names (identified by the whole public key, never the key id).
    key = _signing_key(sig)

    # 6. Signature, then the trusted comment.
    _check_signature(sig, key, manifest_bytes)
    manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()

    # 7. Manifest: strict parse, canonical bytes, version, closed schema; bind to the comment.
    manifest = parse_manifest(manifest_bytes)
    _bind_manifest(sig, key, manifest)

    # 5b. Trust: the key, labelled with the community name and catalogue id it signed.
    rotations = (*opts.rotations, *_carried_rotations(source, index, manifest))
    rotation_from = vouching_key(rotations, key, manifest.catalogue_id, trust)
    how, newly, warnings = _decide_key(key, manifest, opts, rotation_from)

    # 8. Policy: expiry, revocation, sequence (reported, never refused here), recipient.
    expires = manifest.expires_at
    if expires is not None and now >= expires:
        raise Expired("bundle expired", expires=manifest.expires)
    check_not_revoked(opts.revocations, key, manifest, trust)
    sequence_status = SEQ_NEW
    newest_seen = 0
    if trust is not None:
        sequence_status = trust.sequence_status(key.public, manifest.sequence, manifest_sha256)
        newest_seen = trust.newest_sequence(key.public)
    already_seen = sequence_status == SEQ_SAME
    named = manifest.recipient.age_recipients_sha256
    if decrypted_by is not None and named and decrypted_by.recipient().sha256_hex not in named:
        # The community encrypted it for others: re-encrypted to a third party.
        raise NotIntendedRecipient("decrypted by a key the manifest does not name")
    if decrypted_by is not None and not named:
        # The community made it unencrypted; someone (perhaps you) encrypted it afterwards.
        warnings = (*warnings, TrustWarning("encrypted_after_signing", {}))

    # 9. Closed file set.
    _check_files(index, manifest)

    # 10. Content.
    if opts.contents_hashed:
        _check_sizes(index, manifest)
    else:
        _check_contents(f, index, manifest)

    # 11. BagIt files.
    _check_bagit(f, index, manifest, manifest_bytes)

    # 12. Terms, then the decision for the intended use.
    terms_raw = _read_listed(source, index, manifest, TERMS_PATH, limits.max_json_member_bytes)
    try:
        terms = Terms.from_json(strict_loads(terms_raw))
    except ValidationError as exc:
        raise TermsError(exc.detail or "invalid terms", field=exc.params.get("field", "")) from None
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        # Duplicate keys, bad UTF-8, or a shape the terms parser did not expect.
        raise TermsError("terms.json is not valid terms JSON") from None
    texts: dict[str, str] = {}
    for entry in manifest.files:
        if entry.path.startswith("data/terms/terms.") and entry.path.endswith(".txt"):
            raw = _read_listed(source, index, manifest, entry.path, limits.max_terms_text_bytes)
            try:
                texts[entry.path[len("data/terms/terms.") : -len(".txt")]] = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise TermsError("terms text is not UTF-8", path=entry.path) from None
    odrl: dict[str, Any] | None = None
    if manifest.file(ODRL_PATH) is not None:
        odrl_raw = _read_listed(source, index, manifest, ODRL_PATH, limits.max_json_member_bytes)
        try:
            odrl = _json_object(odrl_raw, ODRL_PATH)
        except SchemaError:
            raise TermsError("ODRL policy is not a JSON object") from None
    hub_projects: list[HubProjectSummary] = []
    if manifest.file(LOCALCONTEXTS_PATH) is not None:
        raw = _read_listed(
            source, index, manifest, LOCALCONTEXTS_PATH, limits.max_json_member_bytes
        )
        hub_projects = local_contexts_of(_json_object(raw, LOCALCONTEXTS_PATH))
    approved_by: list[str] = []
    if manifest.file(APPROVALS_PATH) is not None:
        raw = _read_listed(source, index, manifest, APPROVALS_PATH, limits.max_json_member_bytes)
        approved_by = approvers_of(_json_object(raw, APPROVALS_PATH))
    records = _records(source, index, manifest, limits)
    decision: Decision | None = None
    summaries: list[RecordSummary] = []
    record_count = blocked_count = 0
    if intended is None:
        for r in records:  # every record parsed and checked; the first ones listed
            record_count += 1
            if len(summaries) < RECORDS_LISTED:
                summaries.append(RecordSummary(r.id, r.title[:500]))
    else:
        decided = decide_bundle(terms, records, _request(intended, now), keep=RECORDS_LISTED)
        decision = decided.overall
        summaries = [RecordSummary(i, t[:500], d) for i, t, d in decided.records]
        record_count, blocked_count = decided.total, decided.blocked

    report = VerifyReport(
        source=path,
        encrypted=decrypted_by is not None,
        decrypted_by=str(decrypted_by.recipient()) if decrypted_by is not None else None,
        signer=key,
        community=manifest.signer.community,
        trust=how,
        newly_trusted=newly,
        already_seen=already_seen,
        sequence_status=sequence_status,
        newest_seen=newest_seen,
        trust_warnings=warnings,
        rotated_from=rotation_from,
        manifest=manifest,
        manifest_sha256=manifest_sha256,
        terms=terms,
        terms_texts=texts,
        odrl=odrl,
        local_contexts=hub_projects,
        approved_by=approved_by,
        records=summaries,
        consent_ids=[
            e.path.removeprefix("data/consent/").removesuffix(".json")
            for e in manifest.files
            if e.path.startswith("data/consent/")
        ],
        media=[e for e in manifest.files if e.path.startswith("data/media/")],
        intended=intended,
        decision=decision,
        record_count=record_count,
        blocked_count=blocked_count,
        _source=source,
        _index=index,
    )
    if trust is not None and opts.remember:
        remember(trust, report, now)
    return report


def remember(trust: TrustStore, report: VerifyReport, now: datetime) -> None:
    """Save what a fully verified bundle taught: a newly trusted key (labelled with the
    community name and catalogue id it signed), and the newest sequence seen from it."""
    m = report.manifest
    known = trust.by_public_key(report.signer.public)
    if report.newly_trusted or known is not None:
        how: TrustHow = "file"
        if report.trust in ("tofu", "rotation"):
            how = "tofu" if report.trust == "tofu" else "rotation"
        if report.rotated_from is not None:
            # First hand the catalogue over, so the new key is not a second key for it.
            trust.mark_rotated(report.rotated_from.key.public, report.signer.public)
        trust.add(report.signer, report.community, how, now, catalogue_id=m.catalogue_id)
        trust.record_sequence(report.signer.public, m.sequence, report.manifest_sha256)


def verify_error_json(error: BundleError) -> dict[str, Any]:
    """The ``--json`` shape of a failed verification (stable codes)."""
    return {
        "valid": False,
        "error": {
            "code": error.code,
            "exit_code": error.exit_code,
            "params": {k: str(v) for k, v in error.params.items()},
        },
    }
