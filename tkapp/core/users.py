"""People who use the catalogue (not knowledge holders): roles, protocol groups, who is reading.

A *user* unlocks the catalogue with their own passphrase. What they may read inside it is
decided by :meth:`Reader.may_read`: the one rule for "who may read which record" (the
release gate decides what *leaves*; this decides what is *seen*).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tkapp.core.model import AccessLevel, new_id

#: The group that holds secret/sacred material unless the community names another.
CUSTODIANS_GROUP = "custodians"


class Role(StrEnum):
    """What a user may do. Custodians do everything (terms, sharing, people)."""

    CUSTODIAN = "custodian"
    MEMBER = "member"  # reads what their groups allow, adds and edits drafts
    VIEWER = "viewer"  # reads what their groups allow


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    groups: frozenset[str] = frozenset()
    id: str = field(default_factory=new_id)


@dataclass(frozen=True)
class GroupKey:
    """A protocol group's content key (32 random bytes) at one version."""

    group: str
    version: int
    key: bytes = field(repr=False)


def protocol_group(access: AccessLevel, restricted_group: str) -> str | None:
    """The group whose key protects a record's content, or None for unprotected records."""
    if access == AccessLevel.SECRET_SACRED:
        return CUSTODIANS_GROUP
    if access == AccessLevel.RESTRICTED:
        # The same spelling rule as the people service's group names: spaces folded, no case.
        return " ".join(restricted_group.split()).casefold() or CUSTODIANS_GROUP
    return None


@dataclass(frozen=True)
class Reader:
    """Who has unlocked the catalogue, and the protocol keys they hold (memory only).

    ``keys`` may hold several versions of a group's key while a rotation is under way: content
    sealed under an older version still opens; new content is sealed under :meth:`current`.
    """

    user: User
    keys: tuple[GroupKey, ...] = field(default=(), repr=False)

    def current(self, group: str) -> GroupKey | None:
        """The newest key this reader holds for ``group``."""
        held = [k for k in self.keys if k.group == group]
        return max(held, key=lambda k: k.version) if held else None

    def key(self, group: str, version: int) -> GroupKey | None:
        for k in self.keys:
            if k.group == group and k.version == version:
                return k
        return None

    def may_read(self, access: AccessLevel, restricted_group: str) -> bool:
        group = protocol_group(access, restricted_group)
        return group is None or self.current(group) is not None
