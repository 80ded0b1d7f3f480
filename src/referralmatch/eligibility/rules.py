"""Typed eligibility rules: one frozen model per kind of requirement, told apart by ``kind``.

Every rule keeps the directory text it came from (``source_text``), where that text was
(``origin``: the eligibility text, the service description, structured age fields or the
service name) and how
sure the parser was (``confidence`` in [0, 1]). Ages are in completed years and both bounds are inclusive
("under 18" is ``max_age=17``); incomes are US dollars per year.

Example:
    >>> r = AgeRule(min_age=18, source_text="Age 18 or over")
    >>> r.kind, r.describe()
    ('age', 'age 18+')
    >>> RULE_ADAPTER.validate_python({"kind": "veteran"}).describe()
    'veteran status'
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

__all__ = [
    "HARD_CONFIDENCE",
    "RULE_ADAPTER",
    "AgeRule",
    "DiagnosisRule",
    "ExclusionRule",
    "GenderRule",
    "ImmigrationRule",
    "IncomeRule",
    "InsuranceRule",
    "NoRequirement",
    "NoRequirementTopic",
    "OtherRule",
    "ParentingRule",
    "PregnancyRule",
    "ResidencyRule",
    "Rule",
    "RuleOrigin",
    "SituationRule",
    "SobrietyRule",
    "VeteranRule",
]

HARD_CONFIDENCE = 0.5
"""Rules parsed with at least this confidence may exclude a client; weaker ones only warn."""


def _fmt(value: float) -> str:
    return f"{value:g}"


RuleOrigin = Literal["eligibility", "description", "structured", "name"]
"""Where a rule was read: the eligibility text, the service description, or structured fields."""


class _BaseRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source_text: str = ""
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    origin: RuleOrigin = "eligibility"

    @property
    def hard(self) -> bool:
        """True when the rule is sure enough (>= :data:`HARD_CONFIDENCE`) to exclude a client."""
        return self.confidence >= HARD_CONFIDENCE

    def describe(self) -> str:
        """A short readable name for the requirement (service facts only, no client values)."""
        raise NotImplementedError


class AgeRule(_BaseRule):
    """An age range in completed years, inclusive. ``applies_to="dependent"`` means the service
    is for children of that age: a client qualifies through any dependent (or their own age)."""

    kind: Literal["age"] = "age"
    min_age: float | None = Field(default=None, ge=0, le=130)
    max_age: float | None = Field(default=None, ge=0, le=130)
    applies_to: Literal["client", "dependent"] = "client"
    exception_min_age: float | None = Field(default=None, ge=0, le=130)
    exception_max_age: float | None = Field(default=None, ge=0, le=130)
    exception: str | None = None

    @model_validator(mode="after")
    def _bounds(self) -> AgeRule:
        if self.min_age is None and self.max_age is None:
            raise ValueError("an age rule needs min_age or max_age")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError("min_age must not exceed max_age")
        lo, hi = self.exception_min_age, self.exception_max_age
        if lo is not None and (self.min_age is None or lo > self.min_age):
            raise ValueError("exception_min_age must be below min_age")
        if hi is not None and (self.max_age is None or hi < self.max_age):
            raise ValueError("exception_max_age must be above max_age")
        if (lo is not None or hi is not None) != (self.exception is not None):
            raise ValueError("an exception age goes with its condition")
        return self

    @property
    def loosest(self) -> tuple[float | None, float | None]:
        """``(min, max)`` including the exception: the bounds outside which the rule is unmet."""
        lo = self.min_age if self.exception_min_age is None else self.exception_min_age
        hi = self.max_age if self.exception_max_age is None else self.exception_max_age
        return lo, hi

    def describe(self) -> str:
        """E.g. ``"age 18+"``, ``"age 6-18"``, ``"age up to 17"``, ``"children age 0-5"``,
        ``"age 18+ (17 with parent consent)"``."""
        lo, hi = self.min_age, self.max_age
        if lo is not None and hi is not None:
            text = f"age {_fmt(lo)}-{_fmt(hi)}"
        elif lo is not None:
            text = f"age {_fmt(lo)}+"
        else:
            text = f"age up to {_fmt(hi or 0)}"
        if self.exception is not None:
            extra: list[str] = []
            elo, ehi = self.exception_min_age, self.exception_max_age
            if elo is not None:
                extra.append("younger" if elo == 0 else _fmt(elo))
            if ehi is not None:
                extra.append("older" if ehi == 130 else f"up to {_fmt(ehi)}")
            text += f" ({' and '.join(extra)} {self.exception})"
        return ("children " + text) if self.applies_to == "dependent" else text


class GenderRule(_BaseRule):
    """Only some genders served (``allowed``, e.g. ``{"female"}``); ``children_ok`` admits
    children of any gender ("women and children").

    ``excluded`` records a gender the text shuts out ("No men": ``allowed={"female"}``,
    ``excluded={"male"}``); clients of other genders than those named are then judged by the
    provider, as for ``allowed``."""

    kind: Literal["gender"] = "gender"
    allowed: frozenset[str] = Field(min_length=1)
    children_ok: bool = False
    excluded: frozenset[str] = frozenset()

    @model_validator(mode="after")
    def _disjoint(self) -> GenderRule:
        if self.allowed & self.excluded:
            raise ValueError("a gender cannot be both allowed and excluded")
        return self

    def describe(self) -> str:
        """E.g. ``"female only"``, ``"female and children only"`` or ``"no male clients"``."""
        if self.excluded:
            return f"no {' or '.join(sorted(self.excluded))} clients"
        names = " or ".join(sorted(self.allowed))
        return f"{names}{' and children' if self.children_ok else ''} only"


class ResidencyRule(_BaseRule):
    """Must live (or work) in ``area``, as written ("San Mateo County", "California").

    A generic area such as ``"county"`` means the service's own county."""

    kind: Literal["residency"] = "residency"
    area: str = Field(min_length=1)

    def describe(self) -> str:
        """E.g. ``"residency in San Mateo County"``."""
        return f"residency in {self.area}"


class IncomeRule(_BaseRule):
    """An income limit: a percent of the federal poverty guideline, dollars per year, or a
    percent of an area/state median (which cannot be checked offline). With no limit at all it
    is a qualitative "low-income" requirement."""

    kind: Literal["income"] = "income"
    max_percent_fpl: float | None = Field(default=None, gt=0)
    max_annual_income: float | None = Field(default=None, gt=0)
    max_percent_median: float | None = Field(default=None, gt=0)
    year: int | None = None
    requires_income: bool = False
    """The client must have some income ("Must have a source of income", as debt counselling
    and loan programmes ask), not a limit on it."""

    @property
    def qualitative(self) -> bool:
        """True for "low-income" without a stated limit."""
        return (
            not self.requires_income
            and self.max_percent_fpl is None
            and self.max_annual_income is None
            and self.max_percent_median is None
        )

    def describe(self) -> str:
        """E.g. ``"income up to 200% FPL"``, ``"low income"`` or ``"has an income"``."""
        if self.requires_income:
            return "has an income"
        parts = []
        if self.max_percent_fpl is not None:
            parts.append(f"{_fmt(self.max_percent_fpl)}% FPL")
        if self.max_annual_income is not None:
            parts.append(f"${self.max_annual_income:,.0f}/year")
        if self.max_percent_median is not None:
            parts.append(f"{_fmt(self.max_percent_median)}% of median income")
        return "income up to " + " or ".join(parts) if parts else "low income"


class VeteranRule(_BaseRule):
    """Veterans only; ``discharge`` notes a discharge requirement; ``family_ok`` admits
    spouses, survivors or family members too. ``excluded`` turns it round: veterans are not
    served ("Not for veterans")."""

    kind: Literal["veteran"] = "veteran"
    discharge: str | None = None
    family_ok: bool = False
    excluded: bool = False

    @model_validator(mode="after")
    def _shape(self) -> VeteranRule:
        if self.excluded and (self.family_ok or self.discharge):
            raise ValueError("a rule excluding veterans has no discharge or family terms")
        return self

    def describe(self) -> str:
        """E.g. ``"veteran status"``, or ``"not for veterans"`` when ``excluded``."""
        if self.excluded:
            return "not for veterans"
        return "veteran status" + (" (or veteran's family)" if self.family_ok else "")


class InsuranceRule(_BaseRule):
    """Insurance kinds the service takes (medicaid, medicare, private, uninsured, ...).

    ``required`` False ("Medi-Cal accepted") only says what is taken; True ("Medi-Cal members")
    means the client must have one of them."""

    kind: Literal["insurance"] = "insurance"
    accepted: frozenset[str] = Field(min_length=1)
    required: bool = False

    def describe(self) -> str:
        """E.g. ``"insurance: medicaid"``."""
        return "insurance: " + " or ".join(sorted(self.accepted))


class ImmigrationRule(_BaseRule):
    """Immigration statuses served (citizen, permanent_resident, refugee, asylee, siv,
    undocumented, work_authorized); ``allowed=None`` when the text names none clearly."""

    kind: Literal["immigration"] = "immigration"
    allowed: frozenset[str] | None = None

    def describe(self) -> str:
        """E.g. ``"immigration status: asylee or refugee"``."""
        if not self.allowed:
            return "immigration status requirement"
        return "immigration status: " + " or ".join(sorted(self.allowed))


class SobrietyRule(_BaseRule):
    """Must be sober (for ``days`` days when stated; 0 = detoxed)."""

    kind: Literal["sobriety"] = "sobriety"
    days: int | None = Field(default=None, ge=0)

    def describe(self) -> str:
        """E.g. ``"sober 30 days"``."""
        return f"sober {self.days} days" if self.days else "sobriety"


class DiagnosisRule(_BaseRule):
    """A diagnosis or condition the client must have (``text`` as written; several conditions
    joined by " or " are alternatives)."""

    kind: Literal["diagnosis"] = "diagnosis"
    text: str = Field(min_length=1)

    def describe(self) -> str:
        """E.g. ``"condition: serious mental illness"``."""
        return f"condition: {self.text}"


class PregnancyRule(_BaseRule):
    """Must be pregnant."""

    kind: Literal["pregnancy"] = "pregnancy"

    def describe(self) -> str:
        """``"pregnancy"``."""
        return "pregnancy"


class ParentingRule(_BaseRule):
    """Must be a family with a child (up to ``max_child_age`` years, inclusive, when stated);
    ``pregnant_ok`` also admits a pregnant client ("pregnant or parenting"). ``excluded`` turns
    it round: families with children are not served ("No children")."""

    kind: Literal["parenting"] = "parenting"
    max_child_age: float | None = Field(default=None, ge=0)
    pregnant_ok: bool = False
    excluded: bool = False

    @model_validator(mode="after")
    def _shape(self) -> ParentingRule:
        if self.excluded and (self.pregnant_ok or self.max_child_age is not None):
            raise ValueError("a rule excluding children has no child age or pregnancy terms")
        return self

    def describe(self) -> str:
        """E.g. ``"pregnant or parenting"``, ``"family with a child up to 17"``,
        ``"pregnant or a family with a child up to 3"``, ``"no children"``."""
        if self.excluded:
            return "no children"
        if self.pregnant_ok and self.max_child_age is not None:
            return f"pregnant or a family with a child up to {_fmt(self.max_child_age)}"
        if self.pregnant_ok:
            return "pregnant or parenting"
        if self.max_child_age is not None:
            return f"family with a child up to {_fmt(self.max_child_age)}"
        return "family with children"


NoRequirementTopic = Literal[
    "age", "gender", "income", "residency", "veteran", "insurance", "immigration",
    "documentation", "referral", "appointment", "sobriety", "diagnosis",
]  # fmt: skip
"""What an explicit "no ... requirement" is about."""


class NoRequirement(_BaseRule):
    """The text says anyone may use the service ("None", "Open to all"), or, with ``about``,
    that there is explicitly no requirement of one kind ("No income requirement", "No ID
    required": ``about="documentation"``, "Veterans and non-veterans welcome": ``"veteran"``)."""

    kind: Literal["none"] = "none"
    about: NoRequirementTopic | None = None

    def describe(self) -> str:
        """``"no requirement"``, or e.g. ``"no income requirement"``."""
        return f"no {self.about} requirement" if self.about else "no requirement"


class SituationRule(_BaseRule):
    """The client must be in one of ``situations`` (keys of the human-situations vocabulary,
    :mod:`referralmatch.needs.situations`: homeless, dv_survivor, reentry, ...), e.g.
    "Homeless or at risk of homelessness". ``text`` is the phrase as written."""

    kind: Literal["situation"] = "situation"
    situations: frozenset[str] = Field(min_length=1)
    text: str = ""

    def describe(self) -> str:
        """E.g. ``"situation: at risk of homelessness or experiencing homelessness"``."""
        from ..needs.situations import situations  # the vocabulary's labels, read at call time

        labels = {s.key: s.label.lower() for s in situations()}
        return "situation: " + " or ".join(sorted(labels.get(k, k) for k in self.situations))


class ExclusionRule(_BaseRule):
    """People the service does not take ("Except registered sex offenders"): ``text`` as
    written, and ``situation`` when it names one of the situations vocabulary."""

    kind: Literal["exclusion"] = "exclusion"
    text: str = Field(min_length=1)
    situation: str | None = None

    def describe(self) -> str:
        """E.g. ``"not for registered sex offenders"`` (text shortened to 60 characters)."""
        text = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        return f"not for {text}"


class OtherRule(_BaseRule):
    """A requirement the parser did not understand; ``text`` is the clause as written."""

    kind: Literal["other"] = "other"
    text: str = ""

    def describe(self) -> str:
        """``"other requirement: <text>"`` (text shortened to 80 characters)."""
        text = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        return f"other requirement: {text}" if text else "other requirement"


Rule = Annotated[
    AgeRule | GenderRule | ResidencyRule | IncomeRule | VeteranRule | InsuranceRule
    | ImmigrationRule | SobrietyRule | DiagnosisRule | PregnancyRule | ParentingRule
    | SituationRule | ExclusionRule | NoRequirement | OtherRule,
    Field(discriminator="kind"),
]  # fmt: skip
"""Any rule; pydantic picks the class from ``kind``."""

RULE_ADAPTER: TypeAdapter[Rule] = TypeAdapter(Rule)
"""Validates or dumps one :data:`Rule` from/to a mapping or JSON (dispatching on ``kind``)."""
