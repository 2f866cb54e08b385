"""Trust, in words: the sentences the command line and the desktop app show about a key.

One place renders what :func:`tkapp.crypto.trust.decide_trust` decided (warnings, a key
mismatch, a look-alike name, an older bundle), so both front ends say the same thing.
Community names come from untrusted files: they are shown with invisible and bidi-control
characters made visible (``<U+202E>``), never as raw text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tkapp.crypto.confusables import visible_form
from tkapp.crypto.fingerprint import Fingerprint
from tkapp.crypto.trust import SEQ_CONFLICT, SEQ_OLDER, TrustedKey, TrustWarning
from tkapp.i18n import N_, _, translate

__all__ = [
    "FLAG_TEXT",
    "HOW_TEXT",
    "entry_lines",
    "error_lines",
    "fingerprint_line",
    "sequence_line",
    "shown_name",
    "warning_lines",
]

HOW_TEXT: dict[str, str] = {
    "in_person": N_("trusted (fingerprint checked in person)"),
    "file": N_("trusted (from a key file you named)"),
    "tofu": N_("trusted on first use (not yet checked in person)"),
    "rotation": N_("trusted (key change signed by a key you trusted)"),
}

FLAG_TEXT: dict[str, str] = {
    "invisible": N_("invisible characters"),
    "bidi": N_("right-to-left control characters that reorder what is shown"),
    "mixed_scripts": N_("letters of different alphabets (for example Latin and Cyrillic)"),
    "compatibility": N_("look-alike forms of ordinary characters (such as full-width letters)"),
}


def shown_name(name: str, limit: int = 200) -> str:
    """A community name as it really is: hidden characters shown as ``<U+XXXX>``."""
    text = visible_form(name)
    text = "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


def fingerprint_line(fingerprint_hex: str) -> str:
    """A fingerprint as hex groups and words to read aloud, on one line."""
    try:
        fp = Fingerprint.from_hex(fingerprint_hex)
    except ValueError:
        return fingerprint_hex[:80]
    return _("{groups} (words: {words})").format(
        groups=" ".join(fp.groups()), words=" ".join(fp.words())
    )


def _flags(text: str) -> str:
    return ", ".join(translate(FLAG_TEXT.get(flag, flag)) for flag in text.split(",") if flag)


def _trusted(params: Mapping[str, Any]) -> list[str]:
    if not params.get("trusted_fingerprint"):
        return []
    return [
        _("Trusted key of {community}: {fingerprint}").format(
            community=shown_name(str(params.get("trusted_community", ""))),
            fingerprint=fingerprint_line(str(params["trusted_fingerprint"])),
        )
    ]


def _this_key(params: Mapping[str, Any]) -> list[str]:
    if not params.get("fingerprint"):
        return []
    return [
        _("This bundle's key, signing as {community}: {fingerprint}").format(
            community=shown_name(str(params.get("community", ""))),
            fingerprint=fingerprint_line(str(params["fingerprint"])),
        )
    ]


def warning_lines(warnings: tuple[TrustWarning, ...]) -> list[str]:
    """One or more sentences per warning of a bundle that was nevertheless checked."""
    lines: list[str] = []
    for w in warnings:
        if w.code == "name_flags":
            lines.append(
                _("Warning: the community name contains {what}.").format(
                    what=_flags(w.params.get("flags", ""))
                )
            )
        elif w.code == "lookalike_name":
            lines.append(
                _(
                    "Warning: the community name looks like that of another community you "
                    "trust, which uses a different key. Make sure this is the community you "
                    "mean."
                )
            )
            lines += _trusted(w.params)
        elif w.code == "catalogue_key_changed":
            lines.append(
                _(
                    "Warning: you trust another key for this catalogue. The bundle was "
                    "checked only with the key file you named. If the community made a new "
                    "key, ask for its signed key change; or compare the new key's words with "
                    "the community in person and run: tkapp trust add KEYFILE --community "
                    "NAME --catalogue {catalogue} --replace"
                ).format(catalogue=w.params.get("trusted_catalogue_id", "") or "URN")
            )
            lines += _trusted(w.params)
        elif w.code == "encrypted_after_signing":
            lines.append(
                _(
                    "Note: the community made this bundle unencrypted; it was encrypted with "
                    "age afterwards, not by the community."
                )
            )
        elif w.code == "not_saved":
            lines.append(_("The key you named was not saved as trusted."))
    return lines


def error_lines(code: str, params: Mapping[str, Any], *, desktop: bool = False) -> list[str]:
    """Extra lines after the error sentence: both keys, and what to do (``desktop``: the
    advice names the app's Keys section instead of a command)."""
    if code == "key_mismatch":
        if desktop:
            advice = _(
                "To move to the new key: add the community's key change statement with "
                "“Revocations and key changes…”, or compare the new key's words with the "
                "community in person and trust its key file in Keys."
            )
            return [*_trusted(params), *_this_key(params), advice]
        return [
            *_trusted(params),
            *_this_key(params),
            _(
                "To move to the new key: get the community's key change statement, or compare "
                "the new key's words with the community in person and run: tkapp trust add "
                "KEYFILE --community NAME --catalogue {catalogue} --replace"
            ).format(catalogue=str(params.get("catalogue_id", "")) or "URN"),
        ]
    if code == "confusable_name":
        lines = _this_key(params)
        if params.get("flags"):
            lines.append(_("The name contains {what}.").format(what=_flags(str(params["flags"]))))
        lines += _trusted(params)
        if desktop:
            lines.append(
                _(
                    "If the community confirms these words in person, trust its key file in "
                    "Keys (“Trust a key file…”)."
                )
            )
        else:
            lines.append(
                _(
                    "If the community confirms these words in person, trust its key with: "
                    "tkapp trust add KEYFILE --community NAME"
                )
            )
        return lines
    return []


def sequence_line(status: str, sequence: int, newest: int) -> str | None:
    """What to say about a bundle's number compared with the newest seen (or nothing)."""
    if status == SEQ_OLDER:
        return _(
            "A newer bundle from this community was seen before (number {newest}; this is "
            "number {sequence}). This one is still valid."
        ).format(newest=newest, sequence=sequence)
    if status == SEQ_CONFLICT:
        return _(
            "Another bundle with the same number {sequence} was seen before from this key."
        ).format(sequence=sequence)
    return None


def entry_lines(entry: TrustedKey) -> list[str]:
    """A trusted key, as ``tkapp trust show`` prints it."""
    lines = [
        _("Community: {community}").format(community=shown_name(entry.community)),
        _("Catalogue: {catalogue}").format(catalogue=entry.catalogue_id or _("not known yet")),
        _("Key id: {key_id}").format(key_id=entry.key_id),
        _("Fingerprint: {fingerprint}").format(fingerprint=fingerprint_line(entry.fingerprint)),
        _("Trust: {status}").format(status=translate(HOW_TEXT.get(entry.how, entry.how))),
        _("Trusted since: {date}").format(date=entry.first_seen),
    ]
    if entry.last_sequence:
        lines.append(_("Newest bundle seen: number {n}").format(n=entry.last_sequence))
    if entry.replaced_by:
        lines.append(
            _("Replaced by the key {fingerprint}").format(
                fingerprint=fingerprint_line(
                    Fingerprint.of_public_key(bytes.fromhex(entry.replaced_by)).hex
                )
            )
        )
    return lines
