"""The trust store: community keys this user decided to trust, and what each has signed.

One JSON file at :func:`tkapp.paths.trust_store_path` (inside the app's data folder, never in a
folder bundles are imported from), written atomically with mode 0600. Each entry records how
the key came to be trusted (``in_person`` fingerprint check, a ``file`` the user named, or
``tofu``: trust on first use) and the last bundle sequence accepted from it, which makes the
per-key ratchet that refuses a replayed older bundle.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from tkapp import paths
from tkapp.crypto.atomic import atomic_write_bytes
from tkapp.crypto.keys import PublicKey, key_id_from_hex, key_id_hex
from tkapp.errors import KeyFormatError, KeyMismatch, Rollback

TrustHow = Literal["in_person", "file", "tofu"]
TRUST_HOW: tuple[str, ...] = ("in_person", "file", "tofu")
STORE_VERSION = 1


def community_key(name: str) -> str:
    """How community names are compared: NFC, case-folded, inner spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _now_text(now: datetime | None) -> str:
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class TrustedKey:
    """One trusted community key."""

    key_id: str  # minisign form, 16 upper-case hex digits
    public_key: str  # 64 lowercase hex digits
    community: str
    first_seen: str  # RFC 3339 UTC
    how: str  # one of TRUST_HOW
    last_sequence: int = 0  # 0: no bundle accepted yet
    last_manifest_sha256: str = ""  # manifest of the bundle at last_sequence

    @property
    def key(self) -> PublicKey:
        return PublicKey(key_id_from_hex(self.key_id), bytes.fromhex(self.public_key))

    @classmethod
    def from_json(cls, data: Any) -> TrustedKey:
        if not isinstance(data, dict):
            raise KeyFormatError("trust store entry is not an object")
        try:
            entry = cls(
                key_id=str(data["key_id"]),
                public_key=str(data["public_key"]),
                community=str(data["community"]),
                first_seen=str(data["first_seen"]),
                how=str(data["how"]),
                last_sequence=int(data.get("last_sequence", 0)),
                last_manifest_sha256=str(data.get("last_manifest_sha256", "")),
            )
            key = entry.key
        except (KeyError, TypeError, ValueError):
            raise KeyFormatError("trust store entry is malformed") from None
        if len(key.public) != 32 or entry.how not in TRUST_HOW:
            raise KeyFormatError("trust store entry is malformed")
        return entry


class TrustStore:
    """Trusted community keys, loaded from and saved to one JSON file.

    Every change re-reads the file first and writes it back atomically, so two windows of the
    app never lose each other's changes to the ratchet.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else paths.trust_store_path()

    # -- reading -------------------------------------------------------------------------------

    def _load(self) -> list[TrustedKey]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise KeyFormatError(f"cannot read the trust store: {exc.strerror}") from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise KeyFormatError("the trust store is not valid JSON") from None
        if not isinstance(data, dict) or data.get("version") != STORE_VERSION:
            raise KeyFormatError("unknown trust store version")
        keys = data.get("keys")
        if not isinstance(keys, list):
            raise KeyFormatError("trust store has no key list")
        return [TrustedKey.from_json(item) for item in keys]

    def _save(self, entries: list[TrustedKey]) -> None:
        data = {"version": STORE_VERSION, "keys": [asdict(entry) for entry in entries]}
        text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write_bytes(self.path, text.encode("utf-8"), mode=0o600)

    def __iter__(self) -> Iterator[TrustedKey]:
        return iter(self._load())

    def keys(self) -> list[TrustedKey]:
        """All trusted keys."""
        return self._load()

    def by_key_id(self, key_id: bytes) -> TrustedKey | None:
        """The entry for a raw 8-byte key id, if trusted."""
        wanted = key_id_hex(key_id)
        return next((entry for entry in self._load() if entry.key_id == wanted), None)

    def by_community(self, name: str) -> list[TrustedKey]:
        """Entries whose community label matches ``name`` (see :func:`community_key`)."""
        wanted = community_key(name)
        return [entry for entry in self._load() if community_key(entry.community) == wanted]

    def check_key(self, key: PublicKey, community: str) -> TrustedKey | None:
        """The trusted entry for ``key``; raises :class:`KeyMismatch` for a known community.

        Returns ``None`` when neither the key nor the community is known.
        """
        entry = self.by_key_id(key.key_id)
        if entry is not None:
            if entry.key.public != key.public:
                raise KeyMismatch("same key id, different public key", key_id=entry.key_id)
            return entry
        others = self.by_community(community)
        if others:
            raise KeyMismatch(
                "this community is trusted with another key",
                community=community,
                key_id=key_id_hex(key.key_id),
                trusted_key_id=others[0].key_id,
            )
        return None

    # -- changing ------------------------------------------------------------------------------

    def add(
        self, key: PublicKey, community: str, how: TrustHow, now: datetime | None = None
    ) -> TrustedKey:
        """Trust ``key`` for ``community``; an already trusted key is returned unchanged.

        Raises:
            KeyMismatch: the community is already trusted with a different key (remove that
                one first: a key change must be a deliberate act).
        """
        if how not in TRUST_HOW:
            raise ValueError(how)
        entries = self._load()
        existing = self.check_key(key, community)
        if existing is not None:
            return existing
        entry = TrustedKey(
            key_id=key_id_hex(key.key_id),
            public_key=key.public.hex(),
            community=community,
            first_seen=_now_text(now),
            how=how,
        )
        self._save([*entries, entry])
        return entry

    def remove(self, key_id: bytes) -> bool:
        """Stop trusting a key; returns whether it was there."""
        wanted = key_id_hex(key_id)
        entries = self._load()
        kept = [entry for entry in entries if entry.key_id != wanted]
        if len(kept) != len(entries):
            self._save(kept)
        return len(kept) != len(entries)

    def check_sequence(self, key_id: bytes, sequence: int, manifest_sha256: str) -> bool:
        """Apply the ratchet without changing anything.

        Returns:
            True when this exact bundle (same sequence, same manifest) was accepted before: a
            re-import that should be a no-op. False for a new, higher sequence.

        Raises:
            Rollback: the sequence is lower than the last accepted, or equal with other content.
        """
        entry = self.by_key_id(key_id)
        if entry is None or entry.last_sequence == 0:
            return False
        if sequence > entry.last_sequence:
            return False
        if sequence == entry.last_sequence and manifest_sha256 == entry.last_manifest_sha256:
            return True
        raise Rollback(
            "older or conflicting bundle sequence",
            sequence=sequence,
            last_sequence=entry.last_sequence,
        )

    def record_sequence(self, key_id: bytes, sequence: int, manifest_sha256: str) -> None:
        """Advance the ratchet after a bundle was accepted (never moves it backwards)."""
        self.check_sequence(key_id, sequence, manifest_sha256)
        wanted = key_id_hex(key_id)
        entries = self._load()
        updated = [
            replace(e, last_sequence=sequence, last_manifest_sha256=manifest_sha256)
            if e.key_id == wanted and sequence >= e.last_sequence
            else e
            for e in entries
        ]
        if updated != entries:
            self._save(updated)
