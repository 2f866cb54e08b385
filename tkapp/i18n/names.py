"""Translated display names for the model's enums and codes, shared by every window.

The model stores stable English codes (``medicinal``, ``secret_sacred``...); people see these
names instead, in their language. Strings are marked with ``N_`` at import time and
translated with ``_`` when asked, so switching language at run time works.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tkapp.core.model import (
    AccessLevel,
    Category,
    ConsentMethod,
    ConsentStatus,
    MediaKind,
    RecordStatus,
    Sensitivity,
)
from tkapp.i18n import N_, _, translate

_CATEGORY = {
    Category.MEDICINAL: N_("Medicinal"),
    Category.FOOD: N_("Food"),
    Category.AGRICULTURE: N_("Agriculture and seeds"),
    Category.ECOLOGY: N_("Ecology and land"),
    Category.CRAFT: N_("Craft and materials"),
    Category.RITUAL: N_("Ritual and spiritual"),
    Category.LANGUAGE: N_("Language and oral tradition"),
    Category.OTHER: N_("Other"),
}

_ACCESS = {
    # Translators: access level of a record: anyone may see it.
    AccessLevel.PUBLIC: N_("Public"),
    # Translators: access level: members of the community only.
    AccessLevel.COMMUNITY: N_("Community only"),
    # Translators: access level: a named group only (e.g. women healers, a family).
    AccessLevel.RESTRICTED: N_("Restricted group"),
    AccessLevel.SECRET_SACRED: N_("Secret / sacred"),
}

_ACCESS_EXPLANATION = {
    AccessLevel.PUBLIC: N_("Anyone may see this record, under the terms you choose."),
    AccessLevel.COMMUNITY: N_("Only members of the community may see this record."),
    AccessLevel.RESTRICTED: N_(
        "Only the group named below may see this record (for example women healers, a family)."
    ),
    AccessLevel.SECRET_SACRED: N_(
        "Secret or sacred: this record never leaves the catalogue. It is never exported or "
        "shared, whatever the terms say."
    ),
}

_STATUS = {
    RecordStatus.DRAFT: N_("Draft"),
    # Translators: the community has checked and confirmed this record (TK Verified).
    RecordStatus.VERIFIED: N_("Verified by the community"),
    RecordStatus.DISPUTED: N_("Disputed"),
}

_SENSITIVITY = {
    Sensitivity.WITHHOLD: N_("Withhold: no location"),
    Sensitivity.HIGH: N_("High: about 11 km"),
    Sensitivity.MEDIUM: N_("Medium: about 1 km"),
    Sensitivity.LOW: N_("Low: about 100 m"),
    Sensitivity.NONE: N_("None: exact place"),
}

_SENSITIVITY_EXPLANATION = {
    Sensitivity.WITHHOLD: N_(
        "No location leaves the catalogue: exports say only that the place was withheld."
    ),
    Sensitivity.HIGH: N_(
        "Exports show the place rounded to 0.1 degree (about 11 km). The locality text and "
        "the exact coordinates stay in the catalogue."
    ),
    Sensitivity.MEDIUM: N_(
        "Exports show the place rounded to 0.01 degree (about 1 km). The exact coordinates "
        "stay in the catalogue."
    ),
    Sensitivity.LOW: N_(
        "Exports show the place rounded to 0.001 degree (about 100 m). The exact coordinates "
        "stay in the catalogue."
    ),
    Sensitivity.NONE: N_(
        "Exports show the exact coordinates and the locality text. Choose this only when "
        "the place is not sensitive."
    ),
}

_ROLES = {
    "elder": N_("Elder"),
    "healer": N_("Healer"),
    "midwife": N_("Midwife"),
    "farmer": N_("Farmer"),
    "hunter": N_("Hunter"),
    "weaver": N_("Weaver"),
    "translator": N_("Translator"),
    "recorder": N_("Recorder"),
    "other": N_("Other role"),
}

_MEDIA_KIND = {
    MediaKind.PHOTO: N_("Photo"),
    MediaKind.AUDIO: N_("Audio"),
    MediaKind.VIDEO: N_("Video"),
    MediaKind.DOCUMENT: N_("Document"),
}

_CONSENT_METHOD = {
    # Translators: "acta" is the minutes of a community assembly.
    ConsentMethod.ASSEMBLY_MINUTES: N_("Assembly minutes (acta)"),
    ConsentMethod.SIGNED_FORM: N_("Signed form"),
    ConsentMethod.ORAL_RECORDED: N_("Oral, recorded"),
}

_CONSENT_STATUS = {
    ConsentStatus.UNKNOWN: N_("Not yet asked"),
    ConsentStatus.GRANTED: N_("Consent given"),
    ConsentStatus.LIMITED: N_("Limited consent"),
    ConsentStatus.WITHDRAWN: N_("Consent withdrawn"),
}

_CONFIDENTIAL_FIELD = {
    "description": N_("Description"),
    "holders": N_("Knowledge holders"),
    "place": N_("Place"),
    "locality": N_("Locality"),  # withheld from a bundle with the place (not flagged alone)
    "preparation": N_("Preparation"),
    "uses": N_("Uses"),
    "local_names": N_("Local names"),
    "media": N_("Media"),
    "recorded_by": N_("Recorded by"),
}

# Licensing codes (LICENSING.md section 2); the licensing package holds the rules, these are
# only the words shown in the consent editor.
_PURPOSES = {
    "personal_study": N_("Personal study"),
    "education": N_("Education"),
    "research": N_("Research"),
    "publication": N_("Publication"),
    "conservation": N_("Conservation"),
    "product_development": N_("Product development"),
    "commercial_sale": N_("Commercial sale"),
    # Translators: a patent or other intellectual-property claim.
    "ip_claim": N_("Patent or IP claim"),
    "redistribution": N_("Redistribution"),
}

_USER_CLASSES = {
    "community": N_("Community members"),
    "noncommercial": N_("Non-commercial users"),
    "public_research": N_("Universities and public research"),
    "commons_enterprise": N_("Cooperatives and not-for-profits"),
    "for_profit_reciprocal": N_("For-profit, contributing back"),
    "for_profit": N_("Other for-profit"),
}

#: Codes in the order shown in forms.
PURPOSE_CODES: tuple[str, ...] = tuple(_PURPOSES)
USER_CLASS_CODES: tuple[str, ...] = tuple(_USER_CLASSES)

_FIELDS = {
    "title": N_("Title"),
    "summary": N_("Summary"),
    "description": N_("Description"),
    "language": N_("Language"),
    "latitude": N_("Latitude"),
    "longitude": N_("Longitude"),
    "uncertainty_m": N_("Uncertainty"),
    "place": N_("Place"),
    "restricted_group": N_("Restricted group"),
    "labels": N_("Labels"),
    "name": N_("Name"),
    "scientific_name": N_("Scientific name"),
    "vernacular_names": N_("Local names"),
    "granted_by": N_("Granted by"),
    "expires": N_("Expires"),
    "file_name": N_("File name"),
}

_PROBLEMS = {
    "required": N_("This is required."),
    "too_long": N_("This is too long."),
    "control_character": N_("This contains a character that is not allowed."),
    "bad_language_tag": N_("Write a language code such as es, qu or en."),
    "out_of_range": N_("This number is outside the allowed range."),
    "coordinates_need_both": N_("Give both latitude and longitude, or neither."),
    "not_a_number": N_("Write a number, for example -0.95 or -0,95."),
    "unknown_field": N_("Unknown field."),
    "duplicate": N_("The same entry appears twice."),
    "before_granted": N_("The expiry date is before the date consent was given."),
    "unknown_role": N_("Unknown role."),
    "bad_mime_type": N_("Unknown file type."),
    "not_absolute_url": N_("Write a full web address starting with https://."),
}


def _lookup(table: Mapping[Any, str], key: object) -> str:
    text = table.get(key)
    return translate(text) if text else str(key)


def category_name(value: Category) -> str:
    """Display name of a knowledge category."""
    return _lookup(_CATEGORY, value)


def access_name(value: AccessLevel) -> str:
    """Display name of an access level (cultural protocol)."""
    return _lookup(_ACCESS, value)


def access_explanation(value: AccessLevel) -> str:
    """One plain sentence saying who may see a record at this access level."""
    return _lookup(_ACCESS_EXPLANATION, value)


def status_name(value: RecordStatus) -> str:
    """Display name of a record status."""
    return _lookup(_STATUS, value)


def sensitivity_name(value: Sensitivity) -> str:
    """Short display name of a place sensitivity level."""
    return _lookup(_SENSITIVITY, value)


def sensitivity_explanation(value: Sensitivity) -> str:
    """Plain words: what of the place leaves the catalogue at this level."""
    return _lookup(_SENSITIVITY_EXPLANATION, value)


def role_name(code: str) -> str:
    """Display name of a person role code (``PERSON_ROLES``); unknown codes shown as is."""
    return _lookup(_ROLES, code)


def media_kind_name(value: MediaKind) -> str:
    """Display name of a media kind."""
    return _lookup(_MEDIA_KIND, value)


def consent_method_name(value: ConsentMethod) -> str:
    """Display name of how consent was given."""
    return _lookup(_CONSENT_METHOD, value)


def consent_status_name(value: ConsentStatus) -> str:
    """Display name of a person's consent status."""
    return _lookup(_CONSENT_STATUS, value)


def confidential_field_name(code: str) -> str:
    """Display name of a field that may be flagged confidential or left out of a bundle."""
    return _lookup(_CONFIDENTIAL_FIELD, code)


def purpose_name(code: str) -> str:
    """Display name of a licensing purpose code."""
    return _lookup(_PURPOSES, code)


def user_class_name(code: str) -> str:
    """Display name of a licensing user class code."""
    return _lookup(_USER_CLASSES, code)


def field_name(code: str) -> str:
    """Display name of a form field named in a validation error."""
    return _lookup(_FIELDS, code)


def problem_text(detail: str) -> str:
    """A plain sentence for a validation problem code (``ValidationError.detail``)."""
    return _lookup(_PROBLEMS, detail) if detail in _PROBLEMS else _("This value is not accepted.")


#: Language codes of Kichwa (Ecuador's Quichua varieties and the generic ``qu`` the app uses):
#: the community calls its language Kichwa, whatever Babel's name for the code is.
KICHWA_CODES = frozenset({"qu", "qu_ec", "qu-ec", "qug", "qvi", "qxl", "qvo", "qvz", "qxr"})


def language_name(code: str) -> str:
    """A language's name for people, in the interface language (``es`` -> "Español")."""
    from babel import Locale, UnknownLocaleError

    from tkapp.i18n import babel_locale

    if code.strip().lower() in KICHWA_CODES:
        return "Kichwa"
    try:
        name = Locale.parse(code.strip().replace("-", "_")).get_display_name(babel_locale())
    except (UnknownLocaleError, ValueError, TypeError, LookupError):
        return code  # a code Babel does not know (from a bundle, say): shown as it is
    return (name[:1].upper() + name[1:]) if name else code
