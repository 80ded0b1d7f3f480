"""Judging eligibility rules against one client: met, unmet or unknown, with readable reasons.

This is the slow, obviously-correct reference the matcher's packed arrays must agree with:
:func:`numeric_bounds` gives the hard numeric limits the index packs, with the same meaning.
Reasons name the requirement (service facts) and whether it is met, never the client's values.

A rule that would be unmet but was parsed with low confidence (below
:data:`~referralmatch.eligibility.rules.HARD_CONFIDENCE`) is reported as unknown: it lowers the
score instead of excluding.

Example:
    >>> from datetime import date
    >>> from referralmatch.models.client import ClientProfile
    >>> from referralmatch.eligibility.parse import parse
    >>> client = ClientProfile(age=34, annual_income=18_000, household_size=2)
    >>> verdicts = evaluate(parse("Age 18 or over; income below 200% FPL; veterans only"), client)
    >>> [v.reason for v in verdicts]
    ['age 18+: met', 'income up to 200% FPL: met', 'veteran status: unknown']
    >>> summarize(verdicts)
    ('unknown', 0.679)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..models.client import ClientProfile
from ..models.results import EligibilityNote
from .poverty import DEFAULT_YEAR, LOW_INCOME_PERCENT_FPL, percent_of_poverty, region_for_state
from .rules import (
    AgeRule,
    DiagnosisRule,
    ExclusionRule,
    GenderRule,
    ImmigrationRule,
    IncomeRule,
    InsuranceRule,
    NoRequirement,
    OtherRule,
    ParentingRule,
    PregnancyRule,
    ResidencyRule,
    Rule,
    SituationRule,
    SobrietyRule,
    VeteranRule,
)

__all__ = [
    "FACTS_READ",
    "AreaCovered",
    "Status",
    "Verdict",
    "evaluate",
    "numeric_bounds",
    "summarize",
]

Status = Literal["met", "unmet", "unknown"]
AreaCovered = Callable[[str], "bool | None"]
"""``area_covered(area_text) -> True | False | None``: does the client live in that area?"""

_KNOWN_IMMIGRATION = frozenset(
    {"citizen", "permanent_resident", "refugee", "asylee", "siv", "undocumented", "work_authorized"}
)
_IDENTITY = {
    "female": "female", "transgender female": "female",
    "male": "male", "transgender male": "male",
}  # fmt: skip

FACTS_READ: dict[str, tuple[str, ...]] = {
    "age": ("age", "date_of_birth", "dependents_ages", "household_size", "pregnant", "situations"),
    "gender": ("gender", "age", "date_of_birth", "household_size"),
    "residency": ("location",),
    "income": ("annual_income", "household_size", "location", "situations"),
    "veteran": ("veteran", "situations"),
    "insurance": ("insurance",),
    "immigration": ("immigration_status", "situations"),
    "sobriety": ("situations",),
    "diagnosis": ("situations",),
    "pregnancy": ("pregnant", "situations"),
    "parenting": ("dependents_ages", "household_size", "pregnant", "situations"),
    "situation": ("situations", "veteran", "pregnant"),
    "exclusion": ("situations", "veteran", "pregnant"),
    "none": (),
    "other": (),
}
"""Rule kind -> the :class:`ClientProfile` fields :func:`evaluate` reads to judge a rule of that
kind (nothing else of the client is read). Clients equal on these fields get the same verdicts
for the same rule, given the same ``year``, ``area_covered`` answer (residency reads the client's
place only through it) and ``on`` date (ages from ``date_of_birth`` depend on it).

>>> FACTS_READ["parenting"]
('dependents_ages', 'household_size', 'pregnant', 'situations')
"""

# Conditions a diagnosis rule names -> the situations that show the client has one of them.
_CONDITION_SITUATIONS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"mental (?:illness|health)|\bs?p?mi\b|psychiatric|co-?occurring", re.I),
     ("serious_mental_illness",)),
    (re.compile(r"\bhiv\b|\baids\b", re.I), ("hiv",)),
    (re.compile(r"substance|addiction|alcohol|drug|opioid|co-?occurring", re.I), ("in_recovery",)),
    (re.compile(r"deaf|hard of hearing", re.I), ("deaf_or_hard_of_hearing",)),
    (re.compile(r"disabilit|disabled|disabling|blind|visually impaired|autism|brain injur", re.I),
     ("disability", "deaf_or_hard_of_hearing")),
)  # fmt: skip


class Verdict(BaseModel):
    """One rule judged against one client. ``reason`` is readable and holds no client values."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: Rule
    status: Status
    reason: str

    @property
    def kind(self) -> str:
        """The rule's kind, e.g. ``"age"``."""
        return self.rule.kind

    def note(self) -> EligibilityNote:
        """This verdict as the :class:`~referralmatch.models.results.EligibilityNote` a Match holds."""
        return EligibilityNote(kind=self.kind, status=self.status, reason=self.reason)


def _within(age: float, lo: float | None, hi: float | None) -> bool:
    years = math.floor(age)  # ages compare in completed years
    return (lo is None or years >= lo) and (hi is None or years <= hi)


def _fits(age: float, rule: AgeRule) -> bool:
    return _within(age, rule.min_age, rule.max_age)


def _fits_exception(age: float, rule: AgeRule) -> bool:
    return rule.exception is not None and _within(age, *rule.loosest)


def _no_children(client: ClientProfile) -> bool:
    """A household of one with no dependents listed: evidence that no child comes along."""
    return client.household_size == 1 and not client.dependents_ages


MINORS_MAX_AGE = 18
"""A client age range that ends by this age and admits children under
:data:`TEENS_MIN_AGE` is a children's service's ("Ages 3-5", "6-12", "8-18"): asked for by an
adult who lists children, it is met by a child that fits (a Head Start's ages are the child's,
not the parent's)."""
TEENS_MIN_AGE = 12
"""A range of teenagers only ("12-17", "13-17": runaway shelters, group homes) stays the
client's own: such places take the teenager, not the parent who asks."""


def _for_a_child(rule: AgeRule, client: ClientProfile, own: float | None) -> bool:
    """Whether a client age rule is, for this client, about the children they list: the range
    ends by :data:`MINORS_MAX_AGE`, admits children under :data:`TEENS_MIN_AGE`, and the client
    is an adult with ``dependents_ages``."""
    return (
        rule.max_age is not None
        and rule.max_age <= MINORS_MAX_AGE
        and (rule.min_age or 0) < TEENS_MIN_AGE
        and own is not None
        and own >= MINORS_MAX_AGE
        and bool(client.dependents_ages)
    )


def _age(rule: AgeRule, client: ClientProfile, on: date | None) -> tuple[Status, str]:
    own = client.age_on(on)
    if rule.applies_to == "client" and not _for_a_child(rule, client, own):
        if own is None:
            return "unknown", "age unknown"
        if _fits(own, rule):
            return "met", "met"
        if _fits_exception(own, rule):
            return "unknown", f"met only {rule.exception}"
        if _cared_for_senior(rule, client):
            return "unknown", "may be met by the person cared for"
        return "unmet", "not met"
    if own is not None and _fits(own, rule):
        return "met", "met"
    kids = client.dependents_ages
    if kids and any(_fits(a, rule) for a in kids):
        return "met", "met by a child in the household"
    if (own is not None and _fits_exception(own, rule)) or (
        kids and any(_fits_exception(a, rule) for a in kids)
    ):
        return "unknown", f"met only {rule.exception}"
    if kids is None and not _no_children(client) and not _minor_without_children(client, own):
        return "unknown", "children's ages unknown"
    return "unmet", "not met"


CARED_FOR_MIN_AGE = 60
"""A client age rule from this age up is a senior service's: a carer may be arranging it."""


def _cared_for_senior(rule: AgeRule, client: ClientProfile) -> bool:
    """Whether a carer's unmet age rule is a senior one (from :data:`CARED_FOR_MIN_AGE` up, no
    upper bound) that the older person they care for may meet: a daughter of 52 arranging a
    nursing home "for adults 60 and over" for her mother. The cared-for person's age is not in
    the profile, so the rule is unknown, not unmet (as a child's age rule is met by a child in
    the household)."""
    return (
        client.has_situation("caregiver") is True
        and rule.min_age is not None
        and rule.min_age >= CARED_FOR_MIN_AGE
        and rule.max_age is None
    )


def _minor_without_children(client: ClientProfile, own: float | None) -> bool:
    """A minor not known to be a parent (or pregnant) brings no child of their own: the rest
    of a 15-year-old's household is the family she lives with, not her children."""
    return (
        own is not None
        and own < 18
        and not client.has_situation("parenting")
        and not client.has_situation("pregnant")
    )


def _gender(rule: GenderRule, client: ClientProfile, on: date | None) -> tuple[Status, str]:
    if rule.children_ok and client.household_size != 1:
        # "women and children": children who come with a parent, not a minor on their own
        own = client.age_on(on)
        if own is not None and own < 18:
            return "met", "met (child)"
    if client.gender is None:
        return "unknown", "gender unknown"
    identity = _IDENTITY.get(client.gender)
    if identity is None:
        return "unknown", "check with the provider"
    if identity in rule.excluded:
        return "unmet", "not met"
    return ("met", "met") if identity in rule.allowed else ("unmet", "not met")


def _residency(rule: ResidencyRule, area_covered: AreaCovered | None) -> tuple[Status, str]:
    if area_covered is None:
        return "unknown", "not checked"
    covered = area_covered(rule.area)
    if covered is None:
        return "unknown", "client's area unknown"
    return ("met", "met") if covered else ("unmet", "not met")


def _income(rule: IncomeRule, client: ClientProfile, year: int) -> tuple[Status, str]:
    income = client.annual_income
    if rule.requires_income:
        if income is None:
            return "unknown", "income unknown"
        return ("met", "met") if income > 0 else ("unmet", "not met (no income)")
    if income is None:
        if rule.qualitative and client.has_situation("low_income"):
            return "met", "met (low income)"
        return "unknown", "income unknown"
    if rule.max_annual_income is not None and income <= rule.max_annual_income:
        return "met", "met"
    if rule.max_percent_fpl is not None or rule.qualitative:
        limit = rule.max_percent_fpl if rule.max_percent_fpl is not None else LOW_INCOME_PERCENT_FPL
        rule_year = rule.year or year
        state = client.state
        size = client.household_size
        # Percent of poverty falls as the household grows and is lowest in Alaska, so an unknown
        # household size is judged as 1 (met is then certain) and an unknown state as contiguous.
        percent = percent_of_poverty(income, size or 1, rule_year, region_for_state(state))
        if percent <= limit:
            return "met", "met"
        if rule.qualitative:
            return "unknown", "income above the usual low-income line; check with the provider"
        if size is None:
            return "unknown", "household size unknown"
        if state is None and percent_of_poverty(income, size, rule_year, "alaska") <= limit:
            return "unknown", "state unknown"
        return "unmet", "not met"
    if rule.max_percent_median is not None:
        return "unknown", "median-income limit not checked"
    return "unmet", "not met"


def _veteran(rule: VeteranRule, client: ClientProfile) -> tuple[Status, str]:
    veteran = client.has_situation("veteran")  # the veteran field, else the situations list
    if veteran is None:
        return "unknown", "unknown"
    if rule.excluded:
        return ("unmet", "not met") if veteran else ("met", "met")
    if veteran:
        return "met", "met" + (f" (discharge: {rule.discharge}, not checked)" if rule.discharge else "")
    if rule.family_ok:
        return "unknown", "a veteran's family member may qualify"
    return "unmet", "not met"


def _insurance(rule: InsuranceRule, client: ClientProfile) -> tuple[Status, str]:
    if client.insurance is None:
        return "unknown", "insurance unknown"
    held = set(client.insurance)
    if held & rule.accepted:
        return "met", "met"
    if not rule.required:
        return "unknown", "client's insurance not listed; check cost"
    if "underinsured" in rule.accepted and held - {"uninsured"}:
        return "unknown", "may count as underinsured"
    return "unmet", "not met"


def _immigration(rule: ImmigrationRule, client: ClientProfile) -> tuple[Status, str]:
    status = client.immigration_status
    if status is None:
        if rule.allowed and "refugee" in rule.allowed and client.has_situation("refugee"):
            return "met", "met (refugee)"
        return "unknown", "immigration status unknown"
    if rule.allowed is None or status not in _KNOWN_IMMIGRATION:
        return "unknown", "check with the provider"
    return ("met", "met") if status in rule.allowed else ("unmet", "not met")


def _parenting(rule: ParentingRule, client: ClientProfile) -> tuple[Status, str]:
    kids = client.dependents_ages
    parent = client.has_situation("parenting")
    if rule.excluded:
        if kids or parent:
            return "unmet", "not met (children in the household)"
        if kids is not None or _no_children(client):
            return "met", "met"
        return "unknown", "children unknown"
    if kids and any(rule.max_child_age is None or math.floor(a) <= rule.max_child_age for a in kids):
        return "met", "met"
    pregnant = client.has_situation("pregnant")
    if rule.pregnant_ok and pregnant:
        return "met", "met (pregnant)"
    if rule.pregnant_ok and pregnant is None and (kids is None or not kids):
        if kids is None and parent is None and not _no_children(client):
            return "unknown", "children unknown"
        return "unknown", "pregnancy unknown"
    if kids is None and _no_children(client):
        return "unmet", "not met (household of one)"
    if kids is None and parent:
        if rule.max_child_age is not None:
            return "unknown", "parent; children's ages unknown"
        return "met", "met (parent)"
    if kids is None:
        return "unknown", "children unknown"
    return "unmet", "not met"


def _pregnancy(client: ClientProfile) -> tuple[Status, str]:
    pregnant = client.has_situation("pregnant")  # the pregnant field, else the situations list
    if pregnant is None:
        return "unknown", "pregnancy unknown"
    return ("met", "met") if pregnant else ("unmet", "not met")


def _sobriety(client: ClientProfile) -> tuple[Status, str]:
    if client.has_situation("in_recovery"):
        return "met", "met (in recovery; sober time not checked)"
    return "unknown", "not in the profile; check with the provider"


def _condition_situations(text: str) -> tuple[str, ...]:
    keys: list[str] = []
    for pattern, situations in _CONDITION_SITUATIONS:
        if pattern.search(text):
            keys.extend(situations)
    return tuple(dict.fromkeys(keys))


def _diagnosis(rule: DiagnosisRule, client: ClientProfile) -> tuple[Status, str]:
    if any(client.has_situation(k) for k in _condition_situations(rule.text)):
        return "met", "met (from the client's situations)"
    return "unknown", "not in the profile; check with the provider"


def _situation(rule: SituationRule, client: ClientProfile) -> tuple[Status, str]:
    if any(client.has_situation(k) for k in sorted(rule.situations)):
        return "met", "met"
    return "unknown", "situation unknown"


def _exclusion(rule: ExclusionRule, client: ClientProfile) -> tuple[Status, str]:
    if rule.situation is not None and client.has_situation(rule.situation):
        return "unmet", "not met"
    return "unknown", "check with the provider"


def _judge(
    rule: Rule, client: ClientProfile, year: int, on: date | None, area: AreaCovered | None
) -> tuple[Status, str]:
    if isinstance(rule, AgeRule):
        return _age(rule, client, on)
    if isinstance(rule, GenderRule):
        return _gender(rule, client, on)
    if isinstance(rule, ResidencyRule):
        return _residency(rule, area)
    if isinstance(rule, IncomeRule):
        return _income(rule, client, year)
    if isinstance(rule, VeteranRule):
        return _veteran(rule, client)
    if isinstance(rule, InsuranceRule):
        return _insurance(rule, client)
    if isinstance(rule, ImmigrationRule):
        return _immigration(rule, client)
    if isinstance(rule, PregnancyRule):
        return _pregnancy(client)
    if isinstance(rule, ParentingRule):
        return _parenting(rule, client)
    if isinstance(rule, NoRequirement):
        return "met", "met"
    if isinstance(rule, SobrietyRule):
        return _sobriety(client)
    if isinstance(rule, DiagnosisRule):
        return _diagnosis(rule, client)
    if isinstance(rule, SituationRule):
        return _situation(rule, client)
    if isinstance(rule, ExclusionRule):
        return _exclusion(rule, client)
    assert isinstance(rule, OtherRule)
    return "unknown", "check with the provider"


def evaluate(
    rules: Iterable[Rule],
    client: ClientProfile,
    *,
    year: int = DEFAULT_YEAR,
    on: date | None = None,
    area_covered: AreaCovered | None = None,
) -> list[Verdict]:
    """Judge each rule against ``client``: one :class:`Verdict` per rule, in order.

    ``year`` is the poverty-guideline year for income rules that name none; ``on`` the date
    ages are taken on (default today); ``area_covered(area_text)`` says whether the client lives
    in an area (True/False/None) — geography is the matcher's, so without it residency is
    unknown. Unknown client facts give "unknown", never "unmet". Age rules for children are met
    when the client or any dependent is of that age.

    >>> from referralmatch.eligibility.rules import AgeRule, VeteranRule
    >>> client = ClientProfile(age=16, veteran=False)
    >>> [(v.status, v.reason) for v in evaluate([AgeRule(min_age=18), VeteranRule()], client)]
    [('unmet', 'age 18+: not met'), ('unmet', 'veteran status: not met')]
    """
    verdicts = []
    for rule in rules:
        status, detail = _judge(rule, client, year, on, area_covered)
        if status == "unmet" and not rule.hard:
            status, detail = "unknown", "probably not met (unclear rule)"
        verdicts.append(Verdict(rule=rule, status=status, reason=f"{rule.describe()}: {detail}"))
    return verdicts


def summarize(verdicts: Sequence[Verdict]) -> tuple[Status, float]:
    """Overall status (unmet if any rule is, else unknown if any is, else met) and a certainty
    in [0, 1]: the share of rules met, each weighted by its parse confidence (1.0 for no rules).

    >>> summarize([])
    ('met', 1.0)
    """
    if not verdicts:
        return "met", 1.0
    statuses = {v.status for v in verdicts}
    overall: Status = "unmet" if "unmet" in statuses else "unknown" if "unknown" in statuses else "met"
    total = sum(v.rule.confidence for v in verdicts)
    if total > 0:
        certainty = sum(v.rule.confidence for v in verdicts if v.status == "met") / total
    else:
        certainty = sum(v.status == "met" for v in verdicts) / len(verdicts)
    return overall, round(certainty, 3)


def numeric_bounds(rules: Iterable[Rule]) -> dict[str, Any]:
    """The hard (excluding) numeric limits in ``rules``, for packing into index arrays.

    Only rules with ``confidence >= HARD_CONFIDENCE`` count, since only they can make
    :func:`evaluate` say "unmet". Several rules of a kind combine as all must hold. Keys:

    - ``min_age``, ``max_age``: client age bounds in completed years, inclusive (or None);
    - ``dependent_min_age``, ``dependent_max_age``: children's age bounds (met by the client's
      own age or any dependent's);
    - ``max_percent_fpl`` (and ``income_year``, None = the evaluation year), ``max_annual_income``
      (USD/year): income limits; None when absent;
    - ``veteran_required``: a veteran-only rule without family members (bool);
    - ``genders``: frozenset of genders served ("female", "male"), or None; with
      ``genders_children_ok`` when children of any gender are served too;
    - ``sobriety_required``, ``pregnancy_required``, ``parenting_required`` (bool);
    - ``veteran_excluded``, ``parenting_excluded``: veterans, or families with children, are not
      served (bool).

    Age bounds include any exception ("18+ (17 with parent consent)" gives ``min_age`` 17): an
    age the exception may admit is unknown, not unmet. A client range that ends by
    :data:`MINORS_MAX_AGE` stays in ``min_age``/``max_age`` although :func:`evaluate` judges it
    on the children an adult client lists (a children's service asked for by a parent).

    >>> from referralmatch.eligibility.parse import parse
    >>> b = numeric_bounds(parse("Women 18+; income below 200% FPL"))
    >>> b["min_age"], b["max_percent_fpl"], sorted(b["genders"]), b["veteran_required"]
    (18.0, 200.0, ['female'], False)
    """
    hard = [r for r in rules if r.hard]
    out: dict[str, Any] = {
        "min_age": None, "max_age": None, "dependent_min_age": None, "dependent_max_age": None,
        "max_percent_fpl": None, "income_year": None, "max_annual_income": None,
        "veteran_required": False, "genders": None, "genders_children_ok": False,
        "sobriety_required": False, "pregnancy_required": False, "parenting_required": False,
        "veteran_excluded": False, "parenting_excluded": False,
    }  # fmt: skip

    def tighter(key: str, value: float | None, pick: Callable[[float, float], float]) -> None:
        if value is not None:
            out[key] = value if out[key] is None else pick(out[key], value)

    genders: frozenset[str] | None = None
    children_ok = True
    for rule in hard:
        if isinstance(rule, AgeRule):
            prefix = "" if rule.applies_to == "client" else "dependent_"
            lo, hi = rule.loosest  # an age the exception admits is not excluded
            tighter(prefix + "min_age", lo, max)
            tighter(prefix + "max_age", hi, min)
        elif isinstance(rule, IncomeRule):
            if rule.max_percent_fpl is not None and rule.max_annual_income is None:
                if out["max_percent_fpl"] is None or rule.max_percent_fpl < out["max_percent_fpl"]:
                    out["income_year"] = rule.year
                tighter("max_percent_fpl", rule.max_percent_fpl, min)
            if rule.max_annual_income is not None and rule.max_percent_fpl is None:
                tighter("max_annual_income", rule.max_annual_income, min)
        elif isinstance(rule, VeteranRule) and rule.excluded:
            out["veteran_excluded"] = True
        elif isinstance(rule, VeteranRule) and not rule.family_ok:
            out["veteran_required"] = True
        elif isinstance(rule, GenderRule):
            genders = rule.allowed if genders is None else genders & rule.allowed
            children_ok = children_ok and rule.children_ok
        elif isinstance(rule, SobrietyRule):
            out["sobriety_required"] = True
        elif isinstance(rule, PregnancyRule):
            out["pregnancy_required"] = True
        elif isinstance(rule, ParentingRule) and rule.excluded:
            out["parenting_excluded"] = True
        elif isinstance(rule, ParentingRule):
            out["parenting_required"] = True
    if genders is not None:
        out["genders"] = genders
        out["genders_children_ok"] = children_ok
    return out
