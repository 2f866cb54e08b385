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

# ``evaluate`` (the function) is deliberately not re-exported here: it would shadow the
# ``tkapp.licensing.evaluate`` module. Use ``from tkapp.licensing.evaluate import evaluate``.
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
