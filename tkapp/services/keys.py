"""Keys: the community's public key and fingerprint, trusted community keys, and researchers'
age identities for receiving encrypted bundles.

The community's public key is shared as a minisign ``.pub`` file, so ``minisign -Vm`` checks a
bundle's manifest with no tkapp installed. Trusted keys live in the user's trust store (not in
any catalogue: a researcher trusts a community once for all catalogues). Identity files are in
age's own format, so ``age -d -i FILE`` opens an encrypted bundle too.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tkapp import paths
from tkapp.atomicfile import atomic_write_bytes
from tkapp.bundle import rotation
from tkapp.crypto.age import AgeIdentity, AgeRecipient, parse_identity_file, write_identity_file
from tkapp.crypto.fingerprint import Fingerprint
from tkapp.crypto.keys import PublicKey, generate_keypair, key_id_hex
from tkapp.crypto.minisign import encode_public_key
from tkapp.crypto.trust import KeyAssessment, TrustedKey, TrustHow, TrustStore, TrustWarning
from tkapp.errors import BundleIOError, KeyFormatError, UsageError
from tkapp.services import people
from tkapp.services.permissions import Action
from tkapp.services.verifying import load_trust_key
from tkapp.store import entities

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

__all__ = [
    "PUBLIC_KEY_FILE_NAME",
    "export_public_key",
    "export_public_key_to_folder",
    "find_trusted",
    "fingerprint",
    "key_id",
    "list_identities",
    "lookalikes",
    "new_identity",
    "public_key",
    "public_key_file_text",
    "rotate_signing_key",
    "save_key_card",
    "trust_key_file",
    "trust_signer",
    "trust_warnings",
    "trusted_keys",
    "untrust",
]


def public_key(cat: Catalogue) -> PublicKey:
    """The community's public signing key (every role sees it; only custodians sign)."""
    return cat.public_key()


def _comment(key: PublicKey) -> str:
    # Plain ASCII, as minisign requires; the same comment ``tkapp key --public-out`` writes.
    return "TK Commons community key " + key_id_hex(key.key_id)


def public_key_file_text(cat: Catalogue) -> str:
    """The community's public key as a minisign ``.pub`` file's text."""
    key = public_key(cat)
    return encode_public_key(key, _comment(key))


def key_id(cat: Catalogue) -> str:
    """The community key's id as minisign shows it (16 hex digits)."""
    return key_id_hex(public_key(cat).key_id)


def _write_public_file(dest: Path, data: bytes) -> Path:
    """THE writer of the files a custodian hands out (``.pub`` keys, key cards): temp file in
    the same folder, fsync, rename; mode 0644 since they are public."""
    try:
        atomic_write_bytes(dest, data, mode=0o644)
    except OSError as exc:
        raise BundleIOError(exc.strerror or "cannot write", path=str(dest)) from None
    return dest


def export_public_key(cat: Catalogue, dest: Path, *, replace: bool = False) -> Path:
    """Write the community's public key (minisign format) to ``dest``, atomically.

    Args:
        replace: write over an existing file (the user already agreed to replace it).

    Raises:
        UsageError: ``dest`` exists and ``replace`` is false. BundleIOError: it cannot be
        written.
    """
    dest = Path(dest)
    if dest.exists() and not replace:
        raise UsageError("destination exists", path=str(dest))
    return _write_public_file(dest, public_key_file_text(cat).encode("ascii"))


#: The name of the community's key file put beside a bundle.
PUBLIC_KEY_FILE_NAME = "community.pub"


def export_public_key_to_folder(cat: Catalogue, folder: Path) -> Path:
    """Put the community's public key in ``folder`` as ``community.pub`` (beside a bundle).

    A file there with the same key is reused; a different one is never replaced: the key
    goes to ``community-1.pub``, ``community-2.pub``... instead.

    Raises:
        BundleIOError: it cannot be written. UsageError: 100 other key files are there.
    """
    text = public_key_file_text(cat)
    stem = PUBLIC_KEY_FILE_NAME.removesuffix(".pub")
    for number in range(100):
        path = Path(folder) / (PUBLIC_KEY_FILE_NAME if number == 0 else f"{stem}-{number}.pub")
        if path.exists():
            try:
                if path.read_text("ascii") == text:
                    return path
            except (OSError, UnicodeDecodeError):
                pass
            continue
        return export_public_key(cat, path)
    raise UsageError("too many key files", path=str(folder))


def save_key_card(dest: Path, data: bytes) -> Path:
    """Write a printed key card (PDF bytes made by the GUI) to ``dest``, atomically; an
    existing file is replaced (the file dialog asked).

    Raises:
        BundleIOError: it cannot be written.
    """
    return _write_public_file(Path(dest), data)


def fingerprint(cat: Catalogue) -> Fingerprint:
    """The community key's fingerprint (hex groups, words to read aloud, QR)."""
    return Fingerprint.of_public_key(public_key(cat).public)


# --- trusted community keys ---------------------------------------------------------------


_CATALOGUE_ID = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _store() -> TrustStore:
    return TrustStore(paths.trust_store_path())


def trusted_keys() -> list[TrustedKey]:
    """Every community key this user trusts."""
    return _store().keys()


def trust_key_file(
    path: Path,
    community: str,
    how: TrustHow = "file",
    now: datetime | None = None,
    *,
    catalogue_id: str = "",
    replace: bool = False,
) -> TrustedKey:
    """Trust the key in a minisign ``.pub`` file, labelled with ``community``.

    Args:
        how: ``in_person`` after comparing the fingerprint words with the community, else
            ``file``.
        catalogue_id: the catalogue's ``urn:uuid:`` if known ("" : filled in by the first
            bundle verified with this key).
        replace: stop trusting any other key of ``catalogue_id`` (after an in-person check).

    Raises:
        KeyFormatError: not a minisign public key. KeyMismatch: another key is trusted for
        this catalogue id and ``replace`` is false. UsageError: empty community or bad how.
    """
    key = load_trust_key(Path(path))
    assert key is not None
    return trust_signer(key, community, how, now, catalogue_id=catalogue_id, replace=replace)


def trust_signer(
    key: PublicKey,
    community: str,
    how: TrustHow = "in_person",
    now: datetime | None = None,
    *,
    catalogue_id: str = "",
    replace: bool = False,
) -> TrustedKey:
    """Trust a key for ``community`` (the desktop's "Trust this key" after the user compared
    the fingerprint words with the community). Two communities with the same name are two
    entries: the key is the identity, the name a label.

    Raises:
        KeyMismatch: another key is trusted for ``catalogue_id`` and ``replace`` is false.
        UsageError: empty community or bad how.
    """
    if not community.strip():
        raise UsageError("community required")
    if how not in ("in_person", "file"):
        raise UsageError("how must be in_person or file")
    if catalogue_id and not _CATALOGUE_ID.fullmatch(catalogue_id):
        raise UsageError("not a catalogue id", field="catalogue_id")
    return _store().add(
        key, community.strip(), how, now, catalogue_id=catalogue_id, replace_catalogue=replace
    )


def lookalikes(key: PublicKey, community: str, catalogue_id: str = "") -> KeyAssessment:
    """What the trust store knows about a key before trusting it (other keys of the same
    catalogue, communities whose names look alike, hidden characters), for a warning."""
    return _store().assess(key, community, catalogue_id)


def trust_warnings(
    key: PublicKey, community: str, catalogue_id: str = ""
) -> tuple[TrustWarning, ...]:
    """The warnings to show before trusting ``key`` for ``community``: a trusted community
    whose name looks alike (when this key is not trusted yet), hidden characters in the name.
    Render them with :func:`tkapp.services.trust_text.warning_lines`."""
    seen = lookalikes(key, community, catalogue_id)
    warnings: list[TrustWarning] = []
    if seen.entry is None and seen.lookalikes:
        other = seen.lookalikes[0]
        warnings.append(
            TrustWarning(
                "lookalike_name",
                {"trusted_community": other.community, "trusted_fingerprint": other.fingerprint},
            )
        )
    if seen.flags:
        warnings.append(TrustWarning("name_flags", {"flags": ",".join(seen.flags)}))
    return tuple(warnings)


def find_trusted(ref: str) -> list[TrustedKey]:
    """Trusted keys by fingerprint (or a prefix of 8+ hex digits), key id, catalogue id or
    community name."""
    return _store().find(ref)


def untrust(ref: str) -> bool:
    """Stop trusting ONE key, named by its fingerprint (or a unique prefix or key id).

    Returns:
        Whether a key was removed (False: none matches).

    Raises:
        UsageError: the reference matches several keys (give the whole fingerprint).
    """
    found = [e for e in _store() if _is_key_ref(ref, e)]
    if not found:
        return False
    if len(found) > 1:
        raise UsageError("several keys match; give the whole fingerprint", key=ref[:80])
    return _store().remove(found[0].key.public)


def _is_key_ref(ref: str, entry: TrustedKey) -> bool:
    compact = ref.strip().replace(" ", "").replace(":", "").lower()
    return len(compact) >= 8 and (
        entry.fingerprint.startswith(compact) or entry.key_id.lower() == compact
    )


# --- key rotation ---------------------------------------------------------------------------


def rotate_signing_key(
    cat: Catalogue, dest: Path, now: datetime | None = None
) -> tuple[PublicKey, Path]:
    """Make a new community signing key; the old key signs a rotation statement (``dest``,
    ``.tkrot`` plus ``.minisig``) that moves recipients who trusted it to the new key. The
    statement is also kept in the catalogue, and every later bundle carries it.

    The statement is written first: if writing fails, the old key stays in use.

    Returns:
        The new public key and the statement's path.

    Raises:
        BundleIOError: the statement cannot be written (nothing changed).
    """
    old = cat.signing_key()
    new = generate_keypair()
    moment = now or datetime.now(UTC)
    data, signature = rotation.statement_files(
        old,
        new.public_key,
        catalogue_id="urn:uuid:" + cat.id,
        community=cat.community.name,
        when=moment,
    )
    path = rotation.write_files(Path(dest), data, signature)
    with cat.session(Action.SIGN) as s:
        entities.save_signing_key(s.conn, new.key_id, new.secret_seed, new.public)
        if cat.user is not None:  # wrapped to the custodians; no plain seed stays
            people.store_signing_key(s.conn, new.key_id, new.secret_seed)
        # Kept so that every later bundle carries it (data/keys/), beside the file above.
        entities.save_key_rotation(s.conn, data, signature)
        s.audit(
            "rotate",
            "signing_key",
            key_id_hex(new.key_id),
            json.dumps({"old": old.fingerprint, "new": new.fingerprint}, sort_keys=True),
        )
    return new.public_key, path


# --- researcher identities ------------------------------------------------------------------


def new_identity(dest: Path | None = None) -> tuple[AgeIdentity, Path]:
    """Create an age identity and save it (mode 0600; default: the app's identities folder).

    Returns:
        The identity and where it went. Give ``str(identity.recipient())`` to the community.

    Raises:
        BundleIOError: the file exists or cannot be written.
    """
    identity = AgeIdentity.generate()
    recipient = str(identity.recipient())
    path = dest if dest is not None else paths.identities_dir() / f"age-{recipient[4:16]}.txt"
    try:
        write_identity_file(path, identity)
    except FileExistsError:
        raise BundleIOError("file exists", path=str(path)) from None
    except OSError as exc:
        raise BundleIOError(exc.strerror or "cannot write", path=str(path)) from None
    return identity, path


def list_identities() -> list[tuple[AgeRecipient, Path]]:
    """The public recipients of the saved identities, with their files (unreadable files are
    skipped). The secrets themselves are not returned."""
    found: list[tuple[AgeRecipient, Path]] = []
    for path in sorted(paths.identities_dir().glob("*.txt")):
        try:
            identities = parse_identity_file(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, KeyFormatError):
            continue
        found.extend((identity.recipient(), path) for identity in identities)
    return found
