"""Plain-words sentences for error codes, shared by the command line and the desktop app."""

from __future__ import annotations

from tkapp.errors import TkError
from tkapp.i18n import N_, translate

# Written for a custodian, not a programmer: what happened and what to do next.
_ERRORS: dict[str, str] = {
    "error": N_("Something went wrong."),
    "usage": N_("The command was not written correctly: {detail}"),
    "invalid": N_("This value is not accepted ({field}): {detail}"),
    "not_found": N_("Not found: {detail}"),
    "store_error": N_("The catalogue could not be read or written: {detail}"),
    "wrong_passphrase": N_("Wrong passphrase, or this file is not a TK Commons catalogue."),
    "not_a_catalogue": N_("This file is not a TK Commons catalogue. Nothing was changed."),
    "catalogue_corrupt": N_(
        "The catalogue file is damaged. Nothing was changed. Restore it from a backup."
    ),
    "catalogue_exists": N_("A file already exists there. Choose another name."),
    "catalogue_missing": N_("There is no catalogue at that place."),
    "catalogue_locked": N_("The catalogue is in use by another program, or it is locked."),
    "unsupported_catalogue": N_(
        "This catalogue was made by a newer TK Commons, or this copy lacks a needed part: {detail}"
    ),
    "disk_full": N_("The disk is full. Nothing was lost; free some space and try again."),
    "cancelled": N_("Cancelled. Nothing was changed."),
    "bundle_error": N_("This bundle cannot be used: {detail}"),
    "limit_exceeded": N_("This bundle is larger than allowed: {detail}"),
    "decryption_error": N_("The encrypted bundle could not be decrypted."),
    "not_a_recipient": N_("This bundle was encrypted for someone else; your key cannot open it."),
    "container_error": N_("The bundle file is damaged or not a bundle: {detail}"),
    "unsafe_path": N_("The bundle contains a dangerous file name and was refused: {detail}"),
    "duplicate_entry": N_("The bundle contains the same file twice and was refused: {detail}"),
    "unsupported_entry": N_("The bundle contains an entry of a kind not allowed: {detail}"),
    "signature_format": N_("The bundle's signature is missing or malformed."),
    "untrusted_key": N_(
        "The bundle is signed by a key you have not trusted yet. Compare its words with the "
        "community before trusting it."
    ),
    "key_mismatch": N_(
        "Warning: this community signed with a different key than the one you trust. "
        "It may be forged."
    ),
    "bad_signature": N_("The signature does not match: the bundle was altered or forged."),
    "signature_metadata_mismatch": N_(
        "The signed comment does not match the bundle: it was altered."
    ),
    "non_canonical_manifest": N_("The bundle's manifest is not in canonical form."),
    "schema_error": N_("The bundle's manifest has an unexpected shape: {detail}"),
    "unsupported_version": N_("This bundle uses a format version this program does not know."),
    "expired": N_("This bundle has expired."),
    "rollback": N_("This is an older bundle than one already seen from this community."),
    "not_intended_recipient": N_("This bundle was made for a different recipient."),
    "missing_file": N_("A file listed in the bundle is missing: {detail}"),
    "unexpected_file": N_("The bundle contains a file it does not declare: {detail}"),
    "size_mismatch": N_("A file in the bundle has the wrong size: {detail}"),
    "hash_mismatch": N_("A file in the bundle was altered: {detail}"),
    "bagit_mismatch": N_("The bundle's BagIt files do not match its manifest."),
    "terms_error": N_("The bundle's terms cannot be read: {detail}"),
    "bundle_io": N_("The bundle file could not be read or written: {detail}"),
    "crypto_error": N_("A cryptographic operation failed: {detail}"),
    "selftest_failed": N_("The cryptography self-test FAILED. Do not trust this installation."),
    "key_format": N_("This key file is not in a format TK Commons understands: {detail}"),
    "terms_in_use": N_(
        "This version of the terms was already used in an export and cannot change. "
        "Save your edits as a new version."
    ),
    "mixed_terms": N_(
        "The chosen records are under different terms; a bundle carries one set of terms. "
        "Export them separately."
    ),
    "nothing_to_export": N_("No record may be shared with this recipient for this purpose."),
    "confirmation_required": N_(
        "Some records are culturally sensitive: the custodian must confirm before they are "
        "shared."
    ),
    "nothing_to_publish": N_(
        "No record can be published openly: mark records with an open licence, make them "
        "public, and check that their terms and labels allow it."
    ),
}


def describe_error(error: TkError) -> str:
    """A translated sentence for ``error``; attacker-controlled text is shortened and escaped."""
    template = _ERRORS.get(error.code, _ERRORS["error"])
    fields = {key: _safe(value) for key, value in error.params.items()}
    fields.setdefault("detail", _safe(error.detail))
    fields.setdefault("field", "")
    try:
        return translate(template).format(**fields)
    except (KeyError, IndexError, ValueError):
        return translate(template)


def _safe(value: object, limit: int = 200) -> str:
    text = str(value)
    # Bundle names and details come from untrusted files: no control characters, no floods.
    text = "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"
