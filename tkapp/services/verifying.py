"""Verify a bundle without any catalogue: the use case behind ``tkapp verify`` and the
"Verify bundle" window (BUNDLE-FORMAT.md section 5).

Both front ends call these functions; they parse their input, call, and render the
:class:`~tkapp.bundle.verifier.VerifyReport`. The trust key, the researcher's identities and
the revocation / key-change statements are found and loaded here, once.

This module is light at import time on purpose: ``tkapp verify --selftest`` and ``--help``
must stay fast, so the verifier, the trust store and age are imported inside the functions
that need them (measure with ``python -X importtime -m tkapp verify --selftest``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from tkapp.bundle.revocation import RevocationList
    from tkapp.bundle.rotation import RotationStatement
    from tkapp.bundle.verifier import IdentityLike, VerifyReport
    from tkapp.crypto.age import AgeIdentity
    from tkapp.crypto.keys import PublicKey
    from tkapp.crypto.trust import TrustStore
    from tkapp.errors import BundleError

    TrustKeyArg = PublicKey | Path | str | None

__all__ = [
    "Statements",
    "default_identities",
    "error_json",
    "load_identities",
    "load_statements",
    "load_trust_key",
    "split_statements",
    "trust_store",
    "verify_file",
]


@dataclass(frozen=True)
class Statements:
    """Verified revocation lists (``.tkr``) and key change statements (``.tkrot``)."""

    revocations: tuple[RevocationList, ...] = ()
    rotations: tuple[RotationStatement, ...] = ()


def trust_store() -> TrustStore:
    """The user's trust store (in the app's data folder)."""
    from tkapp import paths
    from tkapp.crypto.trust import TrustStore

    return TrustStore(paths.trust_store_path())


def load_trust_key(value: TrustKeyArg) -> PublicKey | None:
    """A public key from a key object, a minisign ``.pub`` file, or ``None``.

    Raises:
        KeyFormatError: the file cannot be read or is not a minisign public key.
    """
    from tkapp.crypto.keys import PublicKey
    from tkapp.crypto.minisign import parse_public_key
    from tkapp.errors import KeyFormatError

    if value is None or isinstance(value, PublicKey):
        return value
    path = Path(value)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFormatError(exc.__class__.__name__, path=str(path)) from None
    return parse_public_key(text)


def default_identities() -> list[AgeIdentity]:
    """Every identity saved by ``tkapp identity new`` (unreadable files are skipped)."""
    from tkapp.crypto.age import parse_identity_file
    from tkapp.errors import KeyFormatError
    from tkapp.paths import identities_dir

    found: list[AgeIdentity] = []
    for path in sorted(identities_dir().glob("*.txt")):
        try:
            found.extend(parse_identity_file(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, KeyFormatError):
            continue
    return found


def load_identities(files: Sequence[Path | str] = ()) -> list[AgeIdentity]:
    """The identities in ``files``, or every saved identity when none are named.

    Raises:
        KeyFormatError: a named file cannot be read or is not an age identity file.
    """
    from tkapp.crypto.age import load_identity_files

    return load_identity_files(files) if files else default_identities()


def load_statements(
    revocation_paths: Iterable[Path] = (), rotation_paths: Iterable[Path] = ()
) -> Statements:
    """Read and check revocation lists and key change statements named one kind at a time.

    Raises:
        RevocationError, BundleError: a file is unreadable, malformed or badly signed.
    """
    from tkapp.bundle import revocation, rotation

    return Statements(
        tuple(revocation.load(Path(p)) for p in revocation_paths),
        tuple(rotation.load(Path(p)) for p in rotation_paths),
    )


def split_statements(paths: Iterable[Path]) -> Statements:
    """Like :func:`load_statements` for a mixed list: ``.tkrot`` files are key change
    statements, every other file a revocation list."""
    from tkapp.bundle import rotation

    items = [Path(p) for p in paths]
    return load_statements(
        [p for p in items if p.suffix != rotation.SUFFIX],
        [p for p in items if p.suffix == rotation.SUFFIX],
    )


def verify_file(
    path: Path,
    *,
    revocations: Sequence[RevocationList] = (),
    rotations: Sequence[RotationStatement] = (),
    trust_key: TrustKeyArg = None,
    tofu: bool = False,
    identities: Sequence[IdentityLike] = (),
    intended: tuple[str, str] | None = None,
    now: datetime | None = None,
    remember: bool = True,
) -> VerifyReport:
    """Verify a bundle against the user's trust store (see
    :func:`tkapp.bundle.verifier.verify_bundle`). Close the returned report when done.

    Raises:
        BundleError: the first failed check (with a stable code and exit code).
        KeyFormatError: ``trust_key`` is not a readable minisign public key.
    """
    from tkapp.bundle.verifier import verify_bundle

    return verify_bundle(
        Path(path),
        trust=trust_store(),
        trust_key=load_trust_key(trust_key),
        tofu=tofu,
        identities=identities,
        intended=intended,
        now=now,
        remember=remember,
        revocations=revocations,
        rotations=rotations,
    )


def error_json(error: BundleError) -> dict[str, Any]:
    """The stable ``--json`` shape of a failed verification."""
    from tkapp.bundle.verifier import verify_error_json

    return verify_error_json(error)
