"""The export wizard's work on the catalogue (worker thread): the plan to show, and the
bundle's public key file. Only plain results cross back to the GUI."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tkapp.core.model import Recipient
from tkapp.crypto.fingerprint import Fingerprint
from tkapp.errors import TkError
from tkapp.i18n import _
from tkapp.licensing.gate import ConsentOverride
from tkapp.licensing.text import terms_name
from tkapp.services import sharing
from tkapp.services.sharing import ExportResult, SharingPlan

#: Name of the community's public key file written next to a bundle.
PUBLIC_KEY_NAME = "community.pub"
PUBLIC_KEY_TEXT_NAME = "community"


@dataclass(frozen=True)
class PlanView:
    """The plan and what the preview needs to describe it."""

    plan: SharingPlan
    terms_title: str = ""
    community: str = ""
    actor: str = ""  # who unlocked the catalogue, if known (prefills "who decides")


@dataclass(frozen=True)
class ExportOutcome:
    """What the export job produced."""

    result: ExportResult
    fingerprint: Fingerprint
    public_key: Path | None
    community: str


def compute_plan(
    cat: Any,
    record_ids: Sequence[str] | None,
    recipient: Recipient,
    purpose: str,
    *,
    overrides: Mapping[str, ConsentOverride] | None = None,
    confirmed_media: Iterable[str] = (),
) -> PlanView:
    """Worker thread: the sharing plan (the release gate's answers) and the terms' name.

    ``overrides`` and ``confirmed_media`` are the custodian's explicit decisions, passed to
    the same service call as the CLI's ``--release-without-consent`` and ``--confirm-media``.
    """
    from tkapp.services import terms as terms_service

    plan = sharing.plan_export(
        cat, record_ids, recipient, purpose, overrides=overrides, confirmed_media=confirmed_media
    )
    title = ""
    if len(plan.terms_ids) == 1:
        info = terms_service.get_terms_info(cat, plan.terms_ids[0])
        title = _("“{name}”, version {version}").format(
            name=terms_name(info.name), version=info.version
        )
    return PlanView(plan, title, cat.community.name, str(getattr(cat, "actor", "") or ""))


def write_public_key(cat: Any, keys_service: Any, folder: Path) -> Path:
    """Worker thread: put the community's public key in ``folder`` as ``community.pub``;
    an existing file with the same key is reused, a different one is never replaced."""
    text = keys_service.public_key_file_text(cat)
    for number in range(100):
        name = PUBLIC_KEY_NAME if number == 0 else f"{PUBLIC_KEY_TEXT_NAME}-{number}.pub"
        path = folder / name
        if path.exists():
            try:
                if path.read_text("ascii") == text:
                    return path
            except (OSError, UnicodeDecodeError):
                pass
            continue
        return Path(keys_service.export_public_key(cat, path))
    raise TkError("too many key files")
