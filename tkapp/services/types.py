"""The value types the front ends show, given a services-level home.

The CLI and the GUI only parse, call services and render what they return (an import-linter
contract forbids them to import ``tkapp.store``, ``tkapp.bundle`` or ``tkapp.crypto``). Some
of what services return is defined lower down: a fingerprint, an age recipient, a trust
warning, a verification report. They are re-exported here, unchanged, so that a front end can
name them in a signature or call their own methods (``Fingerprint.words()``) without reaching
past the services floor.

Each name is loaded on first use (module ``__getattr__``): the verifier behind
:class:`VerifyReport` is heavy, and importing this module for a fingerprint must not slow
``tkapp --help`` or ``tkapp verify --selftest``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tkapp.bundle.verifier import HubProjectSummary, VerifyReport
    from tkapp.crypto.age import AgeRecipient
    from tkapp.crypto.fingerprint import Fingerprint
    from tkapp.crypto.trust import TrustedKey, TrustWarning

__all__ = [
    "AgeRecipient",
    "Fingerprint",
    "HubProjectSummary",
    "TrustWarning",
    "TrustedKey",
    "VerifyReport",
]

# name -> the module that defines it
_HOMES = {
    "AgeRecipient": "tkapp.crypto.age",
    "Fingerprint": "tkapp.crypto.fingerprint",
    "HubProjectSummary": "tkapp.bundle.verifier",
    "TrustWarning": "tkapp.crypto.trust",
    "TrustedKey": "tkapp.crypto.trust",
    "VerifyReport": "tkapp.bundle.verifier",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value
