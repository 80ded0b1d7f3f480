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
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..models.client import ClientProfile
from ..models.results import EligibilityNote
from .poverty import DEFAULT_YEAR, percent_of_poverty, region_for_state
from .rules import (
    AgeRule,
    DiagnosisRule,
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
    SobrietyRule,
    VeteranRule,
)

__all__ = ["AreaCovered", "Status", "Verdict", "evaluate", "numeric_bounds", "summarize"]

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
_LOW_INCOME_PERCENT_FPL = 200.0  # a "low-income" client is one at or under 200% FPL (met, else unknown)


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


def _fits(age: float, rule: AgeRule) -> bool:
    years = math.floor(age)  # ages compare in completed years
    return (rule.min_age is None or years >= rule.min_age) and (
        rule.max_age is None or years <= rule.max_age
    )


def _age(rule: AgeRule, client: ClientProfile, on: date | None) -> tuple[Status, str]:
    own = client.age_on(on)
    if rule.applies_to == "client":
        if own is None:
            return "unknown", "age unknown"
        return ("met", "met") if _fits(own, rule) else ("unmet", "not met")
    if own is not None and _fits(own, rule):
        return "met", "met"
    if client.dependents_ages is None:
        return "unknown", "children's ages unknown"
    if any(_fits(a, rule) for a in client.dependents_ages):
        return "met", "met by a child in the household"
    return "unmet", "not met"


def _gender(rule: GenderRule, client: ClientProfile, on: date | None) -> tuple[Status, str]:
    if rule.children_ok:
        own = client.age_on(on)
        if own is not None and own < 18:
            return "met", "met (child)"
    if client.gender is None:
        return "unknown", "gender unknown"
    identity = _IDENTITY.get(client.gender)
    if identity is None:
        return "unknown", "check with the provider"
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
    if income is None:
        return "unknown", "income unknown"
    if rule.max_annual_income is not None and income <= rule.max_annual_income:
        return "met", "met"
    if rule.max_percent_fpl is not None or rule.qualitative:
        limit = rule.max_percent_fpl if rule.max_percent_fpl is not None else _LOW_INCOME_PERCENT_FPL
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
    if client.veteran is None:
        return "unknown", "unknown"
    if client.veteran:
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
        return "unknown", "immigration status unknown"
    if rule.allowed is None or status not in _KNOWN_IMMIGRATION:
        return "unknown", "check with the provider"
    return ("met", "met") if status in rule.allowed else ("unmet", "not met")


def _parenting(rule: ParentingRule, client: ClientProfile) -> tuple[Status, str]:
    kids = client.dependents_ages
    if kids and any(rule.max_child_age is None or math.floor(a) <= rule.max_child_age for a in kids):
        return "met", "met"
    if rule.pregnant_ok and client.pregnant:
        return "met", "met (pregnant)"
    if kids is None:
        return "unknown", "children unknown"
    if rule.pregnant_ok and client.pregnant is None:
        return "unknown", "pregnancy unknown"
    return "unmet", "not met"


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
        if client.pregnant is None:
            return "unknown", "pregnancy unknown"
        return ("met", "met") if client.pregnant else ("unmet", "not met")
    if isinstance(rule, ParentingRule):
        return _parenting(rule, client)
    if isinstance(rule, NoRequirement):
        return "met", "met"
    if isinstance(rule, SobrietyRule | DiagnosisRule):
        return "unknown", "not in the profile; check with the provider"
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
    - ``sobriety_required``, ``pregnancy_required``, ``parenting_required`` (bool).

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
    }  # fmt: skip

    def tighter(key: str, value: float | None, pick: Callable[[float, float], float]) -> None:
        if value is not None:
            out[key] = value if out[key] is None else pick(out[key], value)

    genders: frozenset[str] | None = None
    children_ok = True
    for rule in hard:
        if isinstance(rule, AgeRule):
            prefix = "" if rule.applies_to == "client" else "dependent_"
            tighter(prefix + "min_age", rule.min_age, max)
            tighter(prefix + "max_age", rule.max_age, min)
        elif isinstance(rule, IncomeRule):
            if rule.max_percent_fpl is not None and rule.max_annual_income is None:
                if out["max_percent_fpl"] is None or rule.max_percent_fpl < out["max_percent_fpl"]:
                    out["income_year"] = rule.year
                tighter("max_percent_fpl", rule.max_percent_fpl, min)
            if rule.max_annual_income is not None and rule.max_percent_fpl is None:
                tighter("max_annual_income", rule.max_annual_income, min)
        elif isinstance(rule, VeteranRule) and not rule.family_ok:
            out["veteran_required"] = True
        elif isinstance(rule, GenderRule):
            genders = rule.allowed if genders is None else genders & rule.allowed
            children_ok = children_ok and rule.children_ok
        elif isinstance(rule, SobrietyRule):
            out["sobriety_required"] = True
        elif isinstance(rule, PregnancyRule):
            out["pregnancy_required"] = True
        elif isinstance(rule, ParentingRule):
            out["parenting_required"] = True
    if genders is not None:
        out["genders"] = genders
        out["genders_children_ok"] = children_ok
    return out
