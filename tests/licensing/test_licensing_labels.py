"""The 30 shipped Local Contexts labels and per-catalogue customisation."""

from __future__ import annotations

from datetime import date

import pytest

from tkapp.errors import ValidationError
from tkapp.licensing import _msgids
from tkapp.licensing.labels import LABELS, LabelCustomisation, check_labels, get_label
from tkapp.licensing.templates import template_info
from tkapp.licensing.terms import TEMPLATES

# LICENSING.md section 4, copied by hand: code -> name.
EXPECTED = {
    "tka": "TK Attribution", "tkcl": "TK Clan", "tkf": "TK Family",
    "tkmc": "TK Multiple Communities", "tkcv": "TK Community Voice", "tkcr": "TK Creative",
    "tkv": "TK Verified", "tknv": "TK Non-Verified", "tks": "TK Seasonal",
    "tkwg": "TK Women General", "tkmg": "TK Men General", "tkmr": "TK Men Restricted",
    "tkwr": "TK Women Restricted", "tkcs": "TK Culturally Sensitive", "tkss": "TK Secret / Sacred",
    "tkoc": "TK Open to Commercialization", "tknc": "TK Non-Commercial",
    "tkco": "TK Community Use Only", "tko": "TK Outreach", "tkcb": "TK Open to Collaboration",
    "bcp": "BC Provenance", "bcmc": "BC Multiple Communities", "bccl": "BC Clan",
    "bccb": "BC Open to Collaboration", "bcoc": "BC Open to Commercialization",
    "bcr": "BC Research Use", "bccv": "BC Consent Verified", "bccnv": "BC Consent Non-Verified",
    "bco": "BC Outreach", "bcnc": "BC Non-Commercial",
}  # fmt: skip


def test_all_thirty_labels_ship_with_codes_kinds_and_categories() -> None:
    assert {label.code: label.name for label in LABELS} == EXPECTED
    assert sum(label.kind == "tk" for label in LABELS) == 20
    assert sum(label.kind == "bc" for label in LABELS) == 10
    for label in LABELS:
        assert label.kind == label.code[:2]
        assert label.category in ("provenance", "protocol", "permission")
        assert label.description.endswith(".") and len(label.description) > 20
    # The labels evaluate() acts on have the category their behaviour implies.
    for code in ("tks", "tkwg", "tkmg", "tkmr", "tkwr", "tkcs", "tkss"):
        assert get_label(code).category == "protocol"
    for code in ("tkoc", "tknc", "tkco", "bcoc", "bcr", "bcnc"):
        assert get_label(code).category == "permission"


def test_unknown_label_codes_are_refused() -> None:
    for code in ("tkx", "", "TKS", 3):
        with pytest.raises(ValidationError) as info:
            get_label(code)  # type: ignore[arg-type]
        assert info.value.params["field"] == "labels"
    with pytest.raises(ValidationError):
        check_labels(["tks", "nope"])
    assert check_labels(["tks", "tka", "tks"]) == ("tka", "tks")


def test_customisation_text_translations_and_approval() -> None:
    custom = LabelCustomisation(
        code="tks",
        text="Solo se comparte en tiempo de siembra.",
        translations={"qu": "Tarpuy pachallapi willanchik.", "en": "Shared only at sowing time."},
        approved_by="Asamblea comunitaria",
        approved_on=date(2026, 3, 14),
        hub_project_id="a1b2c3",
    )
    assert custom.text_for("qu_EC") == "Tarpuy pachallapi willanchik."
    assert custom.text_for("en") == "Shared only at sowing time."
    assert custom.text_for("es") == "Solo se comparte en tiempo de siembra."
    assert LabelCustomisation.from_json(custom.to_json()) == custom


@pytest.mark.parametrize(
    "kwargs",
    [
        {"code": "zz"},
        {"code": "tks", "translations": {"not a tag!": "x"}},
        {"code": "tks", "text": "a\x00b"},
        {"code": "tks", "approved_on": "2026-01-01"},
    ],
)
def test_bad_customisations_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        LabelCustomisation(**kwargs)  # type: ignore[arg-type]


def test_customisation_from_json_is_closed() -> None:
    data = LabelCustomisation(code="tka").to_json()
    data["colour"] = "red"
    with pytest.raises(ValidationError):
        LabelCustomisation.from_json(data)


def test_translatable_strings_match_the_data_files() -> None:
    """_msgids.py repeats the data files' English strings for gettext; they must not drift."""
    from_data = [s for label in LABELS for s in (label.name, label.description)]
    assert list(_msgids.LABEL_STRINGS) == from_data
    from_templates = [
        s for code in TEMPLATES for s in (template_info(code).name, template_info(code).summary)
    ]
    assert list(_msgids.TEMPLATE_STRINGS) == from_templates
