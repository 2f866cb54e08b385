"""The fixed vocabularies of LICENSING.md section 2: who asks, what for, what may happen.

The string values are stable codes: they appear in ``terms.json`` inside signed bundles, in the
catalogue and in reason codes, so they must never change. Front ends translate them through
:mod:`tkapp.licensing.text`.
"""

from __future__ import annotations

from enum import StrEnum


class UserClass(StrEnum):
    """Who asks (LICENSING.md section 2), in table order."""

    COMMUNITY = "community"
    NONCOMMERCIAL = "noncommercial"
    PUBLIC_RESEARCH = "public_research"
    COMMONS_ENTERPRISE = "commons_enterprise"
    FOR_PROFIT_RECIPROCAL = "for_profit_reciprocal"
    FOR_PROFIT = "for_profit"


class Purpose(StrEnum):
    """What the knowledge is asked for, in table order."""

    PERSONAL_STUDY = "personal_study"
    EDUCATION = "education"
    RESEARCH = "research"
    PUBLICATION = "publication"
    CONSERVATION = "conservation"
    PRODUCT_DEVELOPMENT = "product_development"
    COMMERCIAL_SALE = "commercial_sale"
    IP_CLAIM = "ip_claim"  # patent or other intellectual-property claim
    REDISTRIBUTION = "redistribution"


class Outcome(StrEnum):
    """The answer to "may I?", from the most permissive to the strictest."""

    ALLOWED = "allowed"
    ALLOWED_WITH_DUTIES = "allowed_with_duties"
    NEEDS_AGREEMENT = "needs_agreement"  # contact the community: fee, royalty or negotiated MAT
    NOT_ALLOWED = "not_allowed"

    @property
    def rank(self) -> int:
        """0 for ``allowed`` up to 3 for ``not_allowed``: a higher rank is stricter."""
        return _OUTCOME_ORDER.index(self)

    @property
    def permits(self) -> bool:
        """True when the use may go ahead now (with or without duties)."""
        return self in (Outcome.ALLOWED, Outcome.ALLOWED_WITH_DUTIES)


_OUTCOME_ORDER: tuple[Outcome, ...] = tuple(Outcome)


def strictest(a: Outcome, b: Outcome) -> Outcome:
    """The stricter of two outcomes (``not_allowed`` beats everything)."""
    return a if a.rank >= b.rank else b


class DutyKind(StrEnum):
    """What a user must do in return for a use (each duty carries parameters)."""

    ATTRIBUTE = "attribute"  # params: text
    SHARE_RESULTS = "share_results"
    NOTIFY_BEFORE_PUBLICATION = "notify_before_publication"  # optional params: days
    NO_IP_CLAIMS = "no_ip_claims"
    NO_REDISTRIBUTION = "no_redistribution"
    BENEFIT_SHARE = "benefit_share"  # params from BenefitSharing
    RESPECT_PROTOCOLS = "respect_protocols"  # params: label and/or group, text
    EXPIRES = "expires"  # params: date


#: Purposes that earn money or exclusive rights. ``ip_claim`` counts: a patent is a
#: commercial monopoly over the knowledge, which is exactly what biopiracy looks like.
COMMERCIAL_PURPOSES: frozenset[Purpose] = frozenset(
    {Purpose.PRODUCT_DEVELOPMENT, Purpose.COMMERCIAL_SALE, Purpose.IP_CLAIM}
)

#: User classes that are for-profit entities.
FOR_PROFIT_CLASSES: frozenset[UserClass] = frozenset(
    {UserClass.FOR_PROFIT_RECIPROCAL, UserClass.FOR_PROFIT}
)


class NonMonetaryBenefit(StrEnum):
    """Non-monetary benefits, after the Nagoya Protocol annex (paragraph 2), in our own codes."""

    SHARE_RESEARCH_RESULTS = "share_research_results"
    RESEARCH_COLLABORATION = "research_collaboration"
    PRODUCT_DEVELOPMENT_PARTICIPATION = "product_development_participation"
    EDUCATION_TRAINING = "education_training"
    ACCESS_TO_FACILITIES = "access_to_facilities"
    TECHNOLOGY_TRANSFER = "technology_transfer"
    CAPACITY_BUILDING = "capacity_building"
    INSTITUTIONAL_CAPACITY = "institutional_capacity"
    ADMINISTRATION_RESOURCES = "administration_resources"
    COMMUNITY_TRAINING = "community_training"
    SCIENTIFIC_INFORMATION = "scientific_information"
    LOCAL_ECONOMY = "local_economy"
    PRIORITY_RESEARCH = "priority_research"
    INSTITUTIONAL_RELATIONSHIPS = "institutional_relationships"
    FOOD_LIVELIHOOD_SECURITY = "food_livelihood_security"
    SOCIAL_RECOGNITION = "social_recognition"
    JOINT_IP_OWNERSHIP = "joint_ip_ownership"
