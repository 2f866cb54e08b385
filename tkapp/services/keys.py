"""Keys: the community's public key and fingerprint, trusted community keys, and researchers'
age identities for receiving encrypted bundles.

The community's public key is shared as a minisign ``.pub`` file, so ``minisign -Vm`` checks a
bundle's manifest with no tkapp installed. Trusted keys live in the user's trust store (not in
any catalogue: a researcher trusts a community once for all catalogues). Identity files are in
age's own format, so ``age -d -i FILE`` opens an encrypted bundle too.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tkapp import paths
from tkapp.crypto.age import AgeIdentity, AgeRecipient, parse_identity_file, write_identity_file
from tkapp.crypto.atomic import atomic_write_bytes
from tkapp.crypto.fingerprint import Fingerprint
from tkapp.crypto.keys import PublicKey, key_id_from_hex, key_id_hex
from tkapp.crypto.minisign import encode_public_key
from tkapp.crypto.trust import TrustedKey, TrustHow, TrustStore
from tkapp.errors import BundleIOError, KeyFormatError, UsageError
from tkapp.services.received import load_trust_key

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

__all__ = [
    "export_public_key",
    "fingerprint",
    "list_identities",
    "new_identity",
    "public_key",
    "public_key_file_text",
    "trust_key_file",
    "trust_signer",
    "trusted_keys",
    "untrust",
]


def public_key(cat: Catalogue) -> PublicKey:
    """The community's public signing key."""
    return cat.signing_key().public_key


def _comment(key: PublicKey) -> str:
    # Plain ASCII, as minisign requires; the same comment ``tkapp key --public-out`` writes.
    return "TK Commons community key " + key_id_hex(key.key_id)


def public_key_file_text(cat: Catalogue) -> str:
    """The community's public key as a minisign ``.pub`` file's text."""
    key = public_key(cat)
    return encode_public_key(key, _comment(key))


def export_public_key(cat: Catalogue, dest: Path) -> Path:
    """Write the community's public key (minisign format) to ``dest``, atomically.

    Raises:
        UsageError: ``dest`` exists. BundleIOError: it cannot be written.
    """
    dest = Path(dest)
    if dest.exists():
        raise UsageError("destination exists", path=str(dest))
    try:
        atomic_write_bytes(dest, public_key_file_text(cat).encode("ascii"), mode=0o644)
    except OSError as exc:
        raise BundleIOError(exc.strerror or "cannot write", path=str(dest)) from None
    return dest


def fingerprint(cat: Catalogue) -> Fingerprint:
    """The community key's fingerprint (hex groups, words to read aloud, QR)."""
    return Fingerprint.of_public_key(public_key(cat).public)


# --- trusted community keys ---------------------------------------------------------------


def _store() -> TrustStore:
    return TrustStore(paths.trust_store_path())


def trusted_keys() -> list[TrustedKey]:
    """Every community key this user trusts."""
    return _store().keys()


def trust_key_file(
    path: Path, community: str, how: TrustHow = "file", now: datetime | None = None
) -> TrustedKey:
    """Trust the key in a minisign ``.pub`` file for ``community``.

    Args:
        how: ``in_person`` after comparing the fingerprint words with the community, else
            ``file``.

    Raises:
        KeyFormatError: not a minisign public key. KeyMismatch: the community is already
        trusted with another key (remove it first). UsageError: empty community or bad how.
    """
    if not community.strip():
        raise UsageError("community required")
    if how not in ("in_person", "file"):
        raise UsageError("how must be in_person or file")
    key = load_trust_key(Path(path))
    assert key is not None
    return _store().add(key, community.strip(), how, now)


def trust_signer(
    key: PublicKey, community: str, how: TrustHow = "in_person", now: datetime | None = None
) -> TrustedKey:
    """Trust the signing key of a verified bundle for ``community`` (the desktop's "Trust this
    key" after the user compared the fingerprint words with the community).

    Args:
        key: the bundle's signer (``VerifyReport.signer``).
        how: ``in_person`` after comparing the words face to face, else ``file``.

    Raises:
        KeyMismatch: the community is already trusted with another key (remove it first).
        UsageError: empty community or bad how.
    """
    if not community.strip():
        raise UsageError("community required")
    if how not in ("in_person", "file"):
        raise UsageError("how must be in_person or file")
    return _store().add(key, community.strip(), how, now)


def untrust(key_id: str) -> bool:
    """Stop trusting a key (16 hex digits, as shown); returns whether it was trusted.

    Raises:
        KeyFormatError: not a key id.
    """
    try:
        raw = key_id_from_hex(key_id.strip().upper())
    except ValueError:
        raise KeyFormatError("not a key id", key_id=key_id[:40]) from None
    return _store().remove(raw)


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
