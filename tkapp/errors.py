"""One exception hierarchy for the whole app.

Every error carries a stable ``code`` (never translated, safe for ``--json`` and tests) and
keyword ``params``. Front ends turn the code into a translated sentence with
:func:`tkapp.i18n.messages.describe_error`, so the layers below never format user text.
"""

from __future__ import annotations

from typing import Any, ClassVar


class TkError(Exception):
    """Base of every error tkapp raises on purpose."""

    code: ClassVar[str] = "error"
    #: CLI exit status for this family of errors (documented in the README).
    exit_code: ClassVar[int] = 1

    def __init__(self, detail: str = "", **params: Any) -> None:
        super().__init__(detail or self.code)
        self.detail = detail
        self.params: dict[str, Any] = params


class UsageError(TkError):
    code = "usage"
    exit_code = 4


class FileIOError(TkError):
    """A file named on the command line or in a dialog could not be read or written (missing,
    no permission, name too long, already exists, read-only disk...)."""

    code = "file_io"
    exit_code = 4


class ValidationError(TkError):
    """Input that breaks a domain rule; ``params['field']`` names the field."""

    code = "invalid"
    exit_code = 3


class NotFound(TkError):
    code = "not_found"
    exit_code = 3


class NotPermitted(TkError):
    """The person who unlocked does not hold the protocol key of this record's group (or may
    not change it): ``params['group']`` names the group. Nothing was read or changed."""

    code = "not_permitted"
    exit_code = 2


# --- Catalogue store -------------------------------------------------------------------------


class StoreError(TkError):
    code = "store_error"
    exit_code = 5


class WrongPassphrase(StoreError):
    """Wrong passphrase, or not a catalogue at all: SQLCipher cannot tell them apart."""

    code = "wrong_passphrase"


class NotACatalogue(StoreError):
    """The file opened but it is not a TK Commons catalogue (e.g. plaintext SQLite)."""

    code = "not_a_catalogue"


class CatalogueCorrupt(StoreError):
    code = "catalogue_corrupt"


class CatalogueExists(StoreError):
    code = "catalogue_exists"


class CatalogueMissing(StoreError):
    code = "catalogue_missing"


class CatalogueLocked(StoreError):
    """Another program holds the catalogue, or it was locked for inactivity."""

    code = "catalogue_locked"


class CatalogueInUse(CatalogueLocked):
    """Another window or program has the catalogue open (``params`` name the program, pid,
    host and start time when it recorded itself). Nothing was changed."""

    code = "catalogue_in_use"


class UnsupportedCatalogue(StoreError):
    """Written by a newer tkapp, or this SQLCipher lacks a feature we need."""

    code = "unsupported_catalogue"


class DiskFull(StoreError):
    code = "disk_full"


class Cancelled(TkError):
    code = "cancelled"
    exit_code = 130


# --- Bundles (BUNDLE-FORMAT.md section 5) ----------------------------------------------------
# exit codes: 1 integrity/crypto, 2 policy, 3 malformed input or limit, 4 usage/I-O


class BundleError(TkError):
    code = "bundle_error"
    exit_code = 3


class _Integrity(BundleError):
    exit_code = 1


class _Policy(BundleError):
    exit_code = 2


class _Malformed(BundleError):
    exit_code = 3


class LimitExceeded(_Malformed):
    code = "limit_exceeded"


class DecryptionError(_Integrity):
    code = "decryption_error"


class NotAnAgeFile(DecryptionError):
    """Named or given as an encrypted bundle, but not an age file at all."""

    code = "not_age_file"
    exit_code = 3


class NotARecipient(_Policy):
    code = "not_a_recipient"


class ContainerError(_Malformed):
    code = "container_error"


class UnsafePath(_Malformed):
    code = "unsafe_path"


class DuplicateEntry(_Malformed):
    code = "duplicate_entry"


class UnsupportedEntry(_Malformed):
    code = "unsupported_entry"


class SignatureFormatError(_Malformed):
    code = "signature_format"


class UntrustedKey(_Policy):
    code = "untrusted_key"


class KeyMismatch(_Integrity):
    """Another key is trusted for this catalogue (params give both fingerprints)."""

    code = "key_mismatch"


class ConfusableName(_Policy):
    """First use of a key whose community name looks like a trusted community's, or hides
    invisible or right-to-left control characters: never trusted silently."""

    code = "confusable_name"


class BadSignature(_Integrity):
    code = "bad_signature"


class SignatureMetadataMismatch(_Integrity):
    code = "signature_metadata_mismatch"


class NonCanonicalManifest(_Malformed):
    code = "non_canonical_manifest"


class SchemaError(_Malformed):
    code = "schema_error"


class UnsupportedVersion(_Malformed):
    code = "unsupported_version"


class Expired(_Policy):
    code = "expired"


class Rollback(_Policy):
    code = "rollback"


class Revoked(_Policy):
    """A valid revocation list from the signing community revokes this bundle's grant."""

    code = "revoked"


class RevocationError(_Integrity):
    """A revocation list or rotation statement is altered, forged or malformed."""

    code = "revocation_invalid"


class RotationError(_Integrity):
    """A key rotation statement is altered, not signed by the old key, or malformed."""

    code = "rotation_invalid"


class NotIntendedRecipient(_Policy):
    code = "not_intended_recipient"


class MissingFile(_Integrity):
    code = "missing_file"


class UnexpectedFile(_Integrity):
    code = "unexpected_file"


class SizeMismatch(_Integrity):
    code = "size_mismatch"


class HashMismatch(_Integrity):
    code = "hash_mismatch"


class BagItMismatch(_Integrity):
    code = "bagit_mismatch"


class TermsError(_Malformed):
    code = "terms_error"


class BundleIOError(BundleError):
    """The bundle file could not be read or written (missing, permissions, disk full)."""

    code = "bundle_io"
    exit_code = 4


# --- Crypto ----------------------------------------------------------------------------------


class CryptoError(TkError):
    code = "crypto_error"


class KeyringError(CryptoError):
    """A wrapped or sealed key could not be opened: wrong passphrase or key, or tampered."""

    code = "keyring_open_failed"


class SelfTestFailed(CryptoError):
    code = "selftest_failed"


class KeyFormatError(CryptoError):
    code = "key_format"
    exit_code = 3


# --- Terms and sharing (issues 3 and 4) ------------------------------------------------------


class TermsInUse(ValidationError):
    """A terms version an export already used cannot change: save a new version instead."""

    code = "terms_in_use"


class MixedTerms(ValidationError):
    """The records chosen for one bundle are under different terms versions (a bundle carries
    exactly one ``terms.json``): export them in separate bundles."""

    code = "mixed_terms"


class NothingToExport(ValidationError):
    """The export plan includes no record."""

    code = "nothing_to_export"


class ApprovalsMissing(TkError):
    """The export needs more custodians' approvals (``params``: ``needed``, ``have``)."""

    code = "approvals_missing"
    exit_code = 2


class AlreadyApproved(ValidationError):
    """This custodian already approved this export plan (``params["name"]``)."""

    code = "already_approved"


class ConfirmationRequired(TkError):
    """Culturally sensitive records need the custodian's explicit confirmation to leave."""

    code = "confirmation_required"
    exit_code = 2


# --- Open data (issue 9) ---------------------------------------------------------------------


class NothingToPublish(ValidationError):
    """No record may be published openly (none marked, or terms, labels or access refuse)."""

    code = "nothing_to_publish"


# --- Media cleaning (issue 12) ---------------------------------------------------------------


class MediaNotCleanable(TkError):
    """A media file whose hidden metadata cannot be removed safely, so it must not leave as is.

    ``reason`` is a stable code: ``unsupported_format`` (a kind of file we cannot clean),
    ``malformed`` (damaged, or content and declared type disagree), ``too_large`` (above the
    size this kind of file can be cleaned at), ``timed_metadata`` (a video track that carries
    metadata such as a GPS trail inside the media data itself).
    """

    code = "media_not_cleanable"
    exit_code = 2

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason, reason=reason)
        self.reason = reason


# --- Local Contexts Hub (issue 16) -------------------------------------------------------------


class HubUnavailable(TkError):
    """The Local Contexts Hub could not be reached or gave an answer we cannot read (the
    online refresh only; everything else works without the Hub)."""

    code = "hub_unavailable"
    exit_code = 1


# --- Field data import (issue 15) ------------------------------------------------------------


class ImportFileError(ValidationError):
    """A file given to ``tkapp import`` cannot be read; ``params``: ``file`` and ``row`` (0 when
    the problem is not in one row). Nothing was imported."""

    code = "import_file"


class ImportEncodingError(ImportFileError):
    """A text file is neither UTF-8 nor Windows-1252 (the two encodings spreadsheets write)."""

    code = "import_encoding"


class ImportSpreadsheetError(ImportFileError):
    """An XLSX workbook is damaged or not a workbook."""

    code = "import_spreadsheet"


class NotAttachments(ImportFileError):
    """A ZIP given as media attachments holds no photo, audio, video or document."""

    code = "not_attachments"


class UnsafeArchive(ImportFileError):
    """A ZIP with a dangerous entry name, a duplicate name, or a decompression bomb."""

    code = "unsafe_archive"


# --- People, key slots and protocol roles (issue 13) -----------------------------------------


class KeySlotsInvalid(StoreError):
    """The catalogue's key slots file (``<catalogue>-keys``) is damaged or not ours."""

    code = "keyslots_invalid"


class PersonRequired(TkError):
    """Several people use this catalogue: say who you are (``params["names"]``)."""

    code = "person_required"
    exit_code = 4


class UnknownPerson(NotFound):
    """No person of that name uses this catalogue (``params["name"]``)."""

    code = "unknown_person"


class PermissionDenied(TkError):
    """The unlocked person's role does not allow this (``params``: ``action``, ``role``)."""

    code = "permission_denied"
    exit_code = 2


class GroupKeyNotHeld(PermissionDenied):
    """Adding someone to a protocol group needs a custodian who holds that group's key."""

    code = "group_key_not_held"
