"""Plain sentences for what is wrong with the terms being edited (one place for the wording)."""

from __future__ import annotations

from tkapp.errors import ValidationError
from tkapp.i18n import N_, _, translate
from tkapp.ui.common.dialogs import error_text

# Terms fields a validation error may name, in words.
_TERMS_FIELDS: dict[str, str] = {
    "name": N_("Name of the terms"),
    "attribution": N_("How to credit the community"),
    "contact": N_("Contact for agreements"),
    "valid_until": N_("Valid until"),
    "valid_from": N_("Valid from"),
    "benefit_sharing.fee.amount": N_("Fee"),
    "benefit_sharing.fee.currency": N_("Currency"),
    "benefit_sharing.royalty_basis_points": N_("Royalty"),
    "benefit_sharing.note": N_("Note on benefits"),
    "duties": N_("Duties"),
}


def terms_problem(error: BaseException) -> str:
    """A plain sentence for a problem with the terms being edited."""
    if isinstance(error, ValidationError):
        field = str(error.params.get("field", ""))
        where = _TERMS_FIELDS.get(field)
        if where is None and field.startswith("rules."):
            where = N_("Duties")
        if error.detail in ("required", "missing_key") and field == "attribution":
            return _(
                "Write how users must credit the community: some cells ask users to credit it."
            )
        if error.detail == "required" and field == "contact":
            return _(
                "Write a contact for agreements: some cells say “only with an agreement”, so "
                "users need to know whom to ask."
            )
        if error.detail == "before_valid_from":
            return _("The end date is before the start date.")
        if error.detail in ("bad_amount",):
            return _("Write the fee as a number, for example 500 or 500.50.")
        if error.detail in ("bad_currency",):
            return _("Write the currency as three capital letters, for example USD.")
        if where is not None:
            return _("{field}: this value is not accepted.").format(field=translate(where))
    return error_text(error)
