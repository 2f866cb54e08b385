"""The signed manifest ``tkb/manifest.json`` (BUNDLE-FORMAT.md section 2): a closed schema.

Parsing follows step 7 of the verifier: duplicate keys refused, floats refused, bytes must
equal their RFC 8785 canonical form, version checked, then every field checked with no
unknown key allowed anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from tkapp.bundle.canonical import DuplicateKeyError, FloatError, canonical, strict_loads
from tkapp.errors import NonCanonicalManifest, SchemaError, UnsupportedVersion
from tkapp.licensing.vocab import Purpose, UserClass

MANIFEST_TYPE = "tkapp/tkb-manifest/v1"
FORMAT_VERSION = 1
MANIFEST_PATH = "tkb/manifest.json"
SIGNATURE_PATH = "tkb/manifest.json.minisig"
TAGMANIFEST_PATH = "tagmanifest-sha256.txt"
TERMS_PATH = "data/terms/terms.json"
ODRL_PATH = "data/terms/policy.odrl.json"
#: The tkapp ODRL profile vocabulary (Turtle) the policy names (issue 16).
PROFILE_PATH = "data/terms/tkapp-profile.ttl"
#: The Local Contexts Hub projects (Labels, Notices, page) that apply to the records.
LOCALCONTEXTS_PATH = "data/terms/localcontexts.json"
#: Who approved the export when the community asks for shared approval (issue 13, k of n).
APPROVALS_PATH = "data/approvals.json"
#: Key rotation statements the community made, carried in its later bundles (issue 14):
#: ``data/keys/<n>.tkrot`` and ``data/keys/<n>.tkrot.minisig``, n = 1, 2, ... in order.
KEYS_DIR = "data/keys/"
KEY_CHANGE_RE = r"data/keys/[1-9][0-9]{0,2}\.tkrot"
BAG_FILES = ("bag-info.txt", "bagit.txt", "manifest-sha256.txt")
#: Files that are in the container but not in ``files`` (regenerated and compared instead).
FIXED_TAG_FILES = (MANIFEST_PATH, SIGNATURE_PATH, TAGMANIFEST_PATH)

UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
HEX64_RE = r"[0-9a-f]{64}"
LANG_RE = r"[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*"
MEDIA_EXT_RE = r"[a-z0-9]{1,10}"
_UUID = re.compile(UUID_RE)
_URN = re.compile(f"urn:uuid:({UUID_RE})")
_HEX64 = re.compile(HEX64_RE)
_KEY_ID = re.compile(r"[0-9A-F]{16}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_FILE_PATH = re.compile(
    rf"(?:bag-info\.txt|bagit\.txt|manifest-sha256\.txt"
    rf"|data/records/{UUID_RE}\.json"
    rf"|data/media/{HEX64_RE}\.{MEDIA_EXT_RE}"
    rf"|data/terms/terms\.json|data/terms/terms\.{LANG_RE}\.txt|data/terms/policy\.odrl\.json"
    rf"|data/terms/tkapp-profile\.ttl|data/terms/localcontexts\.json"
    rf"|data/consent/{UUID_RE}\.json|data/approvals\.json"
    rf"|{KEY_CHANGE_RE}(?:\.minisig)?)"
)
_MEDIA_PATH = re.compile(rf"data/media/({HEX64_RE})\.{MEDIA_EXT_RE}")
MAX_SEQUENCE = 2**53 - 1  # JCS integers must survive an IEEE double
TEXT_LIMIT = 500
#: C0 and C1 control characters and DEL, refused in every manifest text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def format_time(value: datetime) -> str:
    """RFC 3339 UTC with ``Z`` and no fraction, as the manifest requires."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """Inverse of :func:`format_time`; raises ``ValueError``."""
    if not _TIME.fullmatch(text):
        raise ValueError("not an RFC 3339 UTC time")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def bundle_urn(bundle_uuid: str) -> str:
    return f"urn:uuid:{bundle_uuid}"


def key_change_path(n: int) -> str:
    """Where the n-th key rotation statement (1 = the first) is carried in a bundle."""
    return f"{KEYS_DIR}{n:d}.tkrot"


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One listed file (slots: a bundle may list 65,534, and the writer keeps them all)."""

    path: str  # relative to the bag folder
    size: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class Signer:
    key_id: str  # minisign form, 16 upper-case hex
    pubkey_sha256: str  # the key's fingerprint
    community: str

    def to_json(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "pubkey_sha256": self.pubkey_sha256,
            "community": self.community,
        }


@dataclass(frozen=True)
class RecipientInfo:
    name: str
    organisation: str
    user_class: str
    purpose: str
    age_recipients_sha256: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "organisation": self.organisation,
            "user_class": self.user_class,
            "purpose": self.purpose,
            "age_recipients_sha256": list(self.age_recipients_sha256),
        }


@dataclass(frozen=True)
class Manifest:
    """A parsed, schema-checked manifest."""

    bundle_id: str  # urn:uuid:...
    catalogue_id: str  # urn:uuid:...
    sequence: int
    created: str
    expires: str | None
    signer: Signer
    recipient: RecipientInfo
    terms_sha256: str
    files: tuple[FileEntry, ...]
    generator: str
    terms_path: str = TERMS_PATH

    @property
    def bundle_uuid(self) -> str:
        return self.bundle_id.removeprefix("urn:uuid:")

    @property
    def created_at(self) -> datetime:
        return parse_time(self.created)

    @property
    def expires_at(self) -> datetime | None:
        return parse_time(self.expires) if self.expires else None

    @cached_property
    def files_by_path(self) -> dict[str, FileEntry]:
        """The file entries by path (paths are unique: :func:`validate` checks it)."""
        return {entry.path: entry for entry in self.files}

    def file(self, path: str) -> FileEntry | None:
        # A mapping, not a scan: the verifier looks up every record's file.
        return self.files_by_path.get(path)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": MANIFEST_TYPE,
            "format_version": FORMAT_VERSION,
            "bundle_id": self.bundle_id,
            "catalogue_id": self.catalogue_id,
            "sequence": self.sequence,
            "created": self.created,
            "expires": self.expires,
            "signer": self.signer.to_json(),
            "recipient": self.recipient.to_json(),
            "terms": {"path": self.terms_path, "sha256": self.terms_sha256},
            "files": [entry.to_json() for entry in self.files],
            "generator": self.generator,
        }

    def canonical_bytes(self) -> bytes:
        """The exact bytes that are signed. Validates first, so the writer never signs junk."""
        data = canonical(self.to_json())
        validate(strict_loads(data))
        return data


# --- validation --------------------------------------------------------------------------------


def _obj(value: Any, path: str, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SchemaError("expected an object", field=path)
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise SchemaError("unknown field", field=f"{path}.{unknown[0]}"[:120])
    missing = [key for key in keys if key not in value]
    if missing:
        raise SchemaError("missing field", field=f"{path}.{missing[0]}")
    return value


def _str(
    value: Any, path: str, *, pattern: re.Pattern[str] | None = None, empty: bool = True
) -> str:
    if not isinstance(value, str):
        raise SchemaError("expected a string", field=path)
    if pattern is not None and not pattern.fullmatch(value):
        raise SchemaError("bad format", field=path)
    if not empty and not value.strip():
        raise SchemaError("empty", field=path)
    if len(value) > TEXT_LIMIT or _CONTROL.search(value):
        raise SchemaError("too long or control characters", field=path)
    return value


def _int(value: Any, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SchemaError("expected an integer in range", field=path)
    return value


def validate(data: Any) -> Manifest:
    """Check the closed v1 schema; raises :class:`SchemaError` (or UnsupportedVersion)."""
    if not isinstance(data, dict):
        raise SchemaError("manifest is not an object", field="$")
    # Version first: a v2 manifest is expected to break the v1 schema.
    if (
        data.get("type") != MANIFEST_TYPE
        or data.get("format_version") != FORMAT_VERSION
        or (isinstance(data.get("format_version"), bool))
    ):
        raise UnsupportedVersion("unknown manifest type or version")
    top = _obj(
        data,
        "$",
        (
            "type",
            "format_version",
            "bundle_id",
            "catalogue_id",
            "sequence",
            "created",
            "expires",
            "signer",
            "recipient",
            "terms",
            "files",
            "generator",
        ),
    )
    bundle_id = _str(top["bundle_id"], "bundle_id", pattern=_URN)
    catalogue_id = _str(top["catalogue_id"], "catalogue_id", pattern=_URN)
    sequence = _int(top["sequence"], "sequence", 1, MAX_SEQUENCE)
    created = _str(top["created"], "created", pattern=_TIME)
    expires = top["expires"]
    try:
        created_at = parse_time(created)
        if expires is not None:
            _str(expires, "expires", pattern=_TIME)
            if parse_time(expires) <= created_at:
                raise SchemaError("expires before created", field="expires")
    except ValueError:
        raise SchemaError("bad date", field="created") from None

    signer_raw = _obj(top["signer"], "signer", ("key_id", "pubkey_sha256", "community"))
    signer = Signer(
        key_id=_str(signer_raw["key_id"], "signer.key_id", pattern=_KEY_ID),
        pubkey_sha256=_str(signer_raw["pubkey_sha256"], "signer.pubkey_sha256", pattern=_HEX64),
        community=_str(signer_raw["community"], "signer.community", empty=False),
    )

    rec = _obj(
        top["recipient"],
        "recipient",
        ("name", "organisation", "user_class", "purpose", "age_recipients_sha256"),
    )
    user_class = _str(rec["user_class"], "recipient.user_class")
    purpose = _str(rec["purpose"], "recipient.purpose")
    if user_class not in {u.value for u in UserClass}:
        raise SchemaError("unknown user class", field="recipient.user_class")
    if purpose not in {p.value for p in Purpose}:
        raise SchemaError("unknown purpose", field="recipient.purpose")
    hashes = rec["age_recipients_sha256"]
    if not isinstance(hashes, list) or len(hashes) > 64:
        raise SchemaError("expected a list", field="recipient.age_recipients_sha256")
    for item in hashes:
        _str(item, "recipient.age_recipients_sha256", pattern=_HEX64)
    if hashes != sorted(set(hashes)):
        raise SchemaError("not sorted or duplicated", field="recipient.age_recipients_sha256")
    recipient = RecipientInfo(
        name=_str(rec["name"], "recipient.name", empty=False),
        organisation=_str(rec["organisation"], "recipient.organisation"),
        user_class=user_class,
        purpose=purpose,
        age_recipients_sha256=tuple(hashes),
    )

    terms = _obj(top["terms"], "terms", ("path", "sha256"))
    if terms["path"] != TERMS_PATH:
        raise SchemaError("terms must be at data/terms/terms.json", field="terms.path")
    terms_sha = _str(terms["sha256"], "terms.sha256", pattern=_HEX64)

    files_raw = top["files"]
    if not isinstance(files_raw, list):
        raise SchemaError("expected a list", field="files")
    files: list[FileEntry] = []
    for index, item in enumerate(files_raw):
        where = f"files[{index}]"
        entry = _obj(item, where, ("path", "size", "sha256"))
        path = entry["path"]
        if not isinstance(path, str) or not _FILE_PATH.fullmatch(path):
            raise SchemaError("path not allowed in a v1 bundle", field=where)
        file_entry = FileEntry(
            path=path,
            size=_int(entry["size"], f"{where}.size", 0, 2**32),
            sha256=_str(entry["sha256"], f"{where}.sha256", pattern=_HEX64),
        )
        media = _MEDIA_PATH.fullmatch(path)
        if media and media.group(1) != file_entry.sha256:
            raise SchemaError("media name is not its SHA-256", field=where)
        files.append(file_entry)
    paths = [entry.path.encode("utf-8") for entry in files]
    if paths != sorted(set(paths)):
        raise SchemaError("files not sorted by path or duplicated", field="files")
    listed = {entry.path for entry in files}
    for path in listed:
        # A carried key change is its statement and its signature, always both.
        if path.startswith(KEYS_DIR):
            pair = path.removesuffix(".minisig") if path.endswith(".minisig") else path + ".minisig"
            if pair not in listed:
                raise SchemaError("key change statement without its signature", field=path)
    for required in (*BAG_FILES, TERMS_PATH):
        if required not in listed:
            raise SchemaError("required file not listed", field=required)
    terms_entry = next(entry for entry in files if entry.path == TERMS_PATH)
    if terms_entry.sha256 != terms_sha:
        raise SchemaError("terms hash differs from its file entry", field="terms.sha256")
    generator = _str(top["generator"], "generator", empty=False)
    return Manifest(
        bundle_id=bundle_id,
        catalogue_id=catalogue_id,
        sequence=sequence,
        created=created,
        expires=expires,
        signer=signer,
        recipient=recipient,
        terms_sha256=terms_sha,
        files=tuple(files),
        generator=generator,
    )


def parse_manifest(raw: bytes) -> Manifest:
    """Step 7: strict parse, canonical bytes, version, closed schema.

    Raises:
        NonCanonicalManifest: duplicate keys, or bytes differ from the canonical form.
        SchemaError: not JSON, floats, or anything outside the closed schema.
        UnsupportedVersion: another manifest type or format version.
    """
    try:
        data = strict_loads(raw)
    except DuplicateKeyError:
        raise NonCanonicalManifest("duplicate key in manifest") from None
    except FloatError:
        raise SchemaError("floats are not allowed in a manifest", field="$") from None
    except (ValueError, RecursionError):
        raise SchemaError("manifest is not JSON", field="$") from None
    try:
        if canonical(data) != raw:
            raise NonCanonicalManifest("manifest bytes are not RFC 8785 canonical")
    except ValueError:
        raise NonCanonicalManifest("manifest cannot be canonicalised") from None
    return validate(data)
