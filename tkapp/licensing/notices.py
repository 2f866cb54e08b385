"""Local Contexts Notices: what institutions and researchers apply (LICENSING.md section 4).

Labels are the community's own statements; Notices are how an institution or researcher marks
material in which Indigenous or local communities have rights and interests, and invites them
in. The four general Notices are shipped here with TK Commons' own short descriptions (the
names are the Notices' own), English in data and marked with ``N_`` so the interface shows
them translated. Codes are the Hub API's ``notice_type`` values, so a project
refreshed from the Hub maps onto them without a table. Notices reach records through Hub
projects (:class:`tkapp.core.model.HubProject`): on the Hub, a project is what carries them.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from tkapp.errors import ValidationError
from tkapp.i18n import N_


@dataclass(frozen=True)
class Notice:
    """One Local Contexts Notice: its code, its name and our own default description."""

    code: str
    name: str
    description: str


_NOTICES = (
    Notice(
        "traditional_knowledge",
        N_("TK Notice"),
        N_(
            "This material holds or concerns traditional knowledge of Indigenous or local "
            "communities, who have rights and interests in it. Its use may call for their consent "
            "and for their protocols to be respected, even where no Label is shown yet."
        ),
    ),
    Notice(
        "biocultural",
        N_("BC Notice"),
        N_(
            "This material holds or concerns biodiversity, genetic resources or data connected "
            "to the lands, waters and knowledge of Indigenous or local communities, who keep "
            "rights over how it is collected, used and shared."
        ),
    ),
    Notice(
        "attribution_incomplete",
        N_("Attribution Incomplete Notice"),
        N_(
            "The names of the communities or people this material comes from are missing, wrong "
            "or incomplete. The holder is working to correct the record; help is welcome."
        ),
    ),
    Notice(
        "open_to_collaborate",
        N_("Open to Collaborate Notice"),
        N_(
            "The holder of this material wants to work with Indigenous and local communities on "
            "it: to care for it, correct it and decide together how it is used."
        ),
    ),
)

#: The four Notices by code, in the order above.
NOTICES = MappingProxyType({n.code: n for n in _NOTICES})


def get_notice(code: str) -> Notice:
    """The Notice with ``code``. Raises ValidationError for an unknown code."""
    try:
        return NOTICES[code]
    except KeyError:
        raise ValidationError("unknown_code", field="notices", code=str(code)[:40]) from None
