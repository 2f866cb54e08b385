"""The trust store: community keys this user decided to trust, and what each has signed.

One JSON file at :func:`tkapp.paths.trust_store_path` (inside the app's data folder, never in a
folder bundles are imported from), written atomically with mode 0600.

**Identity is the key.** An entry is one Ed25519 public key, identified by the whole 32-byte
key (never by minisign's 8-byte key id, which anyone can copy, nor by the community's name).
The community's name and catalogue id are *labels* of the key: two communities with the same
name are two entries, and a second key for a catalogue id that is already trusted is a
conflict the user resolves deliberately (a signed rotation statement, or replacing the key
after an in-person check). Each entry records how the key came to be trusted (``in_person``
fingerprint check, a ``file`` the user named, ``tofu``: trust on first use, or ``rotation``:
vouched for by a trusted key it replaces) and the newest bundle sequence seen from it.

:func:`decide_trust` is the one place that decides whether a bundle's key is trusted.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from tkapp import paths
from tkapp.atomicfile import atomic_write_bytes
from tkapp.crypto.confusables import HIDING_FLAGS, looks_alike, name_flags
from tkapp.crypto.fingerprint import Fingerprint
from tkapp.crypto.keys import PublicKey, key_id_from_hex, key_id_hex
from tkapp.errors import ConfusableName, KeyFormatError, KeyMismatch, UntrustedKey

TrustHow = Literal["in_person", "file", "tofu", "rotation"]
TRUST_HOW: tuple[str, ...] = ("in_person", "file", "tofu", "rotation")
STORE_VERSION = 2
_READABLE_VERSIONS = (1, 2)

#: How the newest bundle seen from a key relates to the one being checked.
SEQ_NEW = "new"  # higher than any seen
SEQ_SAME = "same"  # this very bundle was seen before
SEQ_OLDER = "older"  # authentic but older than one seen (reported, not refused)
SEQ_CONFLICT = "conflict"  # same number as one seen, different content


def community_key(name: str) -> str:
    """How community names are compared for equality: NFC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _now_text(now: datetime | None) -> str:
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def fingerprint_hex(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()


@dataclass(frozen=True)
class TrustedKey:
    """One trusted community key and its labels."""

    key_id: str  # minisign form, 16 upper-case hex digits (a label, not an identity)
    public_key: str  # 64 lowercase hex digits: THE identity
    community: str  # label: the name the community signs with
    first_seen: str  # RFC 3339 UTC
    how: str  # one of TRUST_HOW
    catalogue_id: str = ""  # label: urn:uuid of the catalogue ("" until a bundle showed it)
    last_sequence: int = 0  # newest bundle sequence seen from this key (0: none yet)
    last_manifest_sha256: str = ""  # manifest of the bundle at last_sequence
    replaced_by: str = ""  # public key (hex) of the key a rotation moved to, if any

    @property
    def key(self) -> PublicKey:
        return PublicKey(key_id_from_hex(self.key_id), bytes.fromhex(self.public_key))

    @property
    def fingerprint(self) -> str:
        return fingerprint_hex(bytes.fromhex(self.public_key))

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
                catalogue_id=str(data.get("catalogue_id", "")),
                last_sequence=int(data.get("last_sequence", 0)),
                last_manifest_sha256=str(data.get("last_manifest_sha256", "")),
                replaced_by=str(data.get("replaced_by", "")),
            )
            key = entry.key
        except (KeyError, TypeError, ValueError):
            raise KeyFormatError("trust store entry is malformed") from None
        if len(key.public) != 32 or entry.how not in TRUST_HOW:
            raise KeyFormatError("trust store entry is malformed")
        return entry


@dataclass(frozen=True)
class TrustWarning:
    """Something the user must see about a key that is nevertheless used (stable code)."""

    code: str  # catalogue_key_changed | lookalike_name | name_flags | not_saved
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class KeyAssessment:
    """What the trust store knows about a key and the labels a bundle gives it."""

    key: PublicKey
    community: str
    catalogue_id: str
    entry: TrustedKey | None  # the key itself is trusted
    same_catalogue: tuple[TrustedKey, ...]  # OTHER keys trusted for this catalogue id
    lookalikes: tuple[TrustedKey, ...]  # OTHER keys whose community name looks like this one
    flags: tuple[str, ...]  # confusables.name_flags of the community name


@dataclass(frozen=True)
class TrustDecision:
    """How a bundle's key is trusted, whether to save it, and what to tell the user."""

    how: str
    pin: bool  # save the key as trusted once the whole bundle verified
    warnings: tuple[TrustWarning, ...]


def _others(entries: tuple[TrustedKey, ...]) -> dict[str, str]:
    first = entries[0]
    return {
        "trusted_community": first.community[:200],
        "trusted_key_id": first.key_id,
        "trusted_fingerprint": first.fingerprint,
        "trusted_catalogue_id": first.catalogue_id,
    }


def _key_params(a: KeyAssessment) -> dict[str, str]:
    return {
        "community": a.community[:200],
        "catalogue_id": a.catalogue_id,
        "key_id": key_id_hex(a.key.key_id),
        "fingerprint": fingerprint_hex(a.key.public),
        "words": " ".join(Fingerprint.of_public_key(a.key.public).words()),
    }


def decide_trust(
    a: KeyAssessment, *, explicit: bool, tofu: bool, rotation_from: TrustedKey | None = None
) -> TrustDecision:
    """THE trust rule for a bundle's signing key (BUNDLE-FORMAT.md section 5, step 5).

    Args:
        a: what the store knows (see :meth:`TrustStore.assess`).
        explicit: the user named exactly this key (``--trust FILE``): trusted for this check,
            and saved unless another key is already trusted for the same catalogue.
        tofu: the user accepts an unknown key on first use, which is refused whenever the name
            looks like a trusted community's or hides characters.
        rotation_from: a trusted key that signed a rotation statement naming this key.

    Raises:
        KeyMismatch: another key is trusted for this catalogue id (both fingerprints given).
        ConfusableName: first use of a key whose name looks like a trusted community's or
            hides characters.
        UntrustedKey: the key is unknown.
    """
    warnings: list[TrustWarning] = []
    if a.flags:
        warnings.append(TrustWarning("name_flags", {"flags": ",".join(a.flags)}))
    if a.entry is not None:
        return TrustDecision(a.entry.how, False, tuple(warnings))
    if rotation_from is not None:
        return TrustDecision("rotation", True, tuple(warnings))
    if a.lookalikes:
        warnings.append(TrustWarning("lookalike_name", _others(a.lookalikes)))
    if explicit:
        pin = not a.same_catalogue
        if a.same_catalogue:
            warnings.append(TrustWarning("catalogue_key_changed", _others(a.same_catalogue)))
            warnings.append(TrustWarning("not_saved", {}))
        return TrustDecision("file", pin, tuple(warnings))
    if a.same_catalogue:
        raise KeyMismatch(
            "this catalogue is trusted with another key",
            **_key_params(a),
            **_others(a.same_catalogue),
        )
    hiding = sorted(set(a.flags) & HIDING_FLAGS)
    if tofu and (a.lookalikes or hiding):
        params = _key_params(a)
        params["flags"] = ",".join(hiding)
        if a.lookalikes:
            params.update(_others(a.lookalikes))
        raise ConfusableName(
            "the name looks like a trusted community's or hides characters", **params
        )
    if tofu:
        return TrustDecision("tofu", True, tuple(warnings))
    params = _key_params(a)
    if a.lookalikes:
        params.update(_others(a.lookalikes))
    raise UntrustedKey("the signing key is not trusted", **params)


class TrustStore:
    """Trusted community keys, loaded from and saved to one JSON file.

    Every change re-reads the file first and writes it back atomically, so two windows of the
    app never lose each other's changes.
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
        if not isinstance(data, dict) or data.get("version") not in _READABLE_VERSIONS:
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

    def by_public_key(self, public: bytes) -> TrustedKey | None:
        """The entry for exactly this 32-byte public key, if trusted."""
        wanted = public.hex()
        return next((e for e in self._load() if e.public_key == wanted), None)

    def with_key_id(self, key_id: bytes) -> list[TrustedKey]:
        """Entries whose 8-byte key id is ``key_id`` (several keys may share one)."""
        wanted = key_id_hex(key_id)
        return [entry for entry in self._load() if entry.key_id == wanted]

    def by_community(self, name: str) -> list[TrustedKey]:
        """Entries whose community label equals ``name`` (see :func:`community_key`)."""
        wanted = community_key(name)
        return [entry for entry in self._load() if community_key(entry.community) == wanted]

    def find(self, ref: str) -> list[TrustedKey]:
        """Entries a user names on the command line: a fingerprint (or a prefix of at least 8
        hex digits), a key id, a catalogue id, or a community name."""
        text = ref.strip()
        compact = text.replace(" ", "").replace(":", "").lower()
        entries = self._load()
        if len(compact) >= 8 and all(c in "0123456789abcdef" for c in compact):
            found = [e for e in entries if e.fingerprint.startswith(compact)]
            found += [e for e in entries if e.key_id.lower() == compact and e not in found]
            if found:
                return found
        if text.startswith("urn:uuid:"):
            return [e for e in entries if e.catalogue_id == text]
        return [e for e in entries if community_key(e.community) == community_key(text)]

    def assess(self, key: PublicKey, community: str, catalogue_id: str = "") -> KeyAssessment:
        """What the store knows about ``key`` labelled ``community`` and ``catalogue_id``."""
        entries = self._load()
        entry = next((e for e in entries if e.public_key == key.public.hex()), None)
        others = [e for e in entries if e.public_key != key.public.hex() and not e.replaced_by]
        same_catalogue = tuple(e for e in others if catalogue_id and e.catalogue_id == catalogue_id)
        lookalikes = tuple(
            e
            for e in others
            if e not in same_catalogue
            and (
                community_key(e.community) == community_key(community)
                or looks_alike(e.community, community)
            )
        )
        return KeyAssessment(
            key, community, catalogue_id, entry, same_catalogue, lookalikes, name_flags(community)
        )

    # -- changing ------------------------------------------------------------------------------

    def add(
        self,
        key: PublicKey,
        community: str,
        how: TrustHow,
        now: datetime | None = None,
        *,
        catalogue_id: str = "",
        replace_catalogue: bool = False,
    ) -> TrustedKey:
        """Trust ``key`` with these labels; an already trusted key is returned unchanged
        (its catalogue id label is filled in if it had none).

        Args:
            replace_catalogue: stop trusting every other key of ``catalogue_id`` (the user
                checked the new key in person).

        Raises:
            KeyMismatch: another key is trusted for ``catalogue_id`` and ``replace_catalogue``
                is false (a key change is a deliberate act).
        """
        if how not in TRUST_HOW:
            raise ValueError(how)
        entries = self._load()
        existing = next((e for e in entries if e.public_key == key.public.hex()), None)
        if existing is not None:
            if catalogue_id and not existing.catalogue_id:
                existing = replace(existing, catalogue_id=catalogue_id)
                self._save(
                    [existing if e.public_key == existing.public_key else e for e in entries]
                )
            return existing
        clash = [e for e in entries if catalogue_id and e.catalogue_id == catalogue_id]
        if clash and not replace_catalogue:
            active = [e for e in clash if not e.replaced_by]
            if active:
                raise KeyMismatch(
                    "this catalogue is trusted with another key",
                    community=community[:200],
                    catalogue_id=catalogue_id,
                    key_id=key_id_hex(key.key_id),
                    fingerprint=fingerprint_hex(key.public),
                    **_others(tuple(active)),
                )
        if replace_catalogue:
            entries = [e for e in entries if e not in clash]
        entry = TrustedKey(
            key_id=key_id_hex(key.key_id),
            public_key=key.public.hex(),
            community=community,
            first_seen=_now_text(now),
            how=how,
            catalogue_id=catalogue_id,
        )
        self._save([*entries, entry])
        return entry

    def remove(self, public: bytes) -> bool:
        """Stop trusting the key with this 32-byte public key; returns whether it was there."""
        wanted = public.hex()
        entries = self._load()
        kept = [entry for entry in entries if entry.public_key != wanted]
        if len(kept) != len(entries):
            self._save(kept)
        return len(kept) != len(entries)

    def mark_rotated(self, old: bytes, new: bytes) -> None:
        """Record that the key ``old`` handed over to ``new`` (kept for the record)."""
        entries = self._load()
        self._save(
            [replace(e, replaced_by=new.hex()) if e.public_key == old.hex() else e for e in entries]
        )

    def sequence_status(self, public: bytes, sequence: int, manifest_sha256: str) -> str:
        """How ``sequence`` relates to the newest bundle seen from this key (SEQ_*)."""
        entry = self.by_public_key(public)
        if entry is None or entry.last_sequence == 0 or sequence > entry.last_sequence:
            return SEQ_NEW
        if sequence == entry.last_sequence:
            return SEQ_SAME if manifest_sha256 == entry.last_manifest_sha256 else SEQ_CONFLICT
        return SEQ_OLDER

    def newest_sequence(self, public: bytes) -> int:
        entry = self.by_public_key(public)
        return entry.last_sequence if entry is not None else 0

    def record_sequence(self, public: bytes, sequence: int, manifest_sha256: str) -> None:
        """Remember a verified bundle's sequence if it is the newest seen from the key."""
        wanted = public.hex()
        entries = self._load()
        updated = [
            replace(e, last_sequence=sequence, last_manifest_sha256=manifest_sha256)
            if e.public_key == wanted and sequence > e.last_sequence
            else e
            for e in entries
        ]
        if updated != entries:
            self._save(updated)


__all__ = [
    "SEQ_CONFLICT",
    "SEQ_NEW",
    "SEQ_OLDER",
    "SEQ_SAME",
    "KeyAssessment",
    "TrustDecision",
    "TrustStore",
    "TrustWarning",
    "TrustedKey",
    "community_key",
    "decide_trust",
]
