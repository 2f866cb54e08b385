"""Reciprocity terms, Local Contexts labels and the decision engine (LICENSING.md). Pure.

No Qt, no SQL, no file I/O except the package's own data files. Modules:

- :mod:`~tkapp.licensing.vocab`: user classes, purposes, outcomes, duty kinds;
- :mod:`~tkapp.licensing.terms`: versioned terms, ``terms.json``, built-in templates;
- :mod:`~tkapp.licensing.labels`: the 30 TK/BC labels and per-catalogue wording;
- :mod:`~tkapp.licensing.evaluate`: ``evaluate()`` -> Decision with reasons;
- :mod:`~tkapp.licensing.places`: location generalisation for exports;
- :mod:`~tkapp.licensing.plan`: which records go in an export, and in what shape;
- :mod:`~tkapp.licensing.text`: translated terms pages, reasons and duties;
- :mod:`~tkapp.licensing.odrl`: the terms as an ODRL 2.2 policy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# ``evaluate`` (the function) is deliberately not re-exported here: it would shadow the
# ``tkapp.licensing.evaluate`` module. Use ``from tkapp.licensing.evaluate import evaluate``.
# The names below load on first use (PEP 562), so importing one light module, such as
# ``tkapp.licensing.vocab`` for a command's choices, does not load the decision engine.
if TYPE_CHECKING:
    from tkapp.licensing.evaluate import Decision, Reason, Request
    from tkapp.licensing.labels import LABELS, Label, LabelCustomisation, get_label
    from tkapp.licensing.terms import (
        TEMPLATES,
        BenefitSharing,
        Duty,
        Fee,
        Rule,
        Terms,
        canonical_terms_bytes,
        from_template,
        new_version,
    )
    from tkapp.licensing.vocab import (
        COMMERCIAL_PURPOSES,
        DutyKind,
        NonMonetaryBenefit,
        Outcome,
        Purpose,
        UserClass,
        strictest,
    )

__all__ = [
    "COMMERCIAL_PURPOSES",
    "LABELS",
    "TEMPLATES",
    "BenefitSharing",
    "Decision",
    "Duty",
    "DutyKind",
    "Fee",
    "Label",
    "LabelCustomisation",
    "NonMonetaryBenefit",
    "Outcome",
    "Purpose",
    "Reason",
    "Request",
    "Rule",
    "Terms",
    "UserClass",
    "canonical_terms_bytes",
    "from_template",
    "get_label",
    "new_version",
    "strictest",
]

_HOME = {
    **dict.fromkeys(("Decision", "Reason", "Request"), "evaluate"),
    **dict.fromkeys(("LABELS", "Label", "LabelCustomisation", "get_label"), "labels"),
    **dict.fromkeys(
        (
            "TEMPLATES",
            "BenefitSharing",
            "Duty",
            "Fee",
            "Rule",
            "Terms",
            "canonical_terms_bytes",
            "from_template",
            "new_version",
        ),
        "terms",
    ),
    **dict.fromkeys(
        (
            "COMMERCIAL_PURPOSES",
            "DutyKind",
            "NonMonetaryBenefit",
            "Outcome",
            "Purpose",
            "UserClass",
            "strictest",
        ),
        "vocab",
    ),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
