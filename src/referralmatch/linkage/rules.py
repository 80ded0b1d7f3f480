"""The hand-written pair scorer: readable per-field weights in bits, summed Fellegi–Sunter style.

Each field of a pair gives evidence: it agrees (a positive weight), partly agrees, disagrees (a
negative weight) or is missing on a side (weight 0: missing is never held against a pair). The
weights are log2 likelihood ratios set by hand, and the score is the logistic of their sum plus a
prior: ``score = 1 / (1 + 2 ** -(prior + sum))``. A name that clearly differs outweighs a shared
address and phone, so two programmes of one agency at one address stay two services.

Example:
    >>> from referralmatch.linkage.features import OrgFeatures
    >>> a = OrgFeatures("a1", "harbor house", "harborhouse.org", None, frozenset({"4105550100"}))
    >>> b = OrgFeatures("b1", "harbour house", None, None, frozenset({"4105550100"}))
    >>> pair = score_organizations(a, b)
    >>> round(pair.score, 3), pair.fields("agree"), pair.fields("missing")
    (0.941, ['name', 'phone'], ['website', 'email', 'zip'])
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import fuzz

from ..geo import haversine_km
from .features import LocationFeatures, OrgFeatures, ServiceFeatures
from .pairs import Evidence, PairScore

__all__ = [
    "PRIOR_BITS",
    "distinguishing_words",
    "score_locations",
    "score_organizations",
    "score_services",
]

PRIOR_BITS = {"organization": -6.0, "location": -6.0, "service": -6.0}
"""Log2 prior odds that a candidate pair is a match, per entity type."""


def _logistic_bits(bits: float) -> float:
    return float(1.0 / (1.0 + 2.0 ** (-bits)))


def _pair(entity: str, id_a: str, id_b: str, evidence: list[Evidence]) -> PairScore:
    total = PRIOR_BITS[entity] + sum(e.weight for e in evidence)
    return PairScore(entity, id_a, id_b, _logistic_bits(total), tuple(evidence))


def _missing(field: str) -> Evidence:
    return Evidence(field, "missing", 0.0, "")


def distinguishing_words(a: str, b: str) -> tuple[str, str] | None:
    """A word of each name that the other lacks and that is no typo of it, or None.

    "office of public defender caroline county" and "... calvert county" differ in a word
    (caroline, calvert) too far apart to be a typo; names differing only by typos, or by words
    one side adds, have no distinguishing words.

    >>> distinguishing_words("public defender caroline county", "public defender calvert county")
    ('caroline', 'calvert')
    >>> distinguishing_words("johns hopkins home care", "johns hokpins home care") is None
    True
    >>> distinguishing_words("community agency 7", "community agency 17")
    ('7', '17')
    """
    left = [w for w in a.split() if w not in b.split()]
    right = [w for w in b.split() if w not in a.split()]
    if not left or not right:
        return None
    numbers_l = [w for w in left if any(c.isdigit() for c in w)]
    numbers_r = [w for w in right if any(c.isdigit() for c in w)]
    if numbers_l and numbers_r:  # "district 3" / "district 4": numbers have no typos
        return numbers_l[0], numbers_r[0]
    for word in left:
        best = max(right, key=lambda other: (fuzz.ratio(word, other), other))
        if len(word) >= 3 and fuzz.ratio(word, best) < 70:
            return word, best
    for word in right:
        best = max(left, key=lambda other: (fuzz.ratio(word, other), other))
        if len(word) >= 3 and fuzz.ratio(word, best) < 70:
            return best, word
    return None


def _name(
    a: str | None, b: str | None, *, levels: tuple[float, float, float, float, float]
) -> Evidence:
    """Name evidence; ``levels`` are the weights for >= 97, >= 90, >= 75, >= 60 and below.

    A name that would agree but has :func:`distinguishing_words` gets the ">= 60" weight.
    """
    if not a or not b:
        return _missing("name")
    sim = fuzz.token_sort_ratio(a, b)
    subset = fuzz.token_set_ratio(a, b)
    note = f"name {sim:.0f}"
    if sim >= 75:
        words = distinguishing_words(a, b)
        if words is not None:
            return Evidence("name", "disagree", levels[3], f"{note}; {words[0]} vs {words[1]}")
    if sim >= 97:
        return Evidence("name", "agree", levels[0], note)
    if sim >= 90:
        return Evidence("name", "agree", levels[1], note)
    if sim >= 75 or subset >= 97:
        return Evidence("name", "partial", levels[2], note)
    if sim >= 60:
        return Evidence("name", "disagree", levels[3], note)
    return Evidence("name", "disagree", levels[4], note)


def _exact(field: str, a: str | None, b: str | None, agree: float, disagree: float) -> Evidence:
    if not a or not b:
        return _missing(field)
    if a == b:
        return Evidence(field, "agree", agree, "")
    return Evidence(field, "disagree", disagree, "")


def _overlap(
    field: str, a: frozenset[str], b: frozenset[str], agree: float, disagree: float
) -> Evidence:
    if not a or not b:
        return _missing(field)
    shared = len(a & b)
    if shared:
        return Evidence(field, "agree", agree, f"{shared} shared")
    return Evidence(field, "disagree", disagree, "none shared")


def _text(
    field: str, a: str | None, b: str | None, agree: float, partial: float, disagree: float
) -> Evidence:
    if not a or not b:
        return _missing(field)
    sim = fuzz.ratio(a[:400], b[:400])
    note = f"{field} {sim:.0f}"
    if sim >= 92:
        return Evidence(field, "agree", agree, note)
    if sim >= 75:
        return Evidence(field, "partial", partial, note)
    return Evidence(field, "disagree", disagree, note)


def score_organizations(a: OrgFeatures, b: OrgFeatures) -> PairScore:
    """Score two organizations on name, website, e-mail, phones and the ZIPs they serve."""
    evidence = [
        _name(a.name, b.name, levels=(9.0, 7.0, 3.0, -3.0, -9.0)),
        _exact("website", a.website, b.website, 4.0, -1.0),
        _exact("email", a.email, b.email, 3.0, -0.5),
        _overlap("phone", a.phones, b.phones, 3.0, -1.5),
        _overlap("zip", a.zips, b.zips, 1.0, -2.0),
    ]
    return _pair("organization", a.id, b.id, evidence)


def _distance(a: LocationFeatures, b: LocationFeatures) -> Evidence:
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return _missing("coordinates")
    metres = float(haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)) * 1000.0
    note = f"{metres:.0f} m apart"
    if metres <= 60:
        return Evidence("coordinates", "agree", 3.0, note)
    if metres <= 150:
        return Evidence("coordinates", "agree", 2.0, note)
    if metres <= 500:
        return Evidence("coordinates", "partial", 0.0, note)
    if metres <= 2000:
        return Evidence("coordinates", "disagree", -3.0, note)
    return Evidence("coordinates", "disagree", -6.0, note)


def _street(a: LocationFeatures, b: LocationFeatures) -> Evidence:
    if not a.street or not b.street:
        return _missing("address")
    if a.number and b.number and a.number != b.number:
        return Evidence("address", "disagree", -5.0, "house numbers differ")
    sim = fuzz.ratio(a.street, b.street)
    note = f"street {sim:.0f}"
    if sim >= 97:
        return Evidence("address", "agree", 5.0, note)
    if sim >= 85:
        return Evidence("address", "partial", 3.0, note)
    return Evidence("address", "disagree", -3.0, note)


def score_locations(
    a: LocationFeatures, b: LocationFeatures, *, org_map: Mapping[str, str] | None = None
) -> PairScore:
    """Score two locations on street address, unit, ZIP, distance, name, phones and organization.

    ``org_map`` maps the second source's organization ids to the first's (the organization
    links); a location whose organizations are linked gains, one whose are not loses a little.
    """
    org_map = org_map or {}
    evidence = [
        _street(a, b),
        _exact("unit", a.unit, b.unit, 1.0, -2.0),
        _exact("zip", a.zip5, b.zip5, 1.0, -4.0),
        _distance(a, b),
        _name(a.name, b.name, levels=(5.0, 3.0, 1.0, -1.5, -3.5)),
        _overlap("phone", a.phones, b.phones, 2.0, -0.5),
    ]
    evidence.append(_organization(a.organization_id, b.organization_id, org_map, 2.0, -1.0))
    return _pair("location", a.id, b.id, evidence)


def _organization(
    a: str | None, b: str | None, org_map: Mapping[str, str], agree: float, disagree: float
) -> Evidence:
    """Whether two records' organizations were linked to each other (weights in bits)."""
    if not a or not b:
        return _missing("organization")
    if org_map.get(b) == a:
        return Evidence("organization", "agree", agree, "linked")
    return Evidence("organization", "disagree", disagree, "not linked")


def _locations(a: frozenset[str], b: frozenset[str], location_map: Mapping[str, str]) -> Evidence:
    """Shared locations; a location linked to a different one is strong evidence of two services."""
    if not a or not b:
        return _missing("location")
    mapped = {location_map[i] for i in b if i in location_map}
    if mapped & a:
        return Evidence("location", "agree", 2.0, f"{len(mapped & a)} shared")
    if mapped:
        return Evidence("location", "disagree", -5.0, "linked to other locations")
    return Evidence("location", "disagree", -1.0, "locations not linked")


def score_services(
    a: ServiceFeatures,
    b: ServiceFeatures,
    *,
    org_map: Mapping[str, str] | None = None,
    location_map: Mapping[str, str] | None = None,
) -> PairScore:
    """Score two services on name, organization, locations, description, eligibility, codes, contacts.

    ``org_map`` and ``location_map`` map the second source's organization and location ids to
    the first's. The name dominates: services of one agency share its phone and address.
    """
    org_map = org_map or {}
    location_map = location_map or {}
    evidence = [_name(a.name, b.name, levels=(7.0, 5.0, 1.0, -4.0, -9.0))]
    evidence.append(_organization(a.organization_id, b.organization_id, org_map, 3.0, -4.0))
    evidence.append(_locations(a.location_ids, b.location_ids, location_map))
    evidence.append(_text("description", a.description, b.description, 4.0, 1.5, -2.0))
    evidence.append(_text("eligibility", a.eligibility, b.eligibility, 2.0, 0.5, -1.0))
    if a.codes and b.codes:
        jaccard = len(a.codes & b.codes) / len(a.codes | b.codes)
        note = f"taxonomy overlap {jaccard:.2f}"
        if jaccard >= 0.8:
            evidence.append(Evidence("taxonomy", "agree", 2.0, note))
        elif jaccard >= 0.4:
            evidence.append(Evidence("taxonomy", "partial", 0.5, note))
        else:
            evidence.append(Evidence("taxonomy", "disagree", -2.0, note))
    else:
        evidence.append(_missing("taxonomy"))
    evidence.append(_overlap("phone", a.phones, b.phones, 1.0, -0.5))
    evidence.append(_exact("email", a.email, b.email, 1.0, -0.5))
    return _pair("service", a.id, b.id, evidence)
