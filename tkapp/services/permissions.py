"""What each role may do: the one rule (issue 13), applied by the services.

Custodians do everything (terms, sharing, people, signing). Members read what their groups
allow and add and edit drafts. Viewers read what their groups allow. *What* a person may read
is decided by :meth:`tkapp.core.users.Reader.may_read` (group keys), not here.
"""

from __future__ import annotations

from enum import StrEnum

from tkapp.core.users import Role, User
from tkapp.errors import PermissionDenied
from tkapp.i18n import N_


class Action(StrEnum):
    READ = "read"
    EDIT_DRAFT = "edit_draft"  # add records, edit drafts, add people, places, media, consent
    EDIT = "edit"  # change verified or disputed records, purge, restore
    MANAGE_TERMS = "manage_terms"  # terms, labels, the community's details, settings
    SHARE = "share"  # export, grants, revocations, open data
    SIGN = "sign"  # use the community signing key
    MANAGE_PEOPLE = "manage_people"  # people, roles, groups, the database key


#: Words for the actions in error messages (translated where shown).
ACTION_WORDS: dict[Action, str] = {
    Action.READ: N_("read"),
    Action.EDIT_DRAFT: N_("add and edit drafts"),
    Action.EDIT: N_("change records that are no longer drafts"),
    Action.MANAGE_TERMS: N_("change terms, labels and settings"),
    Action.SHARE: N_("share and export"),
    Action.SIGN: N_("sign with the community's key"),
    Action.MANAGE_PEOPLE: N_("manage people and access"),
}

#: Words for the roles in messages.
ROLE_WORDS: dict[Role, str] = {
    Role.CUSTODIAN: N_("custodian"),
    Role.MEMBER: N_("member"),
    Role.VIEWER: N_("viewer"),
}

_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.CUSTODIAN: frozenset(Action),
    Role.MEMBER: frozenset({Action.READ, Action.EDIT_DRAFT}),
    Role.VIEWER: frozenset({Action.READ}),
}


def allowed(user: User, action: Action) -> bool:
    return action in _ALLOWED[user.role]


def require(user: User | None, action: Action) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` may do ``action``.

    ``user`` is None only for a catalogue built directly on a store :class:`Database` (tools
    and fixtures that never went through an unlock); every unlock names a person.
    """
    if user is not None and not allowed(user, action):
        raise PermissionDenied(str(action), action=ACTION_WORDS[action], role=ROLE_WORDS[user.role])
