"""Plain-words sentences for error codes, shared by the command line and the desktop app."""

from __future__ import annotations

from tkapp.errors import TkError
from tkapp.i18n import N_, translate
from tkapp.safetext import safe_text

# Written for a custodian, not a programmer: what happened and what to do next.
_ERRORS: dict[str, str] = {
    "error": N_("Something went wrong."),
    "usage": N_("The command was not written correctly: {detail}"),
    "file_io": N_("A file could not be read or written: {detail}"),
    "invalid": N_("This value is not accepted ({field}): {detail}"),
    "not_found": N_("Not found: {detail}"),
    "not_permitted": N_(
        "This record is protected for the group \u201c{group}\u201d and you are not in it. "
        "Nothing was shown or changed."
    ),
    "store_error": N_("The catalogue could not be read or written: {detail}"),
    "wrong_passphrase": N_(
        "Wrong passphrase. Type it again: capital letters, accents and spaces count."
    ),
    "not_a_catalogue": N_("This file is not a TK Commons catalogue. Nothing was changed."),
    "catalogue_corrupt": N_(
        "The catalogue file is damaged. Nothing was changed. Restore it from a backup."
    ),
    "catalogue_exists": N_("A file already exists there. Choose another name."),
    "catalogue_missing": N_("There is no catalogue at that place."),
    "catalogue_locked": N_("The catalogue is in use by another program, or it is locked."),
    "catalogue_in_use": N_(
        "The catalogue is open in another window or program: {program} (process {pid} on "
        "{host}, since {since}). Nothing was changed: close it there, then try again."
    ),
    "catalogue_in_use_unknown": N_(
        "The catalogue is open in another window or program. Nothing was changed: close it "
        "there, then try again."
    ),
    "unsupported_catalogue": N_(
        "This catalogue was made by a newer TK Commons, or this copy lacks a needed part: {detail}"
    ),
    "keyring_open_failed": N_(
        "Wrong passphrase, or a key in the catalogue does not open. Nothing was changed."
    ),
    "keyslots_invalid": N_(
        "The catalogue's keys file (beside it, ending in -keys) is damaged. Nothing was "
        "changed: bring back the keys file from the catalogue's backup."
    ),
    "person_required": N_("Several people use this catalogue. Say who you are: {names}"),
    "unknown_person": N_("Nobody called {name} uses this catalogue."),
    "permission_denied": N_(
        "Your role ({role}) does not allow this: {action}. Ask a custodian. Nothing was changed."
    ),
    "group_key_not_held": N_(
        "Only a custodian who belongs to the group {group} can add people to it. Nothing was "
        "changed."
    ),
    "disk_full": N_("The disk is full. Nothing was lost; free some space and try again."),
    "cancelled": N_("Cancelled. Nothing was changed."),
    "bundle_error": N_("This bundle cannot be used: {detail}"),
    "limit_exceeded": N_("This bundle is larger than allowed: {detail}"),
    "decryption_error": N_("The encrypted bundle could not be decrypted."),
    "not_a_recipient": N_(
        "This bundle was encrypted for someone else: none of your age keys can open it. Ask "
        "the community to make it for your age address."
    ),
    "not_age_file": N_(
        "This file is not an age-encrypted file (nor a bundle): it may be damaged or "
        "something else."
    ),
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
        "Warning: this catalogue is signed with a different key than the one you trust. "
        "It may be forged, or the community may have a new key. Ask the community for a "
        "signed key change (rotation statement), or compare the new key's words with them in "
        "person and then replace the key in your trusted keys."
    ),
    "confusable_name": N_(
        "Warning: the community name in this bundle looks like the name of a community you "
        "already trust, or hides invisible characters, but the key is a different one. It "
        "was not trusted. Compare the key's words with the community in person before you "
        "trust it."
    ),
    "bad_signature": N_("The signature does not match: the bundle was altered or forged."),
    "signature_metadata_mismatch": N_(
        "The signed comment does not match the bundle: it was altered."
    ),
    "non_canonical_manifest": N_("The bundle's manifest is not in canonical form."),
    "schema_error": N_("A file in the bundle has an unexpected shape ({field}): {detail}"),
    "unsupported_version": N_("This bundle uses a format version this program does not know."),
    "expired": N_("This bundle has expired."),
    "rollback": N_(
        "A newer bundle from this community is already in Received: an older bundle cannot "
        "replace its records."
    ),
    "revoked": N_(
        "The community revoked this bundle on {date}: {reason}. You may no longer use it."
    ),
    "revocation_invalid": N_(
        "The revocation list is altered, forged or malformed and was not used: {detail}"
    ),
    "rotation_invalid": N_(
        "The key change statement is altered, forged or malformed and was not used: {detail}"
    ),
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
    "approvals_missing": N_(
        "This export needs the approval of {needed} custodians and has {have}. Ask another "
        "custodian to approve it with their own passphrase. Nothing was written."
    ),
    "already_approved": N_("{name} has already approved this export."),
    "confirmation_required": N_(
        "Some records are culturally sensitive: the custodian must confirm before they are shared."
    ),
    "nothing_to_publish": N_(
        "No record can be published openly: mark records with an open licence, make them "
        "public, and check that their terms and labels allow it."
    ),
    "media_not_cleanable": N_(
        "A media file's hidden information (place, names, device) could not be removed, so "
        "it was kept back: {detail}"
    ),
    "hub_unavailable": N_(
        "The Local Contexts Hub could not be reached or answered something unexpected: "
        "{detail}. Nothing was changed; the project keeps its saved details."
    ),
    "import_file": N_(
        "{file}, row {row}: this file cannot be imported: {detail}. Nothing was imported."
    ),
    "import_encoding": N_(
        "{file}, row {row}: the text is neither UTF-8 nor Windows (cp1252). Save the file again "
        'as "CSV UTF-8" and import it again. Nothing was imported.'
    ),
    "import_spreadsheet": N_(
        "{file}: this spreadsheet is damaged or not an Excel workbook (.xlsx): {detail}. Nothing "
        "was imported."
    ),
    "not_attachments": N_(
        "{file}: this ZIP holds no photos, recordings or documents of submissions. Nothing was "
        "imported."
    ),
    "unsafe_archive": N_(
        "{file}: this ZIP was refused because it could harm the computer ({detail}). Nothing "
        "was imported."
    ),
}


# The bundle reader's details (tkapp/bundle/zipread.py) are fixed English texts, used as
# keys: each is shown to people in their language. A detail not listed here (a file name, a
# number) is shown as it is.
_DETAILS: dict[str, str] = {
    "entry name too long": N_("a file name is too long"),
    "entry name is not UTF-8": N_("a file name is not readable text"),
    "directory entry": N_("it holds a folder entry"),
    "entry name is not NFC": N_("a file name is written in an unusual form"),
    "control or invisible character in entry name": N_("a file name has invisible characters"),
    "backslash in entry name": N_("a file name has a backslash"),
    "colon in entry name": N_("a file name has a colon"),
    "absolute entry name": N_("a file name points outside the bundle"),
    "empty, '.' or '..' path component": N_("a file name points outside its folder"),
    "entry outside the single top-level folder": N_("a file lies outside the bundle's folder"),
    "unexpected end of file": N_("the file ends too early (incomplete download?)"),
    "file too small to be a bundle": N_("the file is too small to be a bundle"),
    "no end record at the end of the file (data appended?)": N_(
        "the end of the file is not a bundle's end (something was added to it?)"
    ),
    "multi-disk archive or comment": N_("it is split in parts or carries a comment"),
    "ZIP64 is not supported": N_("it uses a ZIP extension bundles do not use"),
    "too many entries": N_("it holds too many files"),
    "empty archive": N_("it is empty"),
    "central directory does not end at the end record": N_("its table of contents is damaged"),
    "central directory size is inconsistent": N_("its table of contents is damaged"),
    "truncated central directory": N_("its table of contents is cut short"),
    "bad central directory signature": N_("its table of contents is damaged"),
    "encrypted entry": N_("a file inside is password-protected"),
    "entry with a data descriptor": N_("a file inside is written in a form bundles do not use"),
    "compressed entry (only stored entries are allowed)": N_(
        "a file inside is compressed (bundles keep files uncompressed)"
    ),
    "not a regular file (symlink, directory or device)": N_(
        "an entry is not an ordinary file (a link, a folder or a device)"
    ),
    "stored entry with different sizes": N_("a file inside has two different sizes"),
    "entry fields differ from the bundle format": N_(
        "a file inside is not written the way TK Commons writes bundles"
    ),
    "two entries with the same name": N_("two files have the same name"),
    "more than one top-level folder": N_("it has more than one main folder"),
    "entries overlap, leave gaps or are out of order": N_("its files overlap or leave gaps"),
    "local header differs from the central directory": N_(
        "a file's description differs from the table of contents"
    ),
    "entry data runs into the central directory": N_("a file runs into the table of contents"),
    "unexplained bytes before the central directory": N_("it has unexplained extra bytes"),
    "entry too large": N_("a file inside is too large"),
    "CRC mismatch": N_("a file inside was altered or damaged"),
    "entries are not sorted by name as the bundle format requires": N_(
        "its files are not in the order the bundle format requires"
    ),
}


def describe_error(error: TkError) -> str:
    """A translated sentence for ``error``; attacker-controlled text is shortened and escaped."""
    code = error.code
    if code == "catalogue_in_use" and not error.params.get("program"):
        code = "catalogue_in_use_unknown"  # the other program did not say who it is
    template = _ERRORS.get(code, _ERRORS["error"])
    fields = {key: _safe(value) for key, value in error.params.items()}
    if code == "permission_denied":  # words marked with N_ where the rule lives
        for key in ("action", "role"):
            fields[key] = _safe(translate(str(error.params.get(key, ""))))
    known = _DETAILS.get(error.detail)
    fields.setdefault("detail", translate(known) if known else _safe(error.detail))
    fields.setdefault("field", "")
    try:
        return translate(template).format(**fields)
    except (KeyError, IndexError, ValueError):
        return translate(template)


def _safe(value: object, limit: int = 200) -> str:
    # Bundle names and details come from untrusted files: no control characters, no floods.
    return safe_text(value, limit=limit)
