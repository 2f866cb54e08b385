"""English source strings of the shipped data files, marked for translation.

``data/labels.json`` and ``data/templates.json`` are read at run time; gettext extraction
only sees Python, so their names and descriptions are repeated here inside ``N_()``.
``tests/unit/licensing/test_labels.py`` fails if this list and the data files drift apart.
"""

from __future__ import annotations

from tkapp.i18n import N_

TEMPLATE_STRINGS: tuple[str, ...] = (
    # Translators: name of a built-in terms template (cbrl).
    N_("Reciprocity (CBRL)"),
    # Translators: summary of the "Reciprocity (CBRL)" terms template.
    N_(
        "Free use inside the commons, with credit and shared results. For-profit users "
        "contribute back under a benefit-sharing agreement, or agree terms with the community"
        " first."
    ),
    # Translators: name of a built-in terms template (noncommercial_research).
    N_("Non-commercial research only"),
    # Translators: summary of the "Non-commercial research only" terms template.
    N_(
        "Study, teaching, research and conservation are allowed with credit and shared "
        "results. Every commercial use is refused."
    ),
    # Translators: name of a built-in terms template (community_only).
    N_("Community use only"),
    # Translators: summary of the "Community use only" terms template.
    N_(
        "Only members of the community may use this knowledge. Nobody outside the community "
        "may use it."
    ),
    # Translators: name of a built-in terms template (open_attribution).
    N_("Open with attribution"),
    # Translators: summary of the "Open with attribution" terms template.
    N_(
        "Anyone may use this knowledge for any purpose if they credit the community. Nobody "
        "may claim patents or other rights over it."
    ),
    # Translators: name of a built-in terms template (custom).
    N_("Custom"),
    # Translators: summary of the "Custom" terms template.
    N_(
        "Terms written by the community. This starting table lets the community use its "
        "knowledge and asks everyone else to agree terms first."
    ),
)

LABEL_STRINGS: tuple[str, ...] = (
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Attribution"),
    # Translators: default description of the TK Attribution label.
    N_(
        "Name the community and the people the community asks you to name whenever you use "
        "this knowledge."
    ),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Clan"),
    # Translators: default description of the TK Clan label.
    N_("A particular clan holds this knowledge and decides how it is used."),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Family"),
    # Translators: default description of the TK Family label.
    N_("A particular family looks after this knowledge; ask them before using it in a new way."),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Multiple Communities"),
    # Translators: default description of the TK Multiple Communities label.
    N_(
        "Several communities share responsibility for this knowledge; no one community speaks"
        " for it alone."
    ),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Community Voice"),
    # Translators: default description of the TK Community Voice label.
    N_("The community wants its own account of this knowledge to travel with it."),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Creative"),
    # Translators: default description of the TK Creative label.
    N_("Community members made or adapted this work; their creative part is recognised."),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Verified"),
    # Translators: default description of the TK Verified label.
    N_("The community has checked this knowledge and agrees with how it is presented."),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Non-Verified"),
    # Translators: default description of the TK Non-Verified label.
    N_(
        "The community has not checked this knowledge; it may be incomplete or told in a way "
        "the community would not choose."
    ),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Seasonal"),
    # Translators: default description of the TK Seasonal label.
    N_("Parts of this knowledge may only be heard, shown or used at certain times of the year."),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Women General"),
    # Translators: default description of the TK Women General label.
    N_("This is mainly women's knowledge; it may be shared, with respect for who holds it."),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Men General"),
    # Translators: default description of the TK Men General label.
    N_("This is mainly men's knowledge; it may be shared, with respect for who holds it."),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Men Restricted"),
    # Translators: default description of the TK Men Restricted label.
    N_("Only certain men may see or use this knowledge; it never leaves that circle."),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Women Restricted"),
    # Translators: default description of the TK Women Restricted label.
    N_("Only certain women may see or use this knowledge; it never leaves that circle."),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Culturally Sensitive"),
    # Translators: default description of the TK Culturally Sensitive label.
    N_(
        "The community treats this knowledge with special care; ask before sharing it and "
        "present it respectfully."
    ),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Secret / Sacred"),
    # Translators: default description of the TK Secret / Sacred label.
    N_(
        "This knowledge is secret or sacred; it stays within the community and is never "
        "shared outside."
    ),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Open to Commercialization"),
    # Translators: default description of the TK Open to Commercialization label.
    N_(
        "The community may agree to commercial use, as a full partner in the agreement and "
        "its benefits."
    ),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Non-Commercial"),
    # Translators: default description of the TK Non-Commercial label.
    N_("This knowledge must not be used to make money."),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Community Use Only"),
    # Translators: default description of the TK Community Use Only label.
    N_("Only the community may use this knowledge."),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Outreach"),
    # Translators: default description of the TK Outreach label.
    N_("The community welcomes use of this knowledge for teaching and public awareness."),
    # Translators: name of a Local Contexts label; keep the "TK" prefix.
    N_("TK Open to Collaboration"),
    # Translators: default description of the TK Open to Collaboration label.
    N_("The community would like to work together with researchers and others on this knowledge."),
    # Translators: name of a Local Contexts label; keep the "BC" prefix.
    N_("BC Provenance"),
    # Translators: default description of the BC Provenance label.
    N_(
        "These plants, animals, samples or data come from the lands and waters of the "
        "community, which keeps rights and responsibilities over them."
    ),
    # Translators: name of a Local Contexts label; keep the "BC" prefix.
    N_("BC Multiple Communities"),
    # Translators: default description of the BC Multiple Communities label.
    N_(
        "Several communities share rights and responsibilities over these biological "
        "materials or data."
    ),
    # Translators: name of a Local Contexts label; keep the "BC" prefix.
    N_("BC Clan"),
    # Translators: default description of the BC Clan label.
    N_(
        "A particular clan holds rights and responsibilities over these biological materials "
        "or data."
    ),
    # Translators: name of a Local Contexts label; keep the "BC" prefix.
    N_("BC Open to Collaboration"),
    # Translators: default description of the BC Open to Collaboration label.
    N_(
        "The community would like to take part in research that uses these biological "
        "materials or data."
    ),
    # Translators: name of a Local Contexts label; keep the "BC" prefix.
    N_("BC Open to Commercialization"),
    # Translators: default description of the BC Open to Commercialization label.
    N_(
        "The community may agree to commercial use of these biological materials or data, as "
        "a full partner."
    ),
    # Translators: name of a Local Contexts label; keep the "BC" prefix.
    N_("BC Research Use"),
    # Translators: default description of the BC Research Use label.
    N_("These biological materials or data may be used for research, never for commercial ends."),
    # Translators: name of a Local Contexts label; keep the "BC" prefix.
    N_("BC Consent Verified"),
    # Translators: default description of the BC Consent Verified label.
    N_(
        "The community gave informed consent for these biological materials or data to be "
        "collected and used as described."
    ),
    # Translators: name of a Local Contexts label; keep the "BC" prefix.
    N_("BC Consent Non-Verified"),
    # Translators: default description of the BC Consent Non-Verified label.
    N_(
        "There is no record that the community consented to the collection or use of these "
        "biological materials or data."
    ),
    # Translators: name of a Local Contexts label; keep the "BC" prefix.
    N_("BC Outreach"),
    # Translators: default description of the BC Outreach label.
    N_(
        "The community welcomes use of these biological materials or data for teaching and "
        "public awareness."
    ),
    # Translators: name of a Local Contexts label; keep the "BC" prefix.
    N_("BC Non-Commercial"),
    # Translators: default description of the BC Non-Commercial label.
    N_("These biological materials or data must not be used to make money."),
)
