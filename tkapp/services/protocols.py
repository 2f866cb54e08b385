"""What a person who may not read a sealed record sees instead (issue 13, PROTOCOLS.md).

A placeholder shows only the record's id, access level, group and dates; its title is the
one neutral sentence below, in the person's language, for the records table, the command line
and the record view alike.
"""

from __future__ import annotations

from tkapp.core.model import AccessLevel
from tkapp.core.users import CUSTODIANS_GROUP
from tkapp.i18n import _
from tkapp.store.records import RecordSummary


def placeholder_for(access: AccessLevel, group: str) -> str:
    """The neutral title of a record sealed for ``group`` (never its own title)."""
    if access == AccessLevel.SECRET_SACRED and group == CUSTODIANS_GROUP:
        return _("Secret/sacred: for the custodians only")
    return _("Restricted to the group \u201c{group}\u201d").format(group=group)


def placeholder_title(summary: RecordSummary) -> str:
    return placeholder_for(summary.access, summary.protected_group)
