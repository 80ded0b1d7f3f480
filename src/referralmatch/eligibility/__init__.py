"""Eligibility: typed rules, the free-text parser, HHS poverty guidelines, and evaluation.

Example:
    >>> from referralmatch.models.client import ClientProfile
    >>> rules = parse("Seniors 60+; Medi-Cal accepted")
    >>> [v.status for v in evaluate(rules, ClientProfile(age=67, insurance=["Medi-Cal"]))]
    ['met', 'met']
"""

from .evaluate import FACTS_READ, AreaCovered, Status, Verdict, evaluate, numeric_bounds, summarize
from .parse import parse, rules_for_service
from .poverty import (
    DEFAULT_YEAR,
    percent_of_poverty,
    poverty_guideline,
    poverty_guidelines,
    region_for_state,
)
from .rules import (
    HARD_CONFIDENCE,
    RULE_ADAPTER,
    AgeRule,
    DiagnosisRule,
    ExclusionRule,
    GenderRule,
    ImmigrationRule,
    IncomeRule,
    InsuranceRule,
    NoRequirement,
    NoRequirementTopic,
    OtherRule,
    ParentingRule,
    PregnancyRule,
    ResidencyRule,
    Rule,
    RuleOrigin,
    SituationRule,
    SobrietyRule,
    VeteranRule,
)

__all__ = [
    "DEFAULT_YEAR",
    "FACTS_READ",
    "HARD_CONFIDENCE",
    "RULE_ADAPTER",
    "AgeRule",
    "AreaCovered",
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
    "Status",
    "Verdict",
    "VeteranRule",
    "evaluate",
    "numeric_bounds",
    "parse",
    "percent_of_poverty",
    "poverty_guideline",
    "poverty_guidelines",
    "region_for_state",
    "rules_for_service",
    "summarize",
]
