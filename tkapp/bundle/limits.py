"""Size limits checked before anything is parsed (BUNDLE-FORMAT.md section 5, step 1)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Caps on what the verifier accepts; hostile input fails fast against these.

    The plain-ZIP format adds its own ceiling (see :mod:`tkapp.bundle.zipformat`): below
    4 GiB and at most 65,534 entries, whatever these values say.
    """

    max_file_bytes: int = 4 * 1024**3
    max_manifest_bytes: int = 16 * 1024**2
    max_entries: int = 100_000
    max_name_bytes: int = 512
    #: Records, consent records and terms are parsed in memory: cap each one.
    max_json_member_bytes: int = 16 * 1024**2
    max_terms_text_bytes: int = 1024**2


#: The defaults of BUNDLE-FORMAT.md section 5 (a module constant so signatures can use it).
DEFAULT_LIMITS = Limits()
