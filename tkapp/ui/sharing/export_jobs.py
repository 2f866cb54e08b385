"""The export wizard's work on the catalogue (worker thread): writing and recording the bundle,
and the community's public key beside it. The plan the wizard shows comes from
:func:`tkapp.services.sharing.plan_export_summary`; only plain results cross back to the GUI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tkapp.core.model import Recipient
from tkapp.services import sharing
from tkapp.services.sharing import ExportResult, SharingPlan

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue
    from tkapp.services.types import Fingerprint
    from tkapp.ui.common.worker import Job


@dataclass(frozen=True)
class ExportOutcome:
    """What the export job produced."""

    result: ExportResult
    fingerprint: Fingerprint
    public_key: Path | None
    community: str


@dataclass(frozen=True)
class ExportChoices:
    """What the custodian chose on the wizard's pages, handed to the export job."""

    plan: SharingPlan
    dest: Path
    expires: date | None
    encrypt: bool
    with_key: bool
    confirmed_sensitive: bool
    #: A new recipient to keep in the address book, when the custodian asked to.
    save_recipient: Recipient | None = None


def write_bundle(cat: Catalogue, job: Job, choices: ExportChoices) -> ExportOutcome:
    """Worker thread: keep the recipient when asked, write and record the bundle (progress and
    cancel through ``job``), and put the community's public key beside it when asked."""
    from tkapp.services import keys as keys_service

    plan = choices.plan
    age = plan.recipient.age_recipient
    if choices.save_recipient is not None:
        sharing.add_recipient(cat, choices.save_recipient)
    result = sharing.export(
        cat,
        plan,
        choices.dest,
        expires=choices.expires,
        encrypt_to=[age] if choices.encrypt and age else [],
        progress=job.report,
        cancel=job.is_cancelled,
        confirmed_sensitive=choices.confirmed_sensitive,
    )
    public = (
        keys_service.export_public_key_to_folder(cat, choices.dest.parent)
        if choices.with_key
        else None
    )
    return ExportOutcome(result, keys_service.fingerprint(cat), public, cat.community.name)
