"""Reading eligibility prose from real directories into typed rules, and a service's rule list.

:func:`parse` splits the text into clauses (at ``;`` and sentence ends), runs a fixed series of
pattern readers over each clause (no requirement, varies, income, parenting, age, gender,
veteran, sobriety, insurance, immigration, diagnosis, residency, low income), and turns any
words left unread into an :class:`~referralmatch.eligibility.rules.OtherRule`. Clauses that
hedge ("for most programs", "priority", "or ...") give rules of lower confidence, which do not
exclude a client on their own. It never raises on any text.

Example:
    >>> [r.describe() for r in parse("Low-income San Mateo County resident, age 55 or over")]
    ['age 55+', 'residency in San Mateo County', 'low income']
    >>> [(r.kind, r.confidence) for r in parse("Varies according to program")]
    [('other', 0.2)]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from ..models.directory import Service
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

__all__ = ["description_eligibility", "parse", "rules_for_service", "rules_key"]

_I = re.IGNORECASE
_MAX_TEXT = 5_000  # characters read; directory eligibility text is a sentence or two

# ---------------------------------------------------------------------------------------------
# Patterns
# ---------------------------------------------------------------------------------------------

_NONE_ALL = re.compile(
    r"^\W*(?:none|n/?a|no|nothing|no (?:eligibility )?(?:requirements?|restrictions?|criteria)"
    r"|open to (?:all|everyone|anyone|(?:the )?(?:general )?public|all ages|any residents?)|everyone(?: is)? welcome"
    r"|all (?:are )?welcome|any(?:one| age)|all ages|everyone|all|(?:the )?(?:general )?public)\W*$", _I)  # fmt: skip
_NONE_PREFIX = re.compile(
    r"^\W*(?:none|no (?:eligibility )?(?:requirements?|restrictions?)|open to (?:all|everyone|anyone|(?:the )?(?:general )?public(?!\s+(?:housing|school)))"
    r"|everyone(?: is)? welcome|all (?:are )?welcome|any age|all ages)\b", _I)  # fmt: skip
_NEGATED = re.compile(
    r"\bregardless of\b|\b(?:is |are )?not required\b|\bno \w+(?: \w+)? (?:needed|required|necessary)\b"
    r"|\b(?:do|does)(?: not|n't) (?:have|need) to be\b",  # "Client does not have to be drug-free"
    _I,
)
_VARIES = re.compile(
    r"\b(?:var(?:y|ies|iable|ying)|depends? on|differs?|determined by|case[- ]by[- ]case"
    r"|call (?:for|to (?:ask|check|confirm))|contact (?:us|the|program))\b", _I)  # fmt: skip
_QUALIFIER = re.compile(
    r"\bfor\s+(?:\w+\s+){0,2}(?:programs?|services?|assistance|classes|meals?)\b|\bfor emergency\b"
    r"|\bpriority\b|\bpreferr?ed\b|\bpreference\b|\bespecially\b|\bencouraged\b|\bin some cases\b"
    r"|\bto (?:obtain|get|receive|borrow)\b|,\s*or\b(?!\s+(?:go to|attend) school|\s+worship|\s+\d{5}\b)|;\s*or\b|\bor other\b"
    # a named part's requirements ("St. Clare Outreach services are for low-income persons")
    r"|\b(?!(?:our|the|all|these|its|their|such|other)\s)\w+\s+(?:services|programs?|programmes?|clinics?)\s+(?:are|is)\s+for\b",
    _I)  # fmt: skip

_FPL = r"(?:f\.?p\.?[lg]\.?|federal poverty (?:level|line|guidelines?|limits?)|(?:the )?poverty (?:level|line|guidelines?))"
_BELOW = r"(?:at or (?:below|under)|below|under|less than|up to|not (?:to )?exceed(?:ing)?|no (?:more|greater) than|within|<=?|≤)"
_INCOME_FPL = [
    re.compile(rf"{_BELOW}\s*(\d{{1,3}}(?:\.\d+)?)\s*(?:%|percent)\s*(?:of\s+)?(?:the\s+)?{_FPL}", _I),
    re.compile(rf"(?:{_BELOW}\s*)?(\d{{1,3}}(?:\.\d+)?)\s*(?:%|percent)\s*(?:of\s+)?(?:the\s+)?{_FPL}(?:\s*(?:or|and)\s*(?:below|under|less))?", _I),
]  # fmt: skip
_INCOME_MEDIAN = re.compile(
    rf"(?:{_BELOW}\s*)?"
    r"(\d{1,3}(?:\.\d+)?)\s*(?:%|percent)\s*(?:of\s+)?(?:the\s+)?(?:(?:area|state|county|regional)\s+median(?:\s+(?:family\s+|household\s+)?income)?|AMI|SMI|MFI|AMFI)\b",
    _I,
)
_INCOME_WORD = re.compile(r"\b(?:income|earn(?:s|ings)?|salary|wages?|make|makes)\b", _I)
_DOLLARS = re.compile(
    rf"{_BELOW}\s*\$\s?(\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?\s*(k\b)?"
    r"\s*(per month|a month|/\s*mo(?:nth)?\b|monthly|per year|a year|/\s*y(?:ea)?r\b|annually|yearly)?",
    _I,
)
_LOW_INCOME = re.compile(
    r"\b(?:low[- ]income|low (?:or|and|to) (?:no|moderate) income|no or low income|limited income|very low income"
    r"|income[- ](?:eligible|qualified|qualifying|guidelines|limits?|requirements?|qualifications?)"
    r"|(?:certain|meet) income (?:qualifications|requirements|guidelines)|financial need"
    r"|economically disadvantaged|living in poverty|in poverty|indigen(?:t|ce|cy)"
    r"|(?<!\bno )(?<!have )no income(?!\s+(?:restrictions?|limit\w*|requirements?|guidelines|criteria|qualifications?)))\b", _I)  # fmt: skip

_PREGNANT_OR_PARENTING = re.compile(
    r"\bpregnant\s+(?:and/or|or|and)\s+parenting\b|\bparenting\s+(?:and/or|or|and)\s+(?:pregnant|expectant)\b"
    r"|\bpregnant\s+(?:women|people|persons|individuals|teens)?\s*(?:and/or|or|and)\s+(?:mothers|parents|women with (?:young )?children)\b"
    r"|\b(?:famil(?:y|ies)|households?)\s+(?:that\s+)?(?:includ(?:e|es|ing)|with)\s+(?:a\s+)?(?:minor\s+|dependent\s+)?child(?:ren)?"
    r"\s+or\s+(?:a\s+)?pregnant\s+(?:females?|wom[ae]n|persons?|people|individuals|members?)\b",
    _I,
)  # fmt: skip
_PREGNANT = re.compile(r"\b(?:pregnant|pregnancy|expectant|expecting)\b", _I)
_CHILD_WORD = r"(?:child(?:ren)?|kids?|bab(?:y|ies)|infants?|toddlers?|minors?|newborns?|youth)"
_FAMILY_WITH = re.compile(
    r"\b(?:families|family|parents?|households?|caregivers?|guardians?|adults?|mothers?|fathers?|women|men)"
    r"\s+(?:with|of|raising|caring for|who have)\s+(?:(?:a|an|at least one|one or more|minor|dependent|young|small"
    rf"|their|school-age|school age|custodial)\s+)*{_CHILD_WORD}"
    r"(?:\s+(?:(under|below|younger than)|(up to|aged? up to))\s+(?:the\s+)?(?:age\s+(?:of\s+)?)?(\d{1,2})\b)?",
    _I,
)  # fmt: skip
_CUSTODY = re.compile(r"\bcustody of (?:a |an |their )?(?:minor |dependent )?(?:child(?:ren)?|minors?)\b", _I)
_PARENTING = re.compile(r"\b(?:parenting|single (?:mothers|fathers|parents)|custodial parents?)\b", _I)
_KINSHIP = re.compile(
    r"\b(?:kinship care(?:givers?)?|relative caregivers?|(?:grand)?parents raising(?: (?:their )?grandchildren)?"
    r"|(?:grand)?children (?:being )?raised by (?:relatives|grandparents|caregivers))\b", _I)  # fmt: skip
"""Kinship care: relatives raising a child, a family with children (not a carer of an adult)."""
_CAREGIVER_WORD = re.compile(r"\bcare ?givers?\b", _I)

_NUM = r"(?<![\d$,.])(\d{1,3})(?!\s*(?:%|percent|,\d|\.\d))"
_TO = r"\s*(?:-|to|through|thru)\s*"
_POPULATION = (
    r"(?:children|child|kids|youths?|teens?|adolescents|adults?|seniors?|persons?|people|individuals"
    r"|students|boys|girls|women|men|infants|babies|toddlers|participants|clients|elders)"
)
_AGE_RANGE = [
    re.compile(rf"\bbetween\s+(?:the\s+)?ages?\s+(?:of\s+)?{_NUM}\s+and\s+{_NUM}", _I),
    # "between 5 and 11 years of age": the unit word makes the pair an age range
    re.compile(
        rf"\bbetween\s+{_NUM}\s+and\s+{_NUM}\s*(?:years?|yrs?\.?)(?:\s+(?:old|of age))?", _I
    ),
    re.compile(rf"\b(?:ages?|aged)\s*:?\s*{_NUM}{_TO}{_NUM}(?:\s*(?:years?|yrs?\.?)(?:\s+(?:old|of age))?)?", _I),
    re.compile(rf"^\W*from\s+{_NUM}{_TO}{_NUM}\s*(?:years?|yrs?\.?)(?:\s+(?:old|of age))?", _I),  # "Age: from 0 to 120 years"
    re.compile(rf"\b{_POPULATION},?\s+{_NUM}{_TO}{_NUM}(?:\s*(?:years?|yrs?\.?)(?:\s+(?:old|of age))?)?\b", _I),
    re.compile(rf"{_NUM}{_TO}{_NUM}[\s-]*(?:years?|yrs?\.?)[\s-]+(?:olds?|of age)\b", _I),
    # two ages named as a pair ("Children, ages 3 & 4"): the range they span
    re.compile(rf"\b(?:ages?|aged)\s*:?\s*{_NUM}\s*(?:&|and|or)\s*{_NUM}"
               r"(?!\s*(?:days?|weeks?|months?|%|percent|\+|(?:years?|yrs?\.?)?\s*(?:and|or)\s+(?:over|older|up|under|younger)))"
               r"(?:\s*(?:years?|yrs?\.?)(?:\s+(?:old|of age))?)?", _I),
]
_AGE_MIN = [
    re.compile(
        rf"(?:\b(?:ages?|aged)\s+)?{_NUM}\s*(?:\+|(?:years?|yrs?\.?)\s*(?:of age\s*|old\s*)?(?:\+|(?:and|or)\s+(?:over|older|above|up)\b)"
        r"|(?:and|or)\s+(?:over|older|above|up)\b)", _I),
    re.compile(
        rf"\b(?:over|older than|above|at least|minimum(?: age)?(?: of)?)\s+(?:the\s+)?(?:age\s+(?:of\s+)?)?{_NUM}"
        r"(?!\s*(?:days?|weeks?|months?|hours?|times|%|percent|years?(?!\s+(?:old|of age))))\b", _I),
]  # fmt: skip
_AGE_MAX = [
    re.compile(rf"\b(?:(under|below|younger than|less than)|(up to))\s+(?:the\s+)?age\s+(?:of\s+)?{_NUM}", _I),
    re.compile(
        rf"\b(?:ages?|aged|{_POPULATION})\s+(?:(under|below|younger than)|(up to))\s+{_NUM}"
        r"(?!\s*(?:days?|weeks?|months?|hours?|%|percent))\b", _I),
    re.compile(rf"(?:\b(?:ages?|aged)\s+)?{_NUM}\s*(?:years?\s*(?:old\s*)?)?(?:and|or)\s+(?:under|younger|below)\b()()", _I),
]  # fmt: skip
_CHILD_BEFORE = re.compile(
    r"\b(?:children|child|kids|infants|babies|toddlers|preschoolers|sons|daughters|grandchildren)"
    r"(?:\s+and\s+\w+)?[\s,:]*(?:(?:aged?|ages)\s*)?$",
    _I,
)
_FOR_FAMILY = re.compile(
    r"\band (?:their|your) (?:famil(?:y|ies)|caregivers?|parents?|guardians?)\b|\band famil(?:y|ies)\b"
    r"|\bparents (?:of|and guardians of)\b|\bcaregivers of\b",
    _I,
)
_NO_CHILDREN = re.compile(r"\bno (?:children|kids|minors|youth)\b", _I)
_ADULT = re.compile(r"(?<!older )(?<!young )\badults?\b", _I)
_SENIOR = re.compile(r"\b(?:seniors?|senior citizens?|older adults?|elders?|elderly)\b", _I)
_CHILD_CONTEXT = re.compile(
    r"\b(?:child(?:ren)?|kids?|youth|minors?|students?|teens?|grades?|adolescents?|juveniles?|infants?"
    r"|toddlers?|bab(?:y|ies))\b", _I)

_FEMALE = re.compile(r"\b(?:women|woman|females?|girls?|mothers?|ladies|moms?)\b", _I)
_MALE = re.compile(r"\b(?:men|man|males?|boys?|fathers?|dads?)\b", _I)
_WITH_CHILDREN = re.compile(r"\b(?:and|with) (?:their )?(?:children|kids|child|infants)\b", _I)
_ONLY = re.compile(r"\bonly\b", _I)

_VETERAN = re.compile(r"\b(?:veterans?|vets|military service members?|service members?|ex-military)\b", _I)
_DISCHARGE = re.compile(
    r"\b(?:other than dishonorabl[ey](?: discharged?)?|honorabl[ey] discharged|(?:an? )?(?:honorable|general) discharge|dd[- ]?214)\b",
    _I,
)
_VET_FAMILY = re.compile(r"\b(?:spouses?|survivors?|widows?|widowers?|dependents?|famil(?:y|ies)|caregivers?)\b", _I)

_SOBER = re.compile(
    r"\b(?:clean and sober|sober|sobriety|abstinent|abstinence|detox(?:ed|ified)?"
    r"|(?:drug|alcohol)(?:-?\s*(?:/|and|or|&)\s*(?:drug|alcohol))?[- ]free)\b"
    r"|(?:(?<=\bbe )|(?<=\bbeen )|(?<=\bdays )|(?<=\bweeks )|(?<=\bmonths )|(?<=\byears ))clean\b", _I
)
_DURATION = re.compile(r"\b(\d{1,4})\s*(days?|weeks?|months?)\b", _I)

_ANY_INSURANCE = "any"
"""The kind a requirement to have some insurance gives ("Must have insurance"): every insured kind."""
_INSURED = frozenset({"medicaid", "medicare", "private", "va/tricare"})
_INSURANCE = [
    (re.compile(r"\b(?:medi-cal|medi cal|(?-i:MediCal|MEDI-CAL)|medicaid|masshealth|apple health|tenncare|soonercare|chip)\b", _I), "medicaid"),
    (re.compile(r"\bmedicare\b", _I), "medicare"),
    (re.compile(r"\b(?:private|commercial|employer|most) (?:health )?insurance\b|\bprivate plans?\b|\bprivate\b(?=[^;.]*\binsurance\b)", _I), "private"),
    (re.compile(r"\b(?:uninsured|no (?:health )?insurance|without (?:health )?insurance|self-?pay)\b", _I), "uninsured"),
    (re.compile(r"\bunderinsured\b", _I), "underinsured"),
    (re.compile(r"\b(?:tricare|va health(?: ?care)?)\b", _I), "va/tricare"),
    (re.compile(r"(?-i:\bMedical Assistance\b)|(?<=insurance or )medical assistance\b"
                r"|(?:(?<=receiving )|(?<=have )|(?<=has ))medical assistance\b", _I), "medicaid"),  # Medicaid's name in Maryland and Pennsylvania
    (re.compile(r"\b(?:must (?:have|carry|be covered by) (?:(?:some|any) )?(?:form of )?(?:health |medical )?insurance(?: coverage)?"
                r"|must be insured|insured (?:patients|clients|persons|individuals) only)\b", _I), _ANY_INSURANCE),
]  # fmt: skip
_ACCEPTS = re.compile(r"\baccept(?:s|ed)?\b|\btakes?\b|\btaken\b|\bbill(?:s|ed|ing)?\b|\bwelcome\b", _I)

_WORK_AUTHORIZED = frozenset({"citizen", "permanent_resident", "refugee", "asylee", "siv", "work_authorized"})
_NON_CITIZEN = frozenset({"permanent_resident", "refugee", "asylee", "siv", "undocumented", "work_authorized"})
_IMMIGRATION: list[tuple[re.Pattern[str], frozenset[str]]] = [
    (re.compile(r"\brefugees?\b", _I), frozenset({"refugee"})),
    (re.compile(r"\b(?:asylees?|asylum(?:[- ]seekers?| grantees?)?)\b", _I), frozenset({"asylee"})),
    (re.compile(r"\b(?:SIV(?: holders?)?|special immigrant visas?(?: holders?)?)\b", _I), frozenset({"siv"})),
    (re.compile(r"\b(?:(?:legal |lawful )?permanent residents?|green card(?: holders?)?|LPRs?)\b", _I), frozenset({"permanent_resident"})),
    (re.compile(r"(?<!senior )(?<!senior-)\b(?:(?:U\.?S\.? )?citizens?(?:hip)?)\b", _I), frozenset({"citizen"})),
    (re.compile(r"\bundocumented\b", _I), frozenset({"undocumented"})),
    (re.compile(r"\b(?:authorized to work|work authori[sz]ation|eligible to work|legally (?:able|eligible|permitted) to work)(?: in the (?:United States|U\.?S\.?))?", _I), _WORK_AUTHORIZED),
    (re.compile(r"\b(?:lawfully present|legal (?:immigration )?status|(?:qualified|legal|lawful) (?:immigrants?|aliens?)|legal residents?)\b", _I), _WORK_AUTHORIZED),
    (re.compile(r"(?<!legal )(?<!lawful )(?<!qualified )\b(?:immigrants?|newcomers|foreign[- ]born|new americans)\b", _I), _NON_CITIZEN),
]  # fmt: skip

_DIAGNOSIS = re.compile(
    r"\b(?:serious (?:and persistent )?mental illness(?:es)?|severe (?:and persistent )?mental illness(?:es)?|SPMI|SMI"
    r"|mental illness(?:es)?|mental health (?:challenges|conditions?|diagnos[ie]s|disorders?|issues|needs)"
    r"|co-?occurring (?:disorders?|conditions?)|substance use disorders?|(?:alcohol|drug|opioid) (?:use disorders?|addiction|dependence)"
    r"|addictions?|alcoholi(?:c|cs|sm)|HIV(?:/AIDS)?|AIDS|dementia|alzheimer'?s(?: disease)?"
    r"|(?:developmental|intellectual|physical|psychiatric|learning) disabilit(?:y|ies)|disabilit(?:y|ies)|disabled|disabling condition"
    r"|memory (?:or|and) sensory loss|deaf|hard of hearing|blind(?:ness)?|visually impaired|autism|brain injur(?:y|ies)"
    r"|chronic (?:illness|disease|conditions?)|medically fragile|terminal(?:ly)? ill(?:ness)?|cancer)\b", _I)  # fmt: skip
_FAMILY_OF = re.compile(
    r"\b(?:family members?|families|caregivers?|loved ones|relatives|parents|friends)\b[^;.]*\b(?:of|with|caring for)\b",
    _I,
)

_RESIDENCY_FORWARD = re.compile(
    r"(?:(?<=\d)\+|\b(?i:residents?|residing|resides?|residence|live|lives|living|work|works|working|located|tenants"
    r"|renters|homeowners|households|families|people|persons|individuals|seniors|adults|youth))"
    r"(?:\s+(?i:and/or|and|or)\s+(?i:work|works|reside|resides|live|lives))?\s+(?P<prep>(?i:of|in|within))\s+"
    r"(?P<area>(?:the\s+)?[^;.]+?)"
    r"(?=\s+(?:to|who|with|age[sd]?|for|that|if|under|over|and\s+(?:be|are|have|has|must|willing|able))\b"
    r"|,\s*(?:[a-z]|\d)|[;.]|\s*$)",
)  # case-sensitive on purpose: place names are capitalised  # fmt: skip
_RESIDENT_WORD = re.compile(r"\b(?:residents?|tenants)\b", _I)
_ZIP_LIST = r"\d{5}(?:\s*(?:,|/|&|\band\b|\bor\b)\s*(?:(?:and|or)\s+)?\d{5})*"
_ZIP_RESIDENCY = re.compile(
    r"\b(?:live|lives|living|reside|resides|residing|residents?|resident)\s+(?:in|of|within)\s+(?:the\s+)?"
    rf"(?:(?:zip|postal)\s*codes?\s*:?\s*(?P<before>{_ZIP_LIST})"
    rf"|(?P<after>{_ZIP_LIST})\s+(?:zip|postal)\s*codes?)(?!\d)",
    _I,
)
"""Residence in listed ZIP codes ("Must live in 94110 or 94103 zip code", "Must be a resident of
zip code 21216"): the area is the ZIP list, which service-area matching reads."""


def _zip_area(m: re.Match[str]) -> str:
    """The ZIP codes of a :data:`_ZIP_RESIDENCY` match as a list ("94110, 94103")."""
    return ", ".join(re.findall(r"\d{5}", m.group("before") or m.group("after")))
_AREA_CONNECT = frozenset({"and", "of", "the", "&"})
_AREA_WORDS = frozenset(
    {"county", "city", "south", "north", "east", "west", "central", "rural", "unincorporated",
     "southern", "northern", "eastern", "western", "greater", "downtown"}
)  # fmt: skip
_AREA_BLOCK = frozenset(
    {"low-income", "low", "income", "homeless", "senior", "seniors", "adult", "adults", "youth",
     "women", "men", "veterans", "veteran", "all", "any", "must", "current", "older", "eligible",
     "local", "permanent", "legal", "lawful", "be", "a", "an", "new", "former", "formerly",
     "long-term", "full-time", "area", "public", "housing", "family", "families"}
)  # fmt: skip

# Negations and exceptions: explicit "no ... requirement", people shut out, age exceptions.
_TOPICS: tuple[tuple[str, str], ...] = (
    ("income", r"(?:proof of |verification of )?(?:income|financial)(?: (?:verification|documentation|levels?|test(?:ing)?|screening|status))?|means[- ]test(?:ing)?|incomes|(?:the )?ability to pay"),
    ("age", r"age(?:s)?(?: (?:limits?|requirements?|restrictions?|range))?"),
    ("gender", r"genders?|sex(?:es)?(?! offend)"),
    ("residency", r"(?:proof of )?(?:residency|residence|address)|zip codes?|where (?:you|they|one) li?ves?|county of residence|geographic (?:area|boundar(?:y|ies))|service area"),
    ("veteran", r"veteran(?:s|'s)?(?: status)?|military (?:status|service)|discharge(?: status| papers)?|dd[- ]?214"),
    ("insurance", r"(?:health |medical )?insurance(?: coverage| status)?|coverage|medicaid|medi-cal"),
    ("immigration", r"immigration(?: status)?|citizenship(?: status)?|legal status|documentation status|(?:us |u\.s\. )?citizen(?:ship)?"),
    ("documentation", r"(?:photo |picture |state |government[- ]issued )?(?:id|i\.d\.|identification)(?: cards?)?|documents?|documentation|paperwork|papers|proof|ssn|social security (?:numbers?|cards?)|birth certificates?"),
    ("referral", r"(?:a |professional |doctor'?s? |physician )?referrals?"),
    ("appointment", r"(?:an )?appointments?"),
    ("sobriety", r"sobriety|clean time|abstinence|(?:to )?be (?:clean and )?sober|sober"),
    ("diagnosis", r"(?:a |formal |mental health )?diagnos[ie]s|medical records"),
)  # fmt: skip
_TOPIC = "(?:" + "|".join(f"(?P<t_{k}_{i}>{v})" for i, (k, v) in enumerate(_TOPICS)) + ")"
_TOPIC_RE = re.compile(rf"\b{_TOPIC}\b", _I)
_TOPIC_ONLY = "(?:" + "|".join(v for _, v in _TOPICS) + ")"
_REQ_WORD = (
    r"(?:required|needed|necessary|requirements?|restrictions?|limits?|limitations?|criteria"
    r"|checks?|verification|test(?:ing)?|asked|requested|screening|guidelines|qualifications"
    r"|eligibility|rules|caps?|barriers?)"
)
_NO_TOPIC = [
    # "No income requirement", "No proof of income required", "No ID needed", "no age limit"
    re.compile(rf"\bno\s+(?:(?:formal|specific|strict|minimum|maximum|upper|lower)\s+)?{_TOPIC}\s+(?:is\s+|are\s+)?{_REQ_WORD}\b", _I),
    # "Insurance not required", "Income is not a factor", "Sobriety is not required"
    re.compile(rf"\b{_TOPIC}\s+(?:is\s+|are\s+)?(?:not\s+(?:required|needed|necessary|a (?:factor|requirement|barrier|consideration)|considered|checked|asked|requested)|never asked)\b", _I),
    # "regardless of income or immigration status", "without regard to age, gender"
    re.compile(rf"\b(?:regardless of|without regard (?:to|for)|irrespective of|no matter (?:your|their|what))\s+(?:(?:your|their|one's|a person's|client's)\s+)?{_TOPIC}(?:\s*(?:,|/|\bor\b|\band\b|,\s*or|,\s*and)\s*(?:(?:your|their)\s+)?{_TOPIC_ONLY})*", _I),
    # "You don't need insurance", "do not need to be a veteran", "does not require a referral"
    re.compile(rf"\b(?:do(?:es)?\s*(?:not|n't)|dont|doesnt)\s+(?:need|require|have)\s+(?:to\s+(?:have|be|show|provide|bring)\s+)?(?:an?\s+|any\s+)?{_TOPIC}", _I),
    # "open to all genders", "all ages welcome", "any income", "all income levels"
    re.compile(r"\b(?:(?:open|available)\s+to\s+|serv(?:es|ing)\s+)?(?:all|any)\s+(?P<t_gender_x>gender identit(?:y|ies)|genders?)(?:\s+(?:are\s+)?welcome)?\b", _I),
    re.compile(r"\bno\s+(?:minimum|maximum|upper|lower)\s+(?:(?P<t_age_x>age)|(?P<t_income_y>income))(?:\s+(?:limit|requirement|restriction)s?)?\b", _I),
    re.compile(r"\b(?:(?:open|available)\s+to\s+|serv(?:es|ing)\s+)?(?:all|any)\s+(?P<t_age_y>ages?)(?:\s+(?:are\s+)?welcome)?\b", _I),
    re.compile(r"\b(?:(?:open|available)\s+to\s+|serv(?:es|ing)\s+)?(?:all|any)\s+(?P<t_income_x>income levels|incomes?)(?:\s+(?:are\s+)?welcome)?\b", _I),
]  # fmt: skip
_BOTH_WELCOME: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bveterans?\s+(?:and|or|&|/)\s+non-?\s?veterans?\b|\bnon-?\s?veterans?\s+(?:and|or|&|/)\s+veterans?\b", _I), "veteran"),
    (re.compile(r"\b(?:insured\s+(?:and|or|&|/)\s+(?:un|under)insured|(?:un|under)insured\s+(?:and|or|&|/)\s+insured)\b(?:\s+(?:alike|welcome))?", _I), "insurance"),
    (re.compile(r"\b(?:documented\s+(?:and|or|&|/)\s+undocumented|undocumented\s+(?:and|or|&|/)\s+documented|citizens?\s+(?:and|or|&|/)\s+non-?\s?citizens?)\b", _I), "immigration"),
    (re.compile(r"\bresidents?\s+(?:and|or|&|/)\s+non-?\s?residents?\b", _I), "residency"),
    (re.compile(r"\b(?:both\s+)?(?:men\s+and\s+women|women\s+and\s+men|males?\s+and\s+females?|females?\s+and\s+males?)\s+(?:are\s+)?(?:welcome|eligible|accepted|served)\b|\bboth\s+(?:men\s+and\s+women|males?\s+and\s+females?)\b", _I), "gender"),
]  # fmt: skip

_WHO_MEN = r"men|males?|boys|fathers"
_WHO_WOMEN = r"women|females?|girls|mothers"
_WHO_VETS = r"veterans?|vets"
_WHO_KIDS = r"children|kids|families with children|families"
_WHO_MINORS = r"minors|(?:anyone|persons?|people|youth) under (?:the age of )?18"
_WHO_USING = r"(?:anyone |one |people |persons? )?(?:who (?:is|are) )?(?:under the influence|intoxicated|actively using|currently using|drunk or high)"
_WHO_OTHER = (
    r"(?:registered |convicted |known |lifetime registered )?sex(?:ual)? offenders?(?: or \w+ offenders?)?"
    r"|(?:convicted )?arsonists?|(?:persons?|people|individuals|anyone) (?:convicted of|with (?:a )?(?:history of|convictions? for|record of)) "
    r"(?:arson|sex(?:ual)? (?:offenses?|crimes?)|violent (?:crimes?|offenses?|felon(?:y|ies))|murder|a violent crime)"
    r"|violent (?:offenders|felons)|(?:convicted )?felons|pets|animals"
    r"|homeless(?: (?:clients|persons|people|individuals))?"
)  # fmt: skip
_EXCLUDED_SITUATION = re.compile(r"^homeless", _I)
_WHO_KINDS: tuple[tuple[str, str], ...] = (
    ("men", _WHO_MEN), ("women", _WHO_WOMEN), ("vets", _WHO_VETS), ("minors", _WHO_MINORS),
    ("kids", _WHO_KIDS), ("using", _WHO_USING), ("other", _WHO_OTHER),
)  # fmt: skip
_WHO_ONE = "(?:" + "|".join(v for _, v in _WHO_KINDS) + ")"
_WHO_KIND = [(k, re.compile(rf"(?:{v})", _I)) for k, v in _WHO_KINDS]
_WHO = rf"(?P<who>{_WHO_ONE}(?:\s*(?:,\s*(?:or|and)|,|/|&|\bor\b|\band\b)\s*{_WHO_ONE})*)"
_WHO_END = r"(?!['\w])(?!\s+(?:under|over|younger|older|aged?|ages|\d|of|with|who)\b)"
_WHO_SPLIT = re.compile(r"\s*(?:,\s*(?:or|and)|,|/|&|\bor\b|\band\b)\s*", _I)
_SHUT_OUT = [
    # "No men", "no men allowed", "No male clients", "women only, no men"; "no sex offenders"
    re.compile(rf"(?:^|[,(:]\s*|\b(?:and|but|also)\s+)\W*no\s+{_WHO}{_WHO_END}(?:\s+(?:clients|allowed|accepted|permitted|served|please|admitted))?", _I),
    # "Men are not eligible", "veterans not accepted", "sex offenders are ineligible"
    re.compile(rf"\b{_WHO}\s+(?:are\s+|is\s+|will\s+)?(?:not\s+(?:be\s+)?(?:eligible|accepted|allowed|permitted|served|admitted|welcome|considered)|ineligible|excluded)\b", _I),
    # "not for veterans", "not open to men", "not available to minors"
    re.compile(rf"\bnot\s+(?:for|open to|available (?:to|for)|intended for|designed for|meant for)\s+{_WHO}{_WHO_END}", _I),
    # "Does not serve men", "cannot accept registered sex offenders"
    re.compile(rf"\b(?:do(?:es)?|will|can|could)\s*(?:not|n't)\s+(?:serve|accept|admit|take|house|shelter)\s+{_WHO}{_WHO_END}", _I),
    re.compile(rf"\b(?:cannot|can't|cant|won't|unable to)\s+(?:serve|accept|admit|take|house|shelter)\s+{_WHO}{_WHO_END}", _I),
    # "except registered sex offenders", "excluding men", "with the exception of sex offenders"
    re.compile(rf"\b(?:except(?:\s+for)?|excluding|excludes?|other than|with the exception of|but not)\s+{_WHO}{_WHO_END}", _I),
]  # fmt: skip
_NON_VETS_ONLY = re.compile(r"\bnon-?\s?veterans?(?:\s+only)\b", _I)
_INELIGIBLE_FOR = re.compile(
    r"\b(?:ineligible|not eligible) for (?:\w+ ){0,2}?(?:through |from |by |with )?(?:the )?"
    r"(?:medical assistance|medicaid|medi-cal|medicare|va\b|veterans?(?: administration| association| affairs)?)", _I)  # fmt: skip
""""Ineligible for Medical Assistance / treatment through the VA": who is left, not a requirement."""

_CONSENT = (
    r"(?:(?:written|signed)\s+)?(?:(?:a|their|with)\s+)?(?:parent(?:al)?|guardian)(?:'s|s)?(?:\s*(?:/|or|and)\s*guardian(?:'s)?)?"
    r"\s+(?:consent|permission|approval|signature|authorization)"
)  # fmt: skip
_CONDITION = (
    rf"(?P<cond>{_CONSENT}|(?:a\s+)?referral|(?:still\s+)?(?:in|enrolled in|attending) (?:high )?school"
    r"|emancipated|(?:a\s+|documented\s+)?disabilit(?:y|ies)|(?:if\s+)?disabled|accompanied by (?:a |an )?(?:parent|guardian|adult)"
    r"|in foster care|aging out of foster care|pregnant|parenting)"
)  # fmt: skip
_AGE_EXCEPTION = [
    # "(17 with parent consent)", "; 16-17 with parental consent", "or 17 with guardian permission"
    re.compile(rf"\(?\s*(?:(?:or|and|but|except)\s+)?(?:ages?\s+|aged\s+)?(?<![\d-])(\d{{1,2}})(?:\s*(?:-|to|through)\s*(\d{{1,2}}))?(?:\s*(?:years?(?:\s+old)?|yrs?\.?))?\s*(?:,\s*)?(?:with|if|when|given|who (?:are|is))\s+{_CONDITION}\s*\)?", _I),
    # "(under 18 with parental consent)" / "younger with parental consent"
    re.compile(rf"\(?\s*(?:or\s+)?(?:unless|except (?:for|when|if)?|but)\s+(?:you are\s+|they are\s+)?(?:with\s+)?{_CONDITION}\s*\)?", _I),
]  # fmt: skip

_STOP = frozenset(
    """and or the a an of for with only must be is are who to in on at by all any their his her
    them they persons person people young individuals individual clients client eligible eligibility
    requirements requirement requirements years year old age ages aged over older under children
    child kids infants infant toddlers toddler babies baby preschoolers families family members
    member patients patient women men adults adult residents
    resident also welcome served serves accepted accept accepts least more less than other etc
    program programs services service most some certain has have having not no can may will per
    this that these those from as each one up between currently required need needs needed must
    anyone everyone open please none yes seniors senior youth youths teens income household households
    annual living era provided offered available free charge walk-ins walk-in status single you
    your been had was were citizens citizen gender sex olds""".split()  # noqa: SIM905 - a word list reads better as prose
)  # fmt: skip
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_CLAUSE_SPLIT = re.compile(r";|\.(?=\s+[A-Z(])|\.\s*$|\n+|\s+-\s+(?=[A-Z])")


# ---------------------------------------------------------------------------------------------
# The clause reader
# ---------------------------------------------------------------------------------------------


@dataclass
class _Clause:
    text: str
    factor: float
    rules: list[Any] = field(default_factory=list)
    used: list[tuple[int, int]] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.used)

    def add(self, cls: Callable[..., Any], confidence: float, span: tuple[int, int], **fields: Any) -> bool:
        """Build one rule; a rule the model refuses (odd numbers) is dropped, not raised."""
        try:
            rule = cls(
                source_text=self.text[span[0] : span[1]].strip(" ,"),
                confidence=round(min(1.0, confidence * self.factor), 3),
                **fields,
            )
        except (ValidationError, ValueError):
            return False
        self.rules.append(rule)
        self.used.append(span)
        return True

    def consume(self, span: tuple[int, int]) -> None:
        self.used.append(span)

    def matches(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        return [m for m in pattern.finditer(self.text) if self.free(*m.span())]


def _clean(text: str) -> str:
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text[:_MAX_TEXT])
    text = text.replace("\u2019", "'").replace("\u00a0", " ")
    text = re.sub(r"[ \t\r\f\v]+", " ", text).strip()
    return re.sub(r"^\s*eligibility\s*:\s*", "", text, flags=_I)


_FIELD_LABEL = re.compile(
    r"^\s*(?:general\s+|other\s+)?(?:eligibility|requirements?|age(?:s| requirements?)?|gender(?: requirements?)?"
    r"|sex|family(?: requirements?)?|(?P<residency>residency(?: requirements?)?))\s*:\s*", _I)  # fmt: skip
"""A field label opening a clause ("Gender: Either", "Residency: Must be resident of Utah", as
AIRS XML exports and their loaders write requirements): the value is the clause. "Income:" is
kept, since a bare amount after it is an income limit only beside that word."""
_ANY_VALUE = re.compile(
    r"^\W*(?:either|both|any|all|anyone|everyone|n/?a|none|no (?:restrictions?|requirements?)"
    r"|(?:(?:fe)?males?|men|women|other|transgender|non-?binary)(?:\s*(?:,|/|&|\band\b|\bor\b)\s*"
    r"(?:(?:fe)?males?|men|women|other|transgender|non-?binary))+)\W*$", _I)  # fmt: skip
"""A labelled field's value that sets no requirement ("Gender: Either", "Family: Any",
"Gender: Male, Female, Other", "Eligibility: N/A")."""
_SAYS_RESIDENCE = re.compile(r"\b(?:(?:residents?|tenants)\b|live|living|reside)", _I)
"""A residency value that already says who lives where ("Must be resident of Utah")."""


def _clauses(text: str) -> list[str]:
    """The clauses of an eligibility text, each without a field label that opens it
    (:data:`_FIELD_LABEL`); a labelled field whose value sets no requirement is left out, and a
    place alone after "Residency:" becomes "Residents of <place>"."""
    out = []
    for part in _CLAUSE_SPLIT.split(text):
        part = (part or "").strip(" ,")
        label = _FIELD_LABEL.match(part)
        value = part[label.end() :].strip(" ,") if label else part
        if label and _ANY_VALUE.match(value):
            continue  # "Gender: Either": the field says no requirement
        if (label and label.group("residency") and value[:1].isupper()
                and value.split()[0].lower() not in _AREA_BLOCK and not _SAYS_RESIDENCE.search(value)):
            value = f"Residents of {value}"  # "Residency: San Diego County": the area served
        if value:
            out.append(value)
    return out


def _read_income(c: _Clause) -> None:
    for pattern in _INCOME_FPL:
        for m in c.matches(pattern):
            year = re.search(r"\b(20\d\d)\b", c.text)
            c.add(IncomeRule, 0.95, m.span(), max_percent_fpl=float(m.group(1)),
                  year=int(year.group(1)) if year else None)  # fmt: skip
    for m in c.matches(_INCOME_MEDIAN):
        c.add(IncomeRule, 0.9, m.span(), max_percent_median=float(m.group(1)))
    if _INCOME_WORD.search(c.text):
        for m in c.matches(_DOLLARS):
            amount = float(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1)
            per = (m.group(3) or "").lower()
            if "mo" in per:
                amount *= 12
            c.add(IncomeRule, 0.9, m.span(), max_annual_income=amount)


_HAS_INCOME = re.compile(
    r"\b(?:must\s+)?(?:have|has|having|with)\s+(?:a\s+|some\s+|any\s+)?(?:steady\s+|regular\s+|verifiable\s+)?"
    r"(?:source\s+of\s+|form\s+of\s+)?income\b"
    r"(?!\s+(?:below|under|up|at|of|less|not|within|that|guidelines?|limits?|eligib|requirements?|qualif|levels?))",
    _I,
)
"""A requirement to have some income ("Must have a source of income."), not a limit on it."""


def _read_has_income(c: _Clause) -> None:
    for m in c.matches(_HAS_INCOME):
        c.add(IncomeRule, 0.8, m.span(), requires_income=True)


def _topic(m: re.Match[str]) -> str | None:
    for name, value in m.groupdict().items():
        if value and name.startswith("t_"):
            return name.split("_")[1]
    return None


def _read_negations(c: _Clause) -> None:
    """Explicit no-requirements ("No income requirement") and people shut out ("No men")."""
    for pattern in _NO_TOPIC:
        for m in c.matches(pattern):
            topics = [_topic(t) for t in _TOPIC_RE.finditer(m.group(0))] or [_topic(m)]
            for topic in dict.fromkeys(topics):
                if topic is not None:
                    c.add(NoRequirement, 0.85, m.span(), about=topic)
    for pattern, topic in _BOTH_WELCOME:
        for m in c.matches(pattern):
            c.add(NoRequirement, 0.85, m.span(), about=topic)
    for m in c.matches(_NON_VETS_ONLY):
        c.add(VeteranRule, 0.85, m.span(), excluded=True)
    for m in c.matches(_INELIGIBLE_FOR):
        c.consume(m.span())
    for pattern in _SHUT_OUT:
        for m in c.matches(pattern):
            span = (m.start() + len(m.group(0)) - len(m.group(0).lstrip(" ,(:")), m.end())
            for item in _WHO_SPLIT.split(m.group("who")):
                _shut_out(c, item, span)


def _shut_out(c: _Clause, item: str, span: tuple[int, int]) -> None:
    """One group of people the text shuts out, as the rule that says so."""
    kind = next((k for k, pattern in _WHO_KIND if pattern.fullmatch(item)), None)
    if kind in ("men", "women"):
        gone = "male" if kind == "men" else "female"
        kept = "female" if gone == "male" else "male"
        c.add(GenderRule, 0.85, span, allowed=frozenset({kept}), excluded=frozenset({gone}))
    elif kind == "vets":
        c.add(VeteranRule, 0.85, span, excluded=True)
    elif kind == "minors":
        c.add(AgeRule, 0.8, span, min_age=18.0)
    elif kind == "kids":
        c.add(ParentingRule, 0.7, span, excluded=True)
    elif kind == "using":
        c.add(SobrietyRule, 0.7, span)
    elif kind == "other":
        who = re.sub(r"\s+", " ", item).strip().lower()
        situation = "homeless" if _EXCLUDED_SITUATION.match(who) else None
        c.add(ExclusionRule, 0.7, span, text=who, situation=situation)

_PARENT_GENDER = re.compile(r"(?:(women|mothers?)|(men|fathers?))\s", _I)
"""The adult a family rule names by gender ("women with children", "fathers with kids"): the
parent must be of it, the children may be of any."""


_ADULTS_ALONE = r"(?:individuals|singles|adults|persons|people|men|women|males|females)"
_ALONE_BEFORE = re.compile(
    rf"(?<!pregnant )(?<!expectant )\b{_ADULTS_ALONE}\s*(?:,\s*(?:and|or)?|\band\b|\bor\b|&|/|,?\s*including)\s*(?:some\s+|single\s+)?$", _I
)
_ALONE_AFTER = re.compile(rf"^\s*(?:,|\band\b|\bor\b|&|/)+\s*(?:(?!pregnant|expectant)\w+\s+)?{_ADULTS_ALONE}\b", _I)
"""Adults on their own named beside a family ("single women and women with children", "men, women
or families with children", "families with children and single adults"): the family is one of
the people served, not a requirement. Pregnant women beside a family are read apart."""


def _family_is_alternative(c: _Clause, m: re.Match[str]) -> bool:
    return bool(_ALONE_BEFORE.search(c.text[: m.start()]) or _ALONE_AFTER.search(c.text[m.end() :]))


def _read_family(c: _Clause) -> None:
    for m in c.matches(_PREGNANT_OR_PARENTING):
        c.add(ParentingRule, 0.9, m.span(), pregnant_ok=True)
    for m in c.matches(_FAMILY_WITH):
        parent = _PARENT_GENDER.match(m.group(0))
        if _family_is_alternative(c, m):
            # the adults named alone say who else is served; a parent's gender stays to be read
            c.consume((m.start() + (parent.end(1) if parent else 0), m.end()))
            continue
        limit = m.group(3)
        max_child: float | None = None
        if limit is not None:
            max_child = float(int(limit) - 1) if m.group(1) else float(limit)
        c.add(ParentingRule, 0.85, m.span(), max_child_age=max_child)
        if parent and not (_MALE if parent.group(1) else _FEMALE).search(c.text):
            # "Women with children": a mother and her children, not a father with his
            gender = "female" if parent.group(1) else "male"
            c.add(GenderRule, 0.85, m.span(), allowed=frozenset({gender}), children_ok=True)
    for m in c.matches(_CUSTODY):
        c.add(ParentingRule, 0.7, m.span(), max_child_age=17.0)
    for m in c.matches(_PREGNANT):
        c.add(PregnancyRule, 0.85, m.span())
    for m in c.matches(_PARENTING):
        c.add(ParentingRule, 0.7, m.span())
    for m in c.matches(_KINSHIP):
        if c.add(ParentingRule, 0.7, m.span(), max_child_age=17.0):
            for word in c.matches(_CAREGIVER_WORD):
                c.consume(word.span())


_CHILD_HEAD = re.compile(r"(?:children|child|kids|infants|babies|toddlers|preschoolers)\b", _I)


_ADULT_AGE = 18.0
_CHILD_SUBJECT = re.compile(
    r"^\W*(?:boys?|girls?|sons?|daughters?|children|child|kids|infants|minors?)"
    r"(?:\s+\w+){0,2}?\s+(?:must|should|need to|have to|can|may)\s+be\s+$",
    _I,
)
"""A clause whose subject is children ("Boys must be 9 years and under"): its ages are theirs."""
_CHILD_IN_HOME = re.compile(
    r"\b(?:child(?:ren)?|kids?|minors?)\s+(?:living\s+)?(?:in|at)\s+(?:the\s+)?(?:home|household)"
    r"\s*(?:(?:aged?|ages)\s*)?$",
    _I,
)
"""Ages right after "a child in the home" ("a child in the home between 5 and 11") are theirs."""


def _applies_to(c: _Clause, m: re.Match[str], min_age: float | None = None) -> str:
    """"dependent" when the ages are children's ("Children ages 0-5", "Ages 5-18 and their
    families"). An adult's minimum age beside "and their families" ("Residents, ages 18 and
    older, and their families") is the client's: the families come with the adult named."""
    before = c.text[max(0, m.start() - 40) : m.start()]
    if (
        _CHILD_HEAD.match(m.group(0))
        or _CHILD_BEFORE.search(before)
        or _CHILD_SUBJECT.match(before)
        or _CHILD_IN_HOME.search(before)
    ):
        return "dependent"
    if _FOR_FAMILY.search(c.text) and (min_age is None or min_age < _ADULT_AGE):
        return "dependent"
    return "client"


_NOT_OLDER = re.compile(
    r"\b(?:cannot|can't|can not|must not|may not|should not|not to)\s+be\s+(?:(older than|over|above)|(younger than|under|below))"
    rf"\s+(?:the\s+)?(?:age\s+(?:of\s+)?)?{_NUM}", _I)  # fmt: skip


_NO_OLDER_BOYS = re.compile(
    r"\bno\s+(?:boys|girls|sons|daughters|male children|female children)\s+(?:over|older than|above)"
    rf"\s+(?:the\s+)?(?:age\s+(?:of\s+)?)?{_NUM}(?:\s*(?:years?(?:\s+old)?|yrs?))?",
    _I,
)
"""A limit on accompanying children of one gender ("No boys over the age of 11"): not about the
client, and a profile does not record its children's genders, so it is read and left."""


def _read_negated_ages(c: _Clause) -> None:
    """"(children) cannot be older than 18" is an upper bound, not a lower one."""
    for m in c.matches(_NO_OLDER_BOYS):
        c.consume(m.span())
    for m in c.matches(_NOT_OLDER):
        value = float(m.group(3))
        before = c.text[: m.start()]
        who = "dependent" if _CHILD_HEAD.search(before) or _CHILD_BEFORE.search(before) else "client"
        if m.group(1):
            c.add(AgeRule, 0.85, m.span(), max_age=value, applies_to=who)
        else:
            c.add(AgeRule, 0.85, m.span(), min_age=value, applies_to=who)


def _not_required(c: _Clause, m: re.Match[str]) -> bool:
    """Whether a client's age bound is one of those "included" ("Low-income, including senior
    citizens 60 and over") or listed after adults ("Adults and seniors 60+"): named, but not
    required (the span is read all the same)."""
    before = c.text[: m.start()]
    last = list(_INCLUDED.finditer(before))
    gap = before[last[-1].end() :] if last else ""
    included = bool(last) and len(gap.split()) <= 4 and ")" not in gap
    if (included or _WITH_ADULTS.search(before)) and _applies_to(c, m) == "client":
        c.consume(m.span())
        return True
    return False


_WITH_ADULTS = re.compile(
    r"(?<!young )\badults?\s*(?:,|&|/|\band\b|\bor\b)\s*"
    r"(?:seniors?|senior citizens?|the elderly|elderly|older adults)\s*(?:\w+\s+)?$",
    _I,
)
"""Seniors listed after adults ("Adults and seniors 60+"): the service covers both, so the
seniors' age is no requirement."""


def _read_ages(c: _Clause) -> None:
    for pattern in _AGE_RANGE:
        for m in c.matches(pattern):
            lo, hi = int(m.group(1)), int(m.group(2))
            if lo > hi or _not_required(c, m):
                continue
            c.add(AgeRule, 0.95, m.span(), min_age=float(lo), max_age=float(hi),
                  applies_to=_applies_to(c, m, float(lo)))  # fmt: skip
    for i, pattern in enumerate(_AGE_MIN):
        for m in c.matches(pattern):
            if _not_required(c, m):
                continue
            c.add(AgeRule, 0.95 if i == 0 else 0.8, m.span(), min_age=float(m.group(1)),
                  applies_to=_applies_to(c, m, float(m.group(1))))  # fmt: skip
    for pattern in _AGE_MAX:
        for m in c.matches(pattern):
            if _not_required(c, m):
                continue
            value = int(next(g for g in reversed(m.groups()) if g and g.isdigit()))
            strict = m.group(1) is not None and not m.group(1).isdigit()
            c.add(AgeRule, 0.9, m.span(), max_age=float(value - 1 if strict else value),
                  applies_to=_applies_to(c, m))  # fmt: skip


# School grades and levels name ages: grade g is ages g+5 to g+6 (kindergarten is grade 0,
# pre-K grade -1), so "grades 7-12" is ages 12-18 and "K-8" ages 5-14.
_GRADE_TOKEN = r"(?:pre-?\s?k(?:indergarten)?|k(?:indergarten)?|\d{1,2}(?:st|nd|rd|th)?)"
_NOT_A_GRADE_LEVEL = r"(?!\s*[- ]?(?:grade\s*)?(?:reading\s+|math\s+)?(?:level|equivalen\w*|diploma|graduat\w*|degree|dropouts?|completion|credential|transcripts?)\b)"
_GRADE_RANGE = re.compile(
    rf"\b(?:grades?\s*)?(?P<a>{_GRADE_TOKEN})(?:\s*grade)?\s*(?:-|to|through|thru)\s*(?P<b>{_GRADE_TOKEN})(?:\s*grades?)?\b{_NOT_A_GRADE_LEVEL}",
    _I,
)
_GRADE_ONE = re.compile(
    rf"\bgrades?\s+(?P<a>{_GRADE_TOKEN})\b{_NOT_A_GRADE_LEVEL}|\b(?P<b>\d{{1,2}}(?:st|nd|rd|th))[- ]grade(?:rs?)?\b{_NOT_A_GRADE_LEVEL}"
    r"|\b(?P<c>pre-?\s?k(?:indergarten)?|kindergart(?:en|ners?))\b",
    _I,
)
_SCHOOL_LEVEL_WORD = r"(?:elementary|primary|middle|junior high|high|secondary)"
_SCHOOL_LEVEL = re.compile(
    rf"\b(?P<level>{_SCHOOL_LEVEL_WORD})(?=(?:\s*(?:,|and|or|&|/)\s*{_SCHOOL_LEVEL_WORD})*\s*[- ]?schools?\b{_NOT_A_GRADE_LEVEL})"
    rf"(?:\s*[- ]?schools?(?:[- ]aged?)?)?|\b(?P<pre>pre-?\s?school(?:ers?)?(?:[- ]aged?)?)|\b(?P<any>school[- ]aged?)\b",
    _I,
)
_THROUGH_SCHOOL = re.compile(
    rf"\b(?:ages?|aged)\s+{_NUM}\s*(?:years?(?:\s+old)?)?\s*(?:-|to|through|thru)\s*(?:the end of\s+)?"
    r"(?P<level>high school|secondary school|12th grade|grade 12)\b" + _NOT_A_GRADE_LEVEL,
    _I,
)
_LEVEL_AGES = {
    "elementary": (5.0, 11.0), "primary": (5.0, 11.0), "middle": (11.0, 14.0),
    "junior high": (12.0, 14.0), "high": (14.0, 18.0), "secondary": (11.0, 18.0),
}  # fmt: skip
_PRESCHOOL_AGES = (3.0, 5.0)
_SCHOOL_AGES = (5.0, 18.0)
_AND_UP = re.compile(r"\s*(?:age\s+)?(?:and|or)\s+(?:above|older|over|up)\b", _I)
_PUPIL_WORD = re.compile(r"\b(?:students?|pupils?|schools?|grades?|age)\b", _I)
_INFANT_WORD = re.compile(r"\b(?:infants?|toddlers?|bab(?:y|ies)|newborns?|birth)\b", _I)


def _grade_number(token: str) -> int | None:
    t = re.sub(r"[\s-]", "", token.lower())
    if t.startswith("prek"):
        return -1
    if t.startswith("k"):
        return 0
    digits = re.match(r"\d+", t)
    value = int(digits.group(0)) if digits else None
    return value if value is not None and 1 <= value <= 12 else None


def _read_grades(c: _Clause) -> None:
    """Ages from school grades and levels ("grades 7-12", "K-8", "middle and high school
    students", "preschoolers", "Ages 3 through high school"), as children's ages (met by the
    client's own age or a child's) at a lower confidence than stated ages (a grade's age is
    approximate). A clause that states ages or names adults ("adults and children K-8") keeps
    only those, and pupils named among those included ("Individuals who may be eligible include
    high school students ...", "such as middle school students") are no limit: the grade words
    are read, no rule is added."""
    spans: list[tuple[int, int]] = []
    bounds: list[tuple[float, float | None]] = []

    def overlaps_read(m: re.Match[str]) -> bool:
        return any(m.start() < e and m.end() > s for s, e in spans)

    for m in c.matches(_THROUGH_SCHOOL):
        lo = float(m.group(1))
        c.add(AgeRule, 0.8, m.span(), min_age=lo, max_age=18.0, applies_to="dependent")
    for m in c.matches(_GRADE_RANGE):
        a, b = _grade_number(m.group("a")), _grade_number(m.group("b"))
        graded = re.search(r"grade|k|st\b|nd\b|rd\b|th\b", m.group(0).lower())
        if a is None or b is None or a > b or not graded:
            continue
        spans.append(m.span())
        bounds.append((a + 5.0 if a >= 0 else 3.0, b + 6.0))
    for m in c.matches(_GRADE_ONE):
        if overlaps_read(m):
            continue
        g = _grade_number(m.group("a") or m.group("b") or m.group("c"))
        if g is None:
            continue
        spans.append(m.span())
        bounds.append((g + 5.0 if g >= 0 else 3.0, g + 6.0 if g >= 0 else 4.0))
    for m in c.matches(_SCHOOL_LEVEL):
        if overlaps_read(m):
            continue
        if m.group("level"):
            lo, hi = _LEVEL_AGES[m.group("level").lower()]
        else:
            lo, hi = _PRESCHOOL_AGES if m.group("pre") else _SCHOOL_AGES
        spans.append(m.span())
        up = _AND_UP.match(c.text, m.end())
        if up:
            spans.append((m.end(), up.end()))
        bounds.append((lo, None if up else hi))
    if not bounds:
        return
    for span in spans:
        c.consume(span)
    for m in c.matches(_PUPIL_WORD):  # "students in grades 7-12": the pupils the grades name
        c.consume(m.span())
    if any(isinstance(r, AgeRule) for r in c.rules) or _ADULT.search(c.text):
        return  # stated ages, or adults served beside the pupils: the grades add no rule
    start = min(s for s, _ in spans)
    if _INCLUDED.search(c.text[:start]):
        return  # pupils among those included ("eligible ... include high school students")
    least = 0.0 if _INFANT_WORD.search(c.text) else min(b[0] for b in bounds)
    highs = [b[1] for b in bounds]
    most = None if None in highs else max(h for h in highs if h is not None)
    end = max(e for _, e in spans)
    c.add(AgeRule, 0.8, (start, end), min_age=least, max_age=most, applies_to="dependent")


def _read_gender(c: _Clause) -> None:
    female, male = c.matches(_FEMALE), c.matches(_MALE)
    if bool(female) == bool(male):
        for m in female + male:  # both named: no restriction, but the words are read
            c.consume(m.span())
        return
    found = female or male
    allowed = frozenset({"female" if female else "male"})
    only = _ONLY.search(c.text)
    kids = _WITH_CHILDREN.search(c.text)
    end = max(m.end() for m in found)
    for extra in (only, kids):
        if extra is not None:
            end = max(end, extra.end())
    c.add(GenderRule, 0.95 if only else 0.85, (found[0].start(), end), allowed=allowed,
          children_ok=kids is not None)  # fmt: skip


def _read_veteran(c: _Clause) -> None:
    found = c.matches(_VETERAN)
    if not found:
        return
    discharge = _DISCHARGE.search(c.text)
    family = _VET_FAMILY.search(c.text)
    end = max([found[-1].end()] + [m.end() for m in (discharge, family) if m is not None])
    c.add(VeteranRule, 0.9, (found[0].start(), end),
          discharge=discharge.group(0) if discharge else None, family_ok=family is not None)  # fmt: skip


_SOUGHT = re.compile(
    r"\b(?:seeking|in need of|needing|requesting|who (?:need|want|seek))(?:\W+\w+){0,3}\W*$", _I
)
"""Words that make what follows the help the client wants ("Adults seeking counseling and
outpatient detox"), not a state they must already be in."""


def _read_sobriety(c: _Clause) -> None:
    found = [m for m in c.matches(_SOBER) if not _SOUGHT.search(c.text[: m.start()])]
    if not found:
        return
    m = found[0]
    days: int | None = None
    end = m.end()
    if m.group(0).lower().startswith("detox"):
        days = 0
    start = m.start()
    duration = _DURATION.search(c.text)
    if duration is not None and c.free(*duration.span()):
        n, unit = int(duration.group(1)), duration.group(2).lower()
        days = n * (7 if unit.startswith("week") else 30 if unit.startswith("month") else 1)
        start, end = min(start, duration.start()), max(end, duration.end())
    c.add(SobrietyRule, 0.8 if days == 0 else 0.9, (start, end), days=days)


def _read_insurance(c: _Clause) -> None:
    kinds: set[str] = set()
    spans: list[tuple[int, int]] = []
    for pattern, kind in _INSURANCE:
        for m in c.matches(pattern):
            kinds.add(kind)
            spans.append(m.span())
    if not kinds:
        return
    if _ANY_INSURANCE in kinds:
        kinds = (kinds - {_ANY_INSURANCE}) | _INSURED
    accepts = _ACCEPTS.search(c.text)
    required = accepts is None
    start = min(s for s, _ in spans)
    end = max([e for _, e in spans] + ([accepts.end()] if accepts else []))
    c.add(InsuranceRule, 0.8 if required else 0.7, (start, end), accepted=frozenset(kinds),
          required=required)  # fmt: skip
    for span in spans:
        c.consume(span)


def _read_immigration(c: _Clause) -> None:
    allowed: set[str] = set()
    spans: list[tuple[int, int]] = []
    for pattern, statuses in _IMMIGRATION:
        for m in c.matches(pattern):
            allowed |= statuses
            spans.append(m.span())
    if not allowed:
        return
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    c.add(ImmigrationRule, 0.75, (start, end), allowed=frozenset(allowed))
    for span in spans:
        c.consume(span)


def _read_diagnosis(c: _Clause) -> None:
    found: list[re.Match[str]] = []
    for m in c.matches(_DIAGNOSIS):
        c.consume(m.span())
        if _FAMILY_OF.search(c.text[: m.start()]) is None and not _INCLUDED.search(
            c.text[: m.start()]
        ):  # else a relative's condition, or one of those "included"
            found.append(m)
    if found:  # several conditions in one clause are alternatives: one rule
        text = " or ".join(dict.fromkeys(m.group(0).lower() for m in found))
        c.add(DiagnosisRule, 0.6, (found[0].start(), found[-1].end()), text=text)


# Situations a service requires that no other reader covers (judged from ClientProfile.situations)
_INCLUDED = re.compile(r"\b(?:including|includes?|such as|e\.g\.|for example)\b", _I)
_NOT_BEFORE = re.compile(r"(?:\bnot|n't|\bno longer|\bnever|\bwithout)\b[^,;]*$", _I)
_WELCOME_AFTER = re.compile(r"\s*,?\s*(?:are\s+|also\s+)*welcome", _I)
_HEDGE = re.compile(
    r"\b(?:primarily|mainly|mostly|especially|focus(?:ed|es)? on|geared (?:toward|to)|interest(?:ed)? in"
    r"|priority|preference)\b", _I)  # fmt: skip
_SITUATION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("at_risk_of_homelessness", re.compile(
        r"\b(?:(?:at[- ]risk|in danger) of (?:becoming )?homeless(?:ness)?|imminent(?:ly)? (?:risk of )?homeless(?:ness)?"
        r"|facing eviction|(?:an? |with an? )?eviction notice|near(?:ly)? homeless|precariously housed)\b", _I)),
    ("homeless", re.compile(
        r"\b(?:(?:literally |chronically |currently )?homeless(?:ness)?|unhoused|unsheltered|living on the streets?"
        r"|without (?:permanent |stable )?housing|runaways?)\b", _I)),
    ("dv_survivor", re.compile(
        r"\b(?:(?:victims?|survivors?)\s+of\s+(?:domestic|intimate partner|family|dating|sexual)\s+(?:violence|abuse|assault)"
        r"|(?:domestic|intimate partner|sexual)\s+(?:violence|abuse|assault)\s+(?:victims?|survivors?)"
        r"|battered (?:women|spouses|persons)|fleeing (?:domestic )?(?:violence|abuse|an abuser))\b", _I)),
    ("reentry", re.compile(
        r"\b(?:ex-?offenders?|returning citizens?|formerly incarcerated|re-?entry|recently (?:released|incarcerated)"
        r"|released from (?:prison|jail|incarceration)|(?:on |under )?(?:parole|probation)(?:ers?)?|parolees?"
        r"|criminal (?:record|background|justice[- ]involved|histor(?:y|ies))|justice[- ]involved)\b", _I)),
    ("lgbtq", re.compile(r"\b(?:lgbt\w*|gay|lesbians?|bisexual|transgender|queer)\b", _I)),
    ("caregiver", re.compile(r"\b(?:caregivers?|care ?givers?|grandparents raising|kinship care(?:givers)?)\b", _I)),
    ("student", re.compile(r"\b(?:(?:current(?:ly)?|enrolled|full[- ]time|part[- ]time|college|high school)\s+students?|enrolled in (?:school|college|a (?:college|university)))\b", _I)),
)  # fmt: skip


def _read_situations(c: _Clause) -> None:
    found: dict[str, re.Match[str]] = {}
    hedged = False
    for key, pattern in _SITUATION_PATTERNS:
        for m in c.matches(pattern):
            c.consume(m.span())
            before, after = c.text[: m.start()], c.text[m.end() :]
            if (
                _INCLUDED.search(before)
                or _NOT_BEFORE.search(before[-25:])
                or _WELCOME_AFTER.match(after)
                or (key == "caregiver" and m.start() > 12)  # "... and their caregivers"
                or (key != "caregiver" and _FAMILY_OF.search(before))
            ):
                continue  # named, but not required
            hedged = hedged or bool(_HEDGE.search(before))
            found.setdefault(key, m)
    if found:  # several situations in one clause are alternatives: one rule
        spans = sorted(m.span() for m in found.values())
        text = " or ".join(m.group(0).lower() for m in sorted(found.values(), key=lambda m: m.start()))
        c.add(SituationRule, 0.35 if hedged else 0.7, (spans[0][0], spans[-1][1]),
              situations=frozenset(found), text=text)  # fmt: skip


_BENEFIT = (
    r"(?:TCA|TANF|temporary (?:cash|assistance)(?: for needy families)?|cash assistance|SSI|SSDI"
    r"|supplemental security income|social security disability(?: insurance)?|public assistance|welfare"
    r"|food stamps|SNAP)"
)
_BENEFIT_REQUIRED = re.compile(
    r"^\W*(?:(?:must|should)\s+(?:be\s+)?|only\s+)?(?:"
    rf"(?:receiv(?:e|es|ing)|recipients? of|in receipt of|(?:currently\s+)?on)\s+{_BENEFIT}(?:\s+benefits)?"
    rf"(?:\s*(?:,|or|/|&)\s*{_BENEFIT}(?:\s+benefits)?)*"
    rf"|{_BENEFIT}(?:\s*(?:or|/|&)\s*{_BENEFIT})*\s+(?:recipients?|customers|participants)"
    r"|(?:residents?|tenants?) of (?:public|section 8|subsidi[sz]ed) housing"
    r"|(?:public|section 8|subsidi[sz]ed) housing (?:residents?|tenants?|households?))\b",
    _I,
)
"""A clause that opens by requiring a benefit or a tenancy the profile cannot show ("Receiving TCA
benefits.", "Must be on SSI or SSDI.", "Public housing residents, ages 18 and older")."""


def _read_benefits(c: _Clause) -> None:
    """A required benefit or public-housing tenancy: a stated requirement (confidence 0.6, so it
    costs more than a vague residue) that stays unknown for a profile, which records neither."""
    m = _BENEFIT_REQUIRED.search(c.text)
    if m is not None and c.free(*m.span()):
        c.add(OtherRule, 0.6, m.span(), text=m.group(0).strip())


def _area_ok(area: str) -> bool:
    words = area.split()
    return bool(words) and (words[0][:1].isupper() or words[0].lower() in _AREA_WORDS)


def _read_residency(c: _Clause) -> None:
    for m in c.matches(_ZIP_RESIDENCY):
        c.add(ResidencyRule, 0.8, m.span(), area=_zip_area(m))
    for m in _RESIDENCY_FORWARD.finditer(c.text):
        start = m.start() if c.free(*m.span()) else m.start("prep")
        if not c.free(start, m.end()):
            continue
        area = re.sub(r"^the\s+", "", m.group("area").strip(" ,"))
        if _area_ok(area) and re.search(r"[A-Z]", area):
            c.add(ResidencyRule, 0.8, (start, m.end()), area=area)
    for m in c.matches(_RESIDENT_WORD):
        tokens = list(re.finditer(r"\S+", c.text[: m.start()]))
        taken: list[re.Match[str]] = []
        for token in reversed(tokens):
            word = token.group(0).strip(",")
            if token.group(0).endswith(",") and taken:
                break
            low = word.lower()
            if not c.free(*token.span()) or low in _AREA_BLOCK:
                break
            if word[:1].isupper() or low in _AREA_CONNECT or low in _AREA_WORDS:
                taken.insert(0, token)
                continue
            break
        while taken and taken[0].group(0).lower() in _AREA_CONNECT:
            taken.pop(0)
        if not taken:
            continue
        area = " ".join(t.group(0).strip(",") for t in taken)
        named = any(t.group(0)[:1].isupper() for t in taken)
        if named:
            c.add(ResidencyRule, 0.8, (taken[0].start(), m.end()), area=area)
        elif area.lower() in ("county", "city"):
            c.add(ResidencyRule, 0.5, (taken[0].start(), m.end()), area=area.lower())


def _read_low_income(c: _Clause) -> None:
    found = c.matches(_LOW_INCOME)
    if not found:
        return
    if any(isinstance(r, IncomeRule) for r in c.rules):
        for m in found:
            c.consume(m.span())
        return
    c.add(IncomeRule, 0.6, found[0].span())
    for m in found[1:]:
        c.consume(m.span())


def _residue(c: _Clause) -> None:
    chars = list(c.text)
    for start, end in c.used:
        chars[start:end] = " " * (end - start)
    words = _WORD.findall("".join(chars))
    left = [w for w in words if w.lower() not in _STOP and len(w) > 2]
    generic_age = _ADULT.search(c.text) or _SENIOR.search(c.text)  # read by _generic_ages
    if left or (words and not c.rules and not generic_age):
        c.rules.append(OtherRule(source_text=c.text, text=c.text, confidence=round(0.3 * c.factor, 3)))


_READERS = (
    _read_income, _read_has_income, _read_family, _read_ages, _read_grades, _read_gender, _read_veteran, _read_sobriety,
    _read_insurance, _read_immigration, _read_diagnosis, _read_situations, _read_residency,
    _read_low_income, _read_benefits,
)  # fmt: skip


_WELCOMED = re.compile(
    r"(?:^|(?<=[,;]))\s*(?!only\b)(?:[\w/'-]+\s+){0,4}?[\w/'-]+\s+(?:are\s+|is\s+)?(?:also\s+|always\s+)?"
    r"welcome[ds]?\b(?:\s+(?:to apply|too|as well)\b|(?!\s+to\b))",
    _I,
)
"""A group named as welcome ("Ex-offenders welcome", "veterans are also welcome") is one the
service takes among others, not a requirement."""


_POINTER = re.compile(
    r"(?:^|(?<=[,(])|(?<=\w\.))\s*\(?\s*(?:also\s*,?\s+)?(?:please\s+)?see\s+(?:the\s+)?"
    r"(?:(?:service|program|individual|agency)\s+)?(?:notes?|services|programs?|descriptions?|below|above)\b"
    r"(?P<topic>\s+(?:for|on|about|regarding)\b[^()]*)?\s*\)?\W*$",
    _I,
)
"""A bare pointer to the notes beside other clauses ("Ages 18 and older. Also see notes.",
"(See notes)") is no requirement itself: it adds no unknown rule. A pointer alone ("See
notes.") stays one unknown rule, and one with a topic ("See notes for income guidelines")
names a requirement written elsewhere, so it stays unknown too."""


def _read_clause(text: str) -> list[Any]:
    c = _Clause(text, 0.5 if _QUALIFIER.search(_INELIGIBLE_FOR.sub(" ", text)) else 1.0)
    pointer = _POINTER.search(text)
    if pointer and pointer.group("topic"):  # "See notes for income guidelines": a rule not read
        pointer = None
    if pointer:
        c.consume(pointer.span())
    _read_negations(c)
    _read_negated_ages(c)
    for m in c.matches(_WELCOMED):
        c.consume(m.span())
    prefix = _NONE_PREFIX.match(text)
    if prefix and c.free(*prefix.span()):
        c.add(NoRequirement, 0.95, prefix.span())
    negated = next((m for m in _NEGATED.finditer(text) if c.free(*m.span())), None)
    if negated and c.free(negated.start(), len(text)):
        c.add(NoRequirement, 0.8, (negated.start(), len(text)))
    if _VARIES.search(text) and not c.rules:
        return [OtherRule(source_text=text, text=text, confidence=0.2)]
    for reader in _READERS:
        reader(c)
    _residue(c)
    return c.rules


_CARED_FOR = re.compile(r"\b(?:care ?givers?|famil(?:y|ies)(?: members)?|relatives|caring|care) (?:of|for)\s+(?:an?\s+|the\s+)?$", _I)
"""Words before "seniors" that make the seniors the ones cared for ("caregivers of older adults")."""


def _generic_ages(text: str, rules: list[Any]) -> list[Any]:
    """Ages implied by words ("adults", "seniors") when no number was given anywhere."""
    if any(isinstance(r, AgeRule) for r in rules):
        return []
    out: list[Any] = []
    if not _CHILD_CONTEXT.search(_NO_CHILDREN.sub(" ", text)):
        adult = _ADULT.search(text)
        if adult:
            out.append(AgeRule(min_age=18, confidence=0.6, source_text=adult.group(0)))
    senior = _SENIOR.search(text)
    cared_for = senior is not None and _CARED_FOR.search(text[max(0, senior.start() - 30) : senior.start()])
    included = senior is not None and _INCLUDED.search(text[: senior.start()])
    if senior and not cared_for and not included and not re.search(r"\bsenior citizens? or\b", text, _I):
        # seniors "and their families": the families come with the senior (an adult's age)
        out.append(AgeRule(min_age=60, confidence=0.4, source_text=senior.group(0)))
    return out


def _merge_ages(rules: list[Any]) -> list[Any]:
    """Several age rules for the same person become one, as loose as the loosest."""
    out: list[Any] = []
    for who in ("client", "dependent"):
        ages = [r for r in rules if isinstance(r, AgeRule) and r.applies_to == who]
        if len(ages) <= 1:
            out.extend(ages)
            continue
        mins = [r.min_age for r in ages]
        maxs = [r.max_age for r in ages]
        lo = None if any(v is None for v in mins) else min(v for v in mins if v is not None)
        hi = None if any(v is None for v in maxs) else max(v for v in maxs if v is not None)
        if lo is None and hi is None:
            continue
        out.append(AgeRule(
            min_age=lo, max_age=hi, applies_to=who,
            confidence=round(min(r.confidence for r in ages) * 0.9, 3),
            source_text="; ".join(dict.fromkeys(r.source_text for r in ages)),
        ))  # fmt: skip
    return out


_CHILD_WORDS = re.compile(r"\b(?:boys?|girls?|sons?|daughters?|children|child|kids)\b", _I)
_ADULT_WORDS = re.compile(r"\b(?:women|woman|men|man|mothers?|fathers?|ladies|adults?)\b", _I)


def _accompanying_children(rules: list[Any]) -> list[Any]:
    """"Women 18 and up ... Boys must be 9 and under. Girls of all ages": the boys and girls
    are children who come with their mother. Their gender and age rules are conditions on
    those children, not on the client: drop them, and let the adult rule admit children."""
    adult = [r for r in rules if isinstance(r, GenderRule) and _ADULT_WORDS.search(r.source_text)
             and not _CHILD_WORDS.search(r.source_text)]  # fmt: skip
    if len(adult) != 1:
        return rules

    def about_children(r: Any) -> bool:
        if isinstance(r, AgeRule) and r.applies_to == "dependent":
            return True  # "Boys must be 9 years and under"
        text = r.source_text
        return bool(_CHILD_WORDS.search(text)) and not _ADULT_WORDS.search(text)

    child_rules = [r for r in rules if isinstance(r, GenderRule | AgeRule) and about_children(r)]
    if not any(isinstance(r, GenderRule) for r in child_rules):
        return rules
    kept = [r for r in rules if r not in child_rules]
    one = adult[0]
    return [GenderRule.model_validate({**one.model_dump(), "children_ok": True}) if r is one else r
            for r in kept]  # fmt: skip


def _merge_genders(rules: list[Any]) -> list[Any]:
    """Gender rules serving the same genders ("Women only, no men") become one."""
    genders = [r for r in rules if isinstance(r, GenderRule)]
    if len(genders) < 2 or len({r.allowed for r in genders}) != 1:
        return rules
    one = GenderRule(
        allowed=genders[0].allowed,
        excluded=frozenset().union(*(r.excluded for r in genders)),
        children_ok=any(r.children_ok for r in genders),
        confidence=max(r.confidence for r in genders),
        source_text="; ".join(dict.fromkeys(r.source_text for r in genders)),
    )
    first = rules.index(genders[0])
    rest = [r for r in rules if not isinstance(r, GenderRule)]
    return [*rest[:first], one, *rest[first:]]


_IF_CONDITION = re.compile(
    r"(?:still |in |enrolled|attending|emancipated|disabled|in foster|aging|pregnant|parenting)"
)


def _age_exceptions(text: str) -> tuple[str, list[tuple[float | None, float | None, str, str]]]:
    """Take age exceptions out of the text: ``(low, high, condition, as written)`` each, and the
    text with them blanked (so "17" in "(17 with parent consent)" is not read as a limit)."""
    found: list[tuple[float | None, float | None, str, str]] = []
    chars = list(text)
    for pattern in _AGE_EXCEPTION:
        for m in pattern.finditer("".join(chars)):
            cond = re.sub(r"\s+", " ", m.group("cond")).strip().lower()
            cond = re.sub(r"^(?:with|a|their)\s+", "", cond)
            lo: float | None = None
            hi: float | None = None
            if m.re is _AGE_EXCEPTION[0]:
                lo = float(m.group(1))
                hi = float(m.group(2)) if m.group(2) else lo
                if lo > hi:
                    continue
            prefix = "if" if _IF_CONDITION.match(cond) else "with"
            found.append((lo, hi, f"{prefix} {cond}", m.group(0).strip(" ()")))
            chars[m.start() : m.end()] = " " * (m.end() - m.start())
    return "".join(chars), found


def _attach_exceptions(
    rules: list[Any], exceptions: list[tuple[float | None, float | None, str, str]]
) -> list[Any]:
    """Loosen the client's age rule by each exception; an exception with nothing to loosen is
    kept as an unclear requirement (nothing is dropped)."""
    out = list(rules)
    for lo, hi, cond, written in exceptions:
        ages = [i for i, r in enumerate(out) if isinstance(r, AgeRule) and r.applies_to == "client"]
        done = False
        if len(ages) == 1:
            rule: AgeRule = out[ages[0]]
            update: dict[str, Any] = {}
            if rule.min_age is not None and (lo is None or (hi is not None and hi < rule.min_age)):
                update["exception_min_age"] = 0.0 if lo is None else lo
            elif rule.max_age is not None and (hi is None or (lo is not None and lo > rule.max_age)):
                update["exception_max_age"] = 130.0 if hi is None else hi
            if update:
                try:
                    out[ages[0]] = AgeRule.model_validate({
                        **rule.model_dump(), **update, "exception": cond,
                        "source_text": f"{rule.source_text} ({written})",
                    })  # fmt: skip
                    done = True
                except ValidationError:
                    done = False
        if not done:
            out.append(OtherRule(source_text=written, text=written, confidence=0.3))
    return out


def _pregnant_or_children(rules: list[Any]) -> list[Any]:
    """Pregnant women named beside children ("Children up to age 19, and pregnant women",
    "Families with children under 3 and pregnant women") are alternatives: one family rule
    (a child of those ages, or pregnant), not a pregnancy, a woman and a child all required.
    The female rule goes with the pregnancy it came from."""
    pregnancy = [r for r in rules if isinstance(r, PregnancyRule)]
    children = [r for r in rules if isinstance(r, AgeRule) and r.applies_to == "dependent"
                and r.min_age in (None, 0.0) and r.exception is None]  # fmt: skip
    families = [r for r in rules if isinstance(r, ParentingRule) and not r.excluded]
    if not pregnancy or not (children or families):
        return rules
    limits = [r.max_age for r in children] + [r.max_child_age for r in families]
    one = ParentingRule(
        pregnant_ok=True,
        max_child_age=None if None in limits else max(v for v in limits if v is not None),
        confidence=min(r.confidence for r in [*pregnancy, *children, *families]),
        source_text="; ".join(
            dict.fromkeys(r.source_text for r in [*children, *families, *pregnancy])
        ),
    )
    gone = {id(r) for r in [*pregnancy, *children, *families]}
    kept = [r for r in rules if id(r) not in gone
            and not (isinstance(r, GenderRule) and r.allowed == frozenset({"female"}) and not r.excluded)]  # fmt: skip
    return [*kept, one]


def _merge(text: str, rules: list[Any]) -> list[Any]:
    rules = rules + _generic_ages(text, rules)
    if any(isinstance(r, AgeRule) for r in rules):  # "pregnant women of any age": a sub-group's
        rules = [r for r in rules if not (isinstance(r, NoRequirement) and r.about == "age")]
    rules = _merge_genders(_accompanying_children(rules))
    genders = [r for r in rules if isinstance(r, GenderRule)]
    served = frozenset().union(*(r.allowed for r in genders)) if genders else frozenset()
    if {"female", "male"} <= served:
        rules = [r for r in rules if not isinstance(r, GenderRule)]
    if any(isinstance(r, ParentingRule) and r.pregnant_ok for r in rules):
        rules = [r for r in rules if not isinstance(r, PregnancyRule)]
    parenting = [r for r in rules if isinstance(r, ParentingRule)]
    if len(parenting) > 1:  # alternatives: keep one, as loose as the loosest
        limits = [r.max_child_age for r in parenting]
        loosest = ParentingRule(
            max_child_age=None if None in limits else max(v for v in limits if v is not None),
            pregnant_ok=any(r.pregnant_ok for r in parenting),
            confidence=min(r.confidence for r in parenting),
            source_text="; ".join(dict.fromkeys(r.source_text for r in parenting)),
        )
        rules = [r for r in rules if not isinstance(r, ParentingRule)] + [loosest]
    rules = _pregnant_or_children(rules)
    ages = _merge_ages(rules)
    rest = [r for r in rules if not isinstance(r, AgeRule)]
    merged = ages + rest
    seen: set[str] = set()
    unique: list[Any] = []
    for rule in merged:
        if isinstance(rule, NoRequirement):
            key = f"none:{rule.about}"
        else:
            key = rule.model_dump_json(exclude={"source_text", "confidence"})
        if key not in seen:
            seen.add(key)
            unique.append(rule)
    order = ["age", "gender", "residency", "income", "veteran", "insurance", "immigration",
             "sobriety", "diagnosis", "pregnancy", "parenting", "situation", "exclusion", "none",
             "other"]  # fmt: skip
    return sorted(unique, key=lambda r: order.index(r.kind))


# Common ways of writing ages that the patterns below read once rewritten.
_REWRITES = (
    # "ages birth - 18", "from birth to age 3": birth is age 0
    (re.compile(r"\bbirth(?=\s*(?:-|to|through|thru)\s*(?:age\s+)?\d)", _I), "0"),
    # "6 weeks to 5 years", "8 1/2 weeks - 2 1/2 years": an age in weeks or months opening a
    # range of years is under one year, and a half year closing it counts by its whole years
    (re.compile(r"\b\d{1,3}(?:\s*\d?/\d)?\s*(?:weeks?|wks?\.?|months?|mos?\.?)(?:\s+old)?"
                r"(?=\s*(?:-|to|through|thru)\s*\d{1,2}(?:\s*1/2)?\s*(?:years?|yrs?)\b)", _I), "0"),
    (re.compile(r"\b(\d{1,2})\s*1/2(?=\s*(?:-|to|through|thru|years?|yrs?|and|or)\b)", _I), r"\1"),
    (re.compile(r"\bfrom\s+0\s*(?:-|to|through|thru)\s*(?:age\s+)?(\d{1,2})\b", _I), r"ages 0-\1"),
    # "Persons 50 & older": an ampersand in an age bound is "and"
    (re.compile(r"(?<=\d)\s*&\s*(?=(?:older|over|up|above|under|younger)\b)", _I), " and "),
    # "4 years of age or younger"
    (re.compile(r"\byears?\s+of\s+age\s+(?=(?:or|and)\s+(?:younger|under|older|over)\b)", _I), "years "),
    # "1- or 2- parent families", "single-parent families": families with children
    (re.compile(r"\b(?:(?:1|one|2|two)\s*-?\s*(?:or|and|/)\s*(?:1|one|2|two)|single|one|two|dual)\s*-?\s*"
                r"parent\s+(famil(?:y|ies))\b(?!\s+with\b)", _I), r"\1 with children"),
    (re.compile(r"\b(?:(?:1|one|2|two)\s*-?\s*(?:or|and|/)\s*(?:1|one|2|two)|single|one|two|dual)\s*-?\s*"
                r"parent\s+(famil(?:y|ies))\b", _I), r"\1"),
    # "Homeless families" (a shelter's wording): families with children
    (re.compile(r"\bhomeless\s+families\b(?!\s+(?:with|and|or|of|who|in)\b)", _I), "homeless families with children"),
    # "cannot help the homeless"
    (re.compile(r"\b(?:cannot|can't|can not|does not|do not|unable to)\s+(?:help|serve|assist)\s+(?:the\s+)?homeless(?:\s+(?:persons|people|individuals|clients))?\b", _I), "no homeless clients"),
)
_SENIOR_AGE = re.compile(r"(?<![\w-])(?P<pre>\w+\s+)?age\s+(?P<n>[5-9]\d)\b(?!\s*(?:-|to|through|thru|and|or|\+|years?\s+(?:and|or)))", _I)
_BOUND_WORDS = frozenset({"under", "below", "than", "to", "of", "until", "before", "at", "by"})


def _rewrite(text: str) -> str:
    """Rewrite age phrasings the patterns do not read into ones they do; a bare senior age in
    a programme's requirements ("resident, age 65") is a minimum age."""
    for pattern, repl in _REWRITES:
        text = pattern.sub(repl, text)

    def senior(m: re.Match[str]) -> str:
        pre = (m.group("pre") or "").strip().lower()
        if pre in _BOUND_WORDS:
            return m.group(0)
        return f"{m.group('pre') or ''}age {m.group('n')}+"

    return _SENIOR_AGE.sub(senior, text)


@lru_cache(maxsize=65_536)
def _parse_cached(text: str) -> tuple[Rule, ...]:
    cleaned = _rewrite(_clean(text))
    if not cleaned:
        return ()
    if _NONE_ALL.match(cleaned):
        return (NoRequirement(source_text=cleaned, confidence=0.95),)
    rules: list[Any] = []
    readable, exceptions = _age_exceptions(cleaned)
    for clause in _clauses(readable):
        try:
            rules.extend(_read_clause(clause))
        except Exception:  # a parser bug must not stop a directory loading: keep the text
            rules.append(OtherRule(source_text=clause, text=clause, confidence=0.1))
    merged = _merge(cleaned, rules)
    if not merged and any(_POINTER.search(part) for part in _clauses(readable)):
        # only a pointer ("See notes."): the rule is written elsewhere, so it is unknown
        return (OtherRule(source_text=cleaned, text=cleaned, confidence=0.3),)
    if exceptions:
        merged = _attach_exceptions(merged, exceptions)
    return tuple(merged)


def parse(text: str | None) -> list[Rule]:
    """Read free-text eligibility ("Age 18 or over; Medi-Cal accepted") into typed rules.

    Empty or missing text gives ``[]`` (nothing is known). Text that is not understood comes
    back as an :class:`OtherRule` holding the clause. Results are cached per text, so parsing a
    directory where many services share wording is fast. Never raises.

    >>> [r.describe() for r in parse("Ages 16 to 24")]
    ['age 16-24']
    >>> [r.describe() for r in parse("Income below 200% FPL; Medi-Cal accepted")]
    ['income up to 200% FPL', 'insurance: medicaid']
    >>> [r.describe() for r in parse("Children ages 0-5")]
    ['children age 0-5']
    """
    if not text or not isinstance(text, str):
        return []
    return list(_parse_cached(text))


_DESCRIPTION_KINDS = frozenset(
    {"age", "gender", "veteran", "situation", "pregnancy", "parenting", "diagnosis"}
)
_DESCRIPTION_FACTOR = 0.65  # an explicit restriction in a description ("... only", "18 and older")
_DESCRIPTION_MAX = 0.6
_DESCRIPTION_SECTION_FACTOR = 0.9  # a description's own "ELIGIBILITY:" section
_DESC_ELIGIBILITY = re.compile(r"(?:^|\n)\s*ELIGIBILITY\s*:\s*(.+?)(?=\n\s*\n|\n\s*[A-Z][A-Z &/'-]{2,40}:|$)", re.S)
_DESCRIPTION_LOOSE_FACTOR = 0.5  # a plain "for X": never sure enough to exclude on its own
_DESCRIPTION_LOOSE_MAX = 0.45
_DESC_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+|:\s+(?=[A-Z])")
_DESC_FOR = re.compile(
    r"\b(?P<excl>(?:only|exclusively|specifically|solely)\s+)?"
    r"(?:for|serving|serves|services to|open to|available to|restricted to|limited to|designed for|intended for)\s+"
    r"(?P<who>(?:[\w+'-]+\s+){0,7}?[\w+'-]+)(?P<only>\s+only)?"
    r"(?=\s*(?:[.;:!?()]|,|$)|\s+(?:who|that|in|at|through|by|from|on|which|and their|seeking"
    r"|needing|looking|living|residing|across|throughout|within|during|each|every)\b"
    r"|(?<=\d)\s+with\b)",  # "for young people aged 5-18 with a sibling ...": the ages close it
    _I,
)  # fmt: skip
_DESC_OPENS_WITH_FAMILIES = re.compile(
    r"^\W*(?:(?:an?\s+)?(?:emergency\s+|family\s+|transitional\s+)?(?:shelter|housing)\s+for\s+)?"
    r"(?:[\w-]+\s+){0,4}?famil(?:y|ies)\b(?!\s+(?:members?|and friends|of|support|centers?|services)\b)",
    _I,
)
"""A description opening with the families it takes ("1- or 2- parent families with children
under 18; pregnant women ...", "Shelter for 1- or 2- parent families, expectant couples ...", as
Link-SF's family shelters write it): its family rule, with the pregnant women named beside it,
is whom the service takes."""
_DESC_TRAILING_AGES = re.compile(
    r"(?:\b(?:aged?|ages)\s+\d{1,2}\s*(?:-|to|through|thru)\s*\d{1,2}"
    r"|\b(?:under|below|over)\s+(?:the\s+)?(?:age\s+(?:of\s+)?)?\d{1,2})(?:\s+years?(?:\s+old)?)?$",
    _I,
)
"""Ages closing a list of groups ("children and young people under the age of 35"): they bound
every group named, so the age limit holds though the groups are alternatives."""
_DESC_RESIDENCE = re.compile(
    r"\b(?:housing|shelters?|homes?|house|residences?|beds|apartments|rooms|lodging|lodges?)\s*$",
    _I,
)
"""A residence named right before whom it is "for" ("transitional housing for female
ex-offenders", "a shelter for men"): sleeping quarters for one gender house only that gender,
so the gender is a restriction (not a loose "for X"); other groups named there stay loose."""
_DESC_ONLY = re.compile(r"(?:^|[.;:,]\s*)(?P<who>(?:[\w+'-]+\s+){0,3}[\w+'-]+)\s+only\b", _I)
_DESC_OPENING_AGES = re.compile(
    r"(?:^|(?<=[.;!?]))\W*(?P<who>(?:youths?|teens?|teenagers|adolescents|children|kids|adults|seniors|girls|boys"
    r"|young (?:people|adults|men|women))\s+(?:aged?\s+|ages\s+)?\d{1,2}\s*(?:-|to|through|thru)\s*\d{1,2}"
    r"(?:\s+years?(?:\s+old)?)?)(?P<only>\s+only)?\b",
    _I,
)
"""A sentence opening with a group and its ages ("Youths 11-17 who are not on probation, call
...", "Youths aged 12-17 call"): whom the service takes, as Link-SF's notes state it."""
_DESC_LIST = re.compile(
    r",|\bor\b|\band\b(?!\s+(?:older|over|up|above|under|younger|below|their children|children))", _I
)
_DESC_LIST_AFTER = re.compile(
    r"\s*(?:,\s*)?(?:and|or|&|/|plus|as well as)\s|\s*,\s*[\w'-]+(?:\s+[\w'-]+)?\s*(?:,|\b(?:and|or)\b)", _I
)
_DESC_PAREN_AGES = re.compile(
    r"\s*\((?P<ages>(?:ages?\s+)?(?:birth|\d{1,2})\s*(?:-|to|through|thru)\s*\d{1,2}"
    r"|(?:ages?\s+)?\d{1,2}\s*(?:\+|(?:and|or)\s+(?:older|over|up|above|under|younger)))(?=[\s,;)])",
    _I,
)
"""Ages in a parenthesis right after whom a service is for ("for school-aged children (ages 5
through 14 as long as they are in school)"): they bound that group; the rest of the aside is
not read."""
_DESC_GENDER_OVER_LIST = re.compile(
    r"^(female|male)\s+(?!and\b|or\b)[\w+'-]+\s+(?:and|or|&)\s+"
    r"(?!.*\b(?:women|woman|females?|girls?|mothers?|men|man|males?|boys?|fathers?|children|child|kids|families|family|their|spouses?|partners?|husbands?)\b)",
    _I,
)
"""A gender adjective that leads a list ("for female ex-offenders and recovering addicts")
qualifies every item of it: the gender is a rule for the whole list (only the gender; what
the first item alone says, "ex-offenders", is one alternative). A list naming another gender
or children ("female veterans and their children", "male and female") is not read so."""
_DESC_HEADER = re.compile(r"(?:^|\n)\s*([A-Z][A-Z &/'-]{2,40}):")
_DESC_ENUMERATED = re.compile(r"(?:^|\s)(?:\d{1,2}[).]|[•·*]|-)\s+\S", re.M)
_DESC_AGE_BOUND = re.compile(
    r"\d\s*\+|\band (?:older|over|up|above|under|younger)\b|\bages?\s+\d"
    r"|\b(?:birth|\d{1,2})\s*(?:-|to|through|thru)\s*\d{1,2}\b(?!\s*(?:days?|weeks?|months?|hours?|%))", _I)  # fmt: skip


def description_eligibility(eligibility: str | None, description: str | None) -> str:
    """The text of a description's own "ELIGIBILITY:" section when the eligibility field gives
    no clear rule ("See notes."), else "": the section is then the service's eligibility text,
    as :func:`rules_for_service` reads it.

    >>> text = "ELIGIBILITY: Adults with disabilities.\\n\\nOVERVIEW: Jobs."
    >>> description_eligibility("See notes.", text)
    'Adults with disabilities.'
    >>> description_eligibility("Ages 18+.", "ELIGIBILITY: Adults with disabilities.")
    ''
    """
    section = _eligibility_section(description)
    if not section or not _nothing_clear(parse(eligibility)):
        return ""
    return section


def _eligibility_section(description: str | None) -> str:
    """The text under a description's own "ELIGIBILITY:" heading ("" when it has none)."""
    if not description or not isinstance(description, str):
        return ""
    section = _DESC_ELIGIBILITY.search(description)
    return section.group(1).strip() if section else ""


def _nothing_clear(rules: Iterable[Rule]) -> bool:
    """Whether an eligibility text's rules say nothing clear (none, or only unread text such as
    "See notes."): then the description may say who the service is for."""
    return all(isinstance(r, OtherRule) for r in rules)


def _description_rules(description: str | None) -> list[Rule]:
    """Restrictions stated plainly in a service description ("for women 18 and older",
    "serving seniors 60+", "men only"), with lowered confidence and ``origin="description"``.

    A description with its own "ELIGIBILITY:" section (common in 211 exports whose
    eligibility field says "See notes.") has that section read like an eligibility field, at
    0.9 of the confidence. Otherwise it is conservative on purpose: only a short phrase after
    "for/serving/open to ..." or before "only", whose every word the parser reads as a who-it-is-for rule (age, gender, veteran,
    situation, pregnancy, parenting, diagnosis), with no list of alternatives; a plain "for X"
    without "only" or an age bound never excludes (confidence <= 0.45), except the gender of a
    residence ("transitional housing for female ex-offenders", see :data:`_DESC_RESIDENCE`).
    """
    if not description or not isinstance(description, str):
        return []
    section = _eligibility_section(description)
    if section:  # "ELIGIBILITY: ..." under its own heading: read like an eligibility field
        return [
            r.model_copy(
                update={
                    "confidence": round(r.confidence * _DESCRIPTION_SECTION_FACTOR, 3),
                    "origin": "description",
                    "source_text": f"description: {r.source_text}",
                }
            )
            for r in parse(section)
            if not isinstance(r, OtherRule)
        ]
    text = _overview(description)
    if not text or len(_DESC_ENUMERATED.findall(text)) >= 2:
        return []  # several programs listed: a restriction may be one program's only
    out: list[Rule] = []
    seen: set[str] = set()
    sentences = _DESC_SENTENCE.split(_clean(text))
    if _DESC_OPENS_WITH_FAMILIES.match(sentences[0]):  # "1- or 2- parent families with children ..."
        for rule in parse(sentences[0]):
            if isinstance(rule, ParentingRule) and not rule.excluded:
                seen.add(rule.model_dump_json(exclude={"source_text", "confidence"}))
                out.append(rule.model_copy(update={
                    "confidence": round(min(_DESCRIPTION_MAX, rule.confidence * _DESCRIPTION_FACTOR), 3),
                    "origin": "description", "source_text": f"description: {rule.source_text}",
                }))  # fmt: skip
    for sentence in sentences:
        for m in _ZIP_RESIDENCY.finditer(sentence):  # "Must live in 94110 or 94103 zip code."
            out.append(ResidencyRule(
                area=_zip_area(m), confidence=round(min(_DESCRIPTION_MAX, 0.8 * _DESCRIPTION_FACTOR), 3),
                origin="description", source_text=f"description: {m.group(0)}",
            ))  # fmt: skip
        candidates = [(m, bool(m.group("excl") or m.group("only"))) for m in _DESC_FOR.finditer(sentence)]
        candidates += [(m, True) for m in _DESC_ONLY.finditer(sentence)]
        candidates += [(m, True) for m in _DESC_OPENING_AGES.finditer(sentence)]
        for m, explicit in candidates:
            who = m.group("who").strip()
            ages = _DESC_PAREN_AGES.match(sentence, m.end())
            if ages and not m.group("only"):  # "for school-aged children (ages 5 through 14 ...)"
                who = f"{who.split()[-1]} {ages.group('ages')}"  # the ages bound the group named
            if len(who.split()) > 8 or _DESC_LIST_AFTER.match(sentence, m.end()):
                continue  # "for children up to age 19, and pregnant women": alternatives
            if _DESC_LIST.search(who):
                gender = _DESC_GENDER_OVER_LIST.match(who)
                ages = _DESC_TRAILING_AGES.search(who)
                if gender:
                    who = gender.group(1)  # "female ex-offenders and recovering addicts": "female"
                elif ages:
                    who = ages.group(0)  # "children and young people under the age of 35"
                else:
                    continue  # alternatives: no rule holds for all of them
            rules = parse(who)
            if not rules or any(r.kind not in _DESCRIPTION_KINDS for r in rules):
                continue
            strict = explicit or bool(_DESC_AGE_BOUND.search(who))
            residence = bool(_DESC_RESIDENCE.search(sentence[: m.start()]))
            written = m.group(0).strip(" ,.;:")
            for rule in rules:
                key = rule.model_dump_json(exclude={"source_text", "confidence"})
                if key in seen:
                    continue
                seen.add(key)
                firm = strict or (residence and rule.kind == "gender")
                out.append(rule.model_copy(update={
                    "confidence": round(min(
                        _DESCRIPTION_MAX if firm else _DESCRIPTION_LOOSE_MAX,
                        rule.confidence * (_DESCRIPTION_FACTOR if firm else _DESCRIPTION_LOOSE_FACTOR),
                    ), 3),
                    "origin": "description", "source_text": f"description: {written}",
                }))  # fmt: skip
    kinds = [r.kind for r in out]
    return [r for r in out if kinds.count(r.kind) == 1]  # two of a kind disagree: neither


def programme_rules(text: str | None) -> list[Rule]:
    """Restrictions one numbered programme's own text states ("Operates 12 apartments for
    homeless women with children only."), read like a description's (:func:`_description_rules`):
    they are that programme's, for the need it serves, not the whole service's.

    A programme's text is about that programme alone, so a sentence that is only its ages
    ("Ages 4-14 years.", "Ages 21 and up.") is its age limit too, as a description's is not
    (there it may be one programme's), and more precise than whom it is loosely "for" ("for
    adults"); ages ending below 18 are the children's it serves, met by the client or a child
    in the household.

    >>> [r.describe() for r in programme_rules("Provides transitional shelter for men.")]
    ['male only']
    >>> [r.describe() for r in programme_rules("Day camp with field trips. Ages 4-14 years.")]
    ['children age 4-14']
    """
    out = _description_rules(text)
    if not text:
        return out
    for sentence in _DESC_SENTENCE.split(_clean(text)):
        bare = _BARE_AGES.match(sentence)
        if bare is None:
            continue
        ages = [r for r in parse(bare.group(0)) if isinstance(r, AgeRule)]
        if len(ages) == 1:
            (age,) = ages
            children = age.max_age is not None and age.max_age < _ADULT_AGE
            return [*(r for r in out if r.kind != "age"), age.model_copy(update={
                "confidence": round(min(_DESCRIPTION_MAX, age.confidence * _DESCRIPTION_FACTOR), 3),
                "origin": "description", "source_text": f"description: {bare.group(0).strip()}",
                "applies_to": "dependent" if children else age.applies_to,
            })]  # fmt: skip
    return out


_BARE_AGES = re.compile(
    r"^\W*(?:for\s+)?ages?\s+(?:\d{1,2}\s*(?:-|to|through|thru)\s*\d{1,2}"
    r"|\d{1,2}\s*(?:\+|(?:and|or)\s+(?:older|over|up|above|under|younger)))"
    r"(?:\s+years?(?:\s+(?:old|of age))?)?(?=\s*(?:[.;,]|$))",
    _I,
)
"""A sentence of a programme's text that opens with nothing but ages ("Ages 5-18 years, Sat,
10AM-Noon", "Ages 21 and up.")."""


def _overview(description: str) -> str:
    """The part of a description about the whole service: all of it, or, when it is divided
    under capitalised headings ("OVERVIEW:", "SERVICES:", "DONATIONS:"), the text before the
    first heading or else the overview only."""
    headers = list(_DESC_HEADER.finditer(description))
    if not headers:
        return description
    if headers[0].start() > 0:  # text before the first heading ("...  VOLUNTEERS: ...")
        return description[: headers[0].start()]
    if len(headers) == 1:
        return description[headers[0].end() :]
    for i, h in enumerate(headers):
        if h.group(1).strip().upper() in ("OVERVIEW", "ABOUT", "DESCRIPTION", "SUMMARY"):
            end = headers[i + 1].start() if i + 1 < len(headers) else len(description)
            return description[h.end() : end]
    return ""


_WIC = re.compile(r"\bWIC\b")
_WIC_RULE = ParentingRule(
    pregnant_ok=True,
    max_child_age=4,
    confidence=0.8,
    source_text="name: WIC serves pregnant and postpartum women, infants and children under 5",
    origin="name",
)
"""A WIC programme's federal eligibility, read from its name when its text says nothing."""


def rules_key(service: Service) -> tuple[Any, ...]:
    """What :func:`rules_for_service` reads of a service: services with equal keys get equal
    rules (the index parses each distinct key once).

    >>> a = Service(id="a", name="Pantry", eligibility_description="See notes.", description="x")
    >>> b = Service(id="b", name="Pantry", eligibility_description="See notes.", description="y")
    >>> rules_key(a) == rules_key(b)
    False
    """
    text_rules = parse(service.eligibility_description)
    reads_description = all(isinstance(r, OtherRule) for r in text_rules)
    return (
        service.eligibility_description,
        service.minimum_age,
        service.maximum_age,
        bool(_WIC.search(service.name or "")),
        service.description if reads_description else None,
    )


def rules_for_service(service: Service) -> list[Rule]:
    """A service's rules: its ``eligibility_description`` parsed, with the structured
    ``minimum_age``/``maximum_age`` (years) replacing any ages read from the text, and clear
    restrictions read from its ``description`` for kinds the eligibility text leaves out.

    The structured ages describe whom the service serves: when the text only speaks of
    children's ages ("Children ages 0-5"), they replace those; otherwise the client's.

    Rules from the description ("A shelter for women 18 and older", "Men only") have
    ``origin="description"``, a ``source_text`` starting "description:" and a confidence of at
    most 0.6 (at most 0.45, which never excludes, for a plain "for X" without "only" or an age
    bound; 0.9 of what the field would give for a description's own "ELIGIBILITY:" section).
    They are read only when the eligibility text is missing or gives no clear rule
    ("See notes."), and never for ages when structured ages are given. A WIC programme (by
    its name) that states no family rule gets WIC's federal one (pregnant, or a child under 5).

    >>> s = Service(id="s1", name="Youth drop-in", minimum_age=12, maximum_age=24,
    ...             eligibility_description="Youth ages 12-17; Medi-Cal accepted")
    >>> [r.describe() for r in rules_for_service(s)]
    ['age 12-24', 'insurance: medicaid']
    >>> s = Service(id="s2", name="Safe Haven", description="A shelter for women 18 and older.")
    >>> [(r.describe(), r.confidence, r.origin) for r in rules_for_service(s)]
    [('age 18+', 0.6, 'description'), ('female only', 0.552, 'description')]
    """
    text_rules = parse(service.eligibility_description)
    if _WIC.search(service.name or "") and not any(
        r.kind in ("parenting", "pregnancy") for r in text_rules
    ):
        text_rules = [*text_rules, _WIC_RULE]
    extra: list[Rule] = []
    if _nothing_clear(text_rules):
        covered = set()
        if service.minimum_age is not None or service.maximum_age is not None:
            covered.add("age")
        extra = [r for r in _description_rules(service.description) if r.kind not in covered]
    rules = text_rules + extra
    if service.minimum_age is None and service.maximum_age is None:
        return rules
    lo, hi = service.minimum_age, service.maximum_age
    if lo is not None and hi is not None and lo > hi:
        return rules  # contradictory structured ages: keep what the text says
    ages = [r for r in rules if isinstance(r, AgeRule)]
    who = "dependent" if ages and all(r.applies_to == "dependent" for r in ages) else "client"
    structured = AgeRule(
        min_age=lo, max_age=hi, applies_to=who, confidence=1.0,
        source_text="minimum_age/maximum_age", origin="structured",
    )  # fmt: skip
    kept = [r for r in rules if not (isinstance(r, AgeRule) and r.applies_to == who)]
    return [structured, *kept]
