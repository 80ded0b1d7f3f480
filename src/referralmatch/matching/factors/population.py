"""Who a service is for: target populations of services, the client's situations, and the factor.

A service's targets come from AIRS/211 LA target-population codes (the ``Y`` facet, by the
longest prefix listed in ``needs/situations.json``, which may also list a service code whose
users are a population by its nature: ``HD-8000`` public schools serve students, ``LT-1750.0500``
HIV clinics people living with HIV, ``LJ-5000.6600`` prenatal care pregnant women; listed with a broader code it refines, a health centre's
``L``, it is one programme's and the service is marked :data:`OPEN_TO_ALL`), Open
Eligibility situation terms, and the
situation patterns found in its name, audience and eligibility text (with the description's own
"ELIGIBILITY:" section when the eligibility field only points to it, "See notes."), and the ages
its eligibility text gives (an age band within youth, "Ages 16-24", or from 60 up); gender targets (``women``,
``men``) come from the same places. A service naming more than :data:`BROAD_TARGETS`
situations is taken to serve everyone; one whose taxonomy codes alone give
:data:`PROGRAMME_TARGETS` or more is a multi-programme provider, marked :data:`OPEN_TO_ALL`, and so
is one whose text names only a broad population ("Low income.") beside specific population codes
(those are some programmes'). A population the eligibility text names inclusively ("including
senior citizens", "ex-offenders welcome") or excludes ("cannot help the homeless") is no target,
whatever the codes say. An age group beside a health condition (HIV, a listed condition) only
says which of the people with it are served: the condition is the target, and the age group is
one only when the service's name says it ("Pediatric AIDS Program"); even then it only narrows
(the service is marked :data:`ALL_OF`: an adult is outside it, a young client not known to have
the condition is no match). A client known to be outside any population of an :data:`ALL_OF`
service is outside it; one in only some is a partial match, whether or not its name says them.

The client's side is two sets: situations the client *has* (listed in ``situations``, with the
situations whose services serve them too, or implied by a field: 60 or older is ``senior``, under 25 ``youth``, ``veteran=True``, a dependant makes
``parenting``, ASL makes ``deaf_or_hard_of_hearing``) and situations the client is *known not* to
have (a known age, ``veteran=False``, a man is not ``pregnant``, a household of one with no
dependants is not ``parenting``). A need can settle a situation for all of the client's needs
(asking for substance-use treatment: ``in_recovery``; ``settled_by_needs`` in ``situations.json``).
Anything else is unknown, and unknown is neutral.

Factor (0-1): 1.0 when the service's name says it is aimed at a situation the client has (0.8
when only its taxonomy or eligibility text says so; 0.6 when the only one is a broad situation
such as low income, which most services share); 0.5 (neutral) when it is aimed at no one in
particular; 0.3 when it is aimed at populations the client is not known to belong to; 0.1 when
the client is known to be outside all of them; never below 0.5 for a service whose eligibility
text opens it to everyone. Restrictions that exclude are eligibility rules,
not this factor. The factor weighs more for a client whose situation is known
(:func:`situation_known`, ``MatchConfig.weight_population_known``).

Example:
    >>> targets = service_targets("Veterans Resource Center", "", "", ())
    >>> sorted(targets)
    ['veteran']
    >>> population_one(targets, frozenset({"veteran"}), frozenset(), named=targets)
    1.0
    >>> population_one(targets, frozenset({"veteran"}), frozenset())  # said only elsewhere
    0.8
    >>> population_one(targets, frozenset(), frozenset({"veteran"}))
    0.1
    >>> population_one(frozenset(), frozenset({"veteran"}), frozenset())
    0.5
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ...eligibility.parse import description_eligibility
from ...eligibility.parse import parse as parse_eligibility
from ...needs.classify import normalize_tokens
from ...needs.situations import situations
from .relevance import _airs_prefixes, is_airs_code

if TYPE_CHECKING:
    from ...models.client import ClientProfile
    from ...needs.categories import NeedCategories

__all__ = [
    "ADULT_AGE",
    "ALL_OF",
    "BROAD_SITUATIONS",
    "BROAD_TARGETS",
    "COMMUNITIES",
    "MATCHED_BROAD",
    "OPEN_TO_ALL",
    "PARTIAL",
    "POPULATIONS",
    "broad_populations",
    "client_populations",
    "named_targets",
    "need_populations",
    "peer_need",
    "peer_populations",
    "population_factor",
    "population_keys",
    "population_mask",
    "population_one",
    "required_populations",
    "service_targets",
    "situation_known",
]

BROAD_TARGETS = 5
"""A service aimed at more distinct populations than this serves everyone."""
PROGRAMME_TARGETS = 3
"""A service whose taxonomy codes alone (its name and eligibility text give none) give this many distinct
populations or more is a multi-programme provider (a health centre coded Pregnant Women, Older
Adults and Mental Illness for its prenatal, geriatric and psychiatric clinics): its codes say whom
some programmes serve, so a match counts, but the factor is never below neutral
(:data:`OPEN_TO_ALL`)."""

MATCHED, MATCHED_UNNAMED, NEUTRAL, NOT_KNOWN, MISMATCH = 1.0, 0.8, 0.5, 0.3, 0.1
MATCHED_BROAD = 0.6
"""A service aimed only at a broad situation the client is in (low income): a little above neutral."""
NAMED_SHIFT = 32
"""A population mask holds all targets in its low 32 bits and those the service's *name* gives
("New Moms Support Group") in its high 32 bits."""

OPEN_TO_ALL = "open_to_all"
"""Not a population: the mark of a service whose eligibility text opens it to everyone ("Open to
anyone.", "Open to the public."). Its population codes then tell whom some of its programmes
serve: a match counts, but the factor is never below neutral."""
ALL_OF = "all_of"
"""Not a population: the mark of a service whose eligibility text names several specific
populations in one clause with no alternative ("Homeless men recovering from addiction."): it is
for people in all of them, so a client in only some (homeless, not known to be in recovery) is a
partial match (:data:`PARTIAL`)."""
PARTIAL = NEUTRAL
"""The factor of a client in some, not all, of the populations an :data:`ALL_OF` service is for:
no better than a service aimed at no one in particular."""

_GENDER_AIRS = {"YS-2000": "women", "YS-5000": "men"}
_CONDITION_AIRS = ("YF-3000", "YF-8500", "YF-2000", "YF-2200", "YZ-2450")
"""Health conditions and losses (``YZ-2450`` Gambling Issues: a behavioural addiction, not substance use)."""
_CONDITION_PATTERN = (
    r"\b(?:cancer|ostomy|diabetes|diabetic|alzheimer'?s|dementia|parkinson'?s|autism|autistic|"
    r"epilepsy|seizures?|kidney|dialysis|brain injur(?:y|ies)|stroke|lupus|als|multiple sclerosis|"
    r"arthritis|asthma|sickle cell|hepatitis|heart disease|cerebral palsy|down syndrome|"
    r"spina bifida|tourette|huntington'?s|scleroderma|crohn'?s|celiac|fibromyalgia|laryngectom\w*|"
    r"amputees?|blind(?:ness)?|low vision|lost chord|suicide loss|survivors of suicide|"
    r"bereaved(?: parents)?|widow(?:s|ed|hood)?|infertility|miscarriage|stillbirth|"
    r"long[- ]term (?:health )?conditions?|asperger'?s?|"
    r"crime victims?|victims? (?:of (?:crime|violent crime|homicide)|(?:and|or|/) witness(?:es)?)|"
    r"homicide|murdered|sids|sudden infant death|infant loss|child loss|lost a child|"
    r"(?:compulsive|addicted|problem) gamblers?|gambling (?:problems?|addictions?|disorders?))\b"
)
_CONDITIONS = frozenset({"hiv", "condition"})
"""Health conditions a service may be aimed at; beside one, an age group only narrows who with it is served."""
_AGE_GROUPS = frozenset({"youth", "senior"})
_SUPPORT_GROUPS = "PN-8100"
_CONDITION_GROUPS = ("PN-8100.3000",)
"""AIRS Health/Disability Related Support Groups: a service whose only service codes are support
groups, one of them this, is a group for people with a health condition (a polio or lupus group
whose condition no pattern lists), aimed at ``condition``."""
_GENERAL_HEALTH = ("L", "LL-3000", "LN-1500")
"""AIRS codes of general health care (Health Care itself, Hospitals, Community Clinics): on such a
provider, health-condition target codes (Diabetes, Heart Disease) name its clinics' patients, not
whom it serves, and are no target unless its name or eligibility text names a condition."""
_LOSS = re.compile(r"\b(?:died|death|deceased|murdered|homicide|suicide|lost|loss)\b", re.I)
"""Words that make "families of ..." the bereaved, not carers."""
_GENDER_PATTERNS = {
    "women": r"\b(?:women|woman|females?|girls|mothers|moms|ladies)\b",
    "men": r"\b(?:men|males?|boys|fathers|dads)\b",
}
COMMUNITIES: dict[str, tuple[str, str, frozenset[str]]] = {
    "latino": ("the Hispanic/Latino community", r"hispanics?|latin[oa]s?|latinx|spanish[- ]speaking",
               frozenset({"es"})),
    "asian": ("an Asian community", r"asians?(?: americans?)?|koreans?(?: americans?)?|chinese|vietnamese",
              frozenset({"ko", "zh", "vi", "ja", "tl", "km", "th", "lo"})),
    "jewish": ("the Jewish community", r"jewish|jews", frozenset()),
    "native_american": ("Native Americans", r"native americans?|american indians?", frozenset()),
    "public_housing": ("public housing residents", r"public housing|housing choice vouchers?|section 8 vouchers?",
                       frozenset()),
}  # fmt: skip
"""Cultural, ethnic, faith and residential communities (the tenants of public housing) an eligibility text restricts a service to (key:
(label, pattern, ISO 639 languages whose speakers belong)). A client is never known to be outside one,
but a service restricted to a community the client is not known to belong to is no match
("Native Americans and their families" for a client who did not say so)."""
_COMMUNITY_TEXT = {k: re.compile(r"\b(?:" + p + r")\b", re.I) for k, (_, p, _) in COMMUNITIES.items()}
_OPEN_ANYWHERE = re.compile(
    r"\b(?:open to (?:anyone|all|everyone|the (?:general )?public)|general public|anyone in need"
    r"|or anyone|(?:and|or) others|non-(?:jewish|hispanic|latino))\b",
    re.I,
)


@cache
def _situation_keys() -> tuple[str, ...]:
    return tuple(s.key for s in situations())


@cache
def populations() -> tuple[str, ...]:
    """Every population key: the situations, ``women`` and ``men``, then ``condition`` (a
    specific health condition or loss: a cancer, ostomy or suicide-loss group), which a client
    is never known to be in, so a service aimed at one ranks below a general one."""
    return (*_situation_keys(), "women", "men", "condition", *COMMUNITIES, OPEN_TO_ALL, ALL_OF)


POPULATIONS = populations()
"""The population keys, in bit order (bit i of a population mask is ``POPULATIONS[i]``)."""
if len(POPULATIONS) > NAMED_SHIFT:  # a key past bit 31 would land among the name's targets
    raise RuntimeError(f"{len(POPULATIONS)} population keys do not fit a {NAMED_SHIFT}-bit mask")


_COMMUNITY_KEYS = frozenset(COMMUNITIES)

BROAD_SITUATIONS = frozenset(s.key for s in situations() if s.broad)
"""Situations most services share (low income): a match on one alone is :data:`MATCHED_BROAD`."""


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = [
        (s.key, re.compile(r"\b(?:" + "|".join(s.patterns) + r")\b", re.I))
        for s in situations()
        if s.patterns
    ]
    out += [(k, re.compile(p, re.I)) for k, p in _GENDER_PATTERNS.items()]
    out.append(("condition", re.compile(_CONDITION_PATTERN, re.I)))
    return tuple(out)


@cache
def _airs_map() -> dict[str, str]:
    out = dict(_GENDER_AIRS)
    out.update(dict.fromkeys(_CONDITION_AIRS, "condition"))
    for s in situations():
        for prefix in s.airs_prefixes:
            out[prefix.upper()] = s.key
    return out


@cache
def _oe_names() -> dict[tuple[str, ...], str]:
    return {normalize_tokens(n): s.key for s in situations() for n in s.open_eligibility_names}


_FAMILY_OF = re.compile(
    r"\b(?:famil(?:y|ies)(?: members)?|friends|loved ones|children|spouses?|partners?)"
    r"(?:,? (?:and|or|&) (?:friends|famil(?:y|ies)))? of\b",
    re.I,
)


_INCLUDING = r"including|includes|also|as well as|such as|even"
"""Words that name a population among others the service takes ("including senior citizens")."""
_INCLUSIVE_BEFORE = re.compile(
    rf"\b(?:{_INCLUDING}|and|or|any|all)\W+(?!(?:older|over|up|above|under|younger|ages?)\b)(?:\w+\W+){{0,2}}$", re.I
)
_INCLUSIVE_AFTER = re.compile(r"^\W*(?:\w+\W+){0,2}(?:are |also )?(?:welcome|accepted|eligible too)\b", re.I)
_WITH_ADULTS_BEFORE = re.compile(r"\badults?\s*(?:,|&|/|\band\b|\bor\b)\s*(?:\w+\W+){0,1}$", re.I)
_WITH_ADULTS_AFTER = re.compile(r"^\s*(?:(?:,|&|/|\band\b|\bor\b)\s*)+(?:\w+\s*,\s*)?(?<!young )adults?\b", re.I)
"""An age group listed with adults ("adolescents and adults", "adults & adolescents") is an
age range the service covers, not a restriction to that group."""
_OPEN_TO_ALL = re.compile(
    r"^\W*(?:open to (?:anyone|all|everyone|the public)|anyone|everyone|all ages|no restrictions)\b"
    r"(?!\s+(?:who|whose|with|that|in need of))",
    re.I,
)
_FIRST_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")


def _opens_to_all(text: str) -> bool:
    """Whether an eligibility text opens the service to everyone ("Open to anyone.", "Anyone in
    need, including homeless individuals."): not when its opening sentence goes on to name a
    population it requires ("Anyone 18 and older including homeless persons with severe mental
    illness", "Anyone over 18 years old, addicted to opiates"), which is whom it is for.

    >>> _opens_to_all("Anyone in need, including homeless individuals."), _opens_to_all("Anyone over 18, addicted to opiates.")
    (True, False)
    """
    m = _OPEN_TO_ALL.match(text)
    if m is None:
        return False
    end = _FIRST_SENTENCE_END.search(text, m.end())
    return not _text_targets(text[m.end() : end.start() if end else len(text)])


_KINSHIP = re.compile(
    r"\b(?:kinship|relative caregivers?|(?:grand)?parents raising|raising (?:their )?(?:grand)?children"
    r"|(?:grand)?children (?:being )?raised by)\b",
    re.I,
)
"""Kinship care: relatives raising children, who are parenting, not caring for an adult."""


_EXCLUDED_BEFORE = re.compile(
    r"\b(?:(?:cannot|can ?not|can't|does not|do not|doesn't|don't|will not|won't|unable to)\s+"
    r"(?:help|serve|accept|take|assist|admit)|except|excluding|other than"
    r"|(?:not|aren't|isn't|never|no longer|without)(?:\s+(?:currently|yet))?)\s+(?:the\s+)?$"
    r"|\bnon-?$",
    re.I,
)
"""A population the text excludes or negates ("cannot help the homeless", "other than parents",
"youth who aren't enrolled in school", "non-students")."""
_THEIR_PARENTS_BEFORE = re.compile(
    r"\b(?:their|his|her|youth'?s|child'?s|contact(?:s|ing)?|notify(?:ing)?|inform(?:s|ing)?"
    r"|(?:consent|permission|approval) (?:of|from))\s+(?:the\s+)?$",
    re.I,
)
"""Words before "parents" that make them someone else's (a young client's: "Agency must contact
parents", "youths and their parents"): the parents are not whom the service is for."""
_NAMED_INCLUSIVELY_BEFORE = re.compile(rf"\b(?:{_INCLUDING})\W+(?:\w+\W+){{0,2}}$", re.I)
"""The strict inclusive mentions ("including senior citizens"; not a bare "and" or "or", which
also joins a list of restrictions): the population is welcome, not required."""


def _text_targets(text: str, not_targets: set[str] | None = None) -> set[str]:
    """Populations a text aims at. "Families of veterans" names caregivers, not veterans;
    inclusive mentions ("ex-offenders welcome", "including those with HIV") and exclusions
    ("cannot help the homeless") target no one; the caregivers of kinship care ("children being
    raised by caregivers") are parenting. ``not_targets`` collects the populations the text
    names inclusively ("including senior citizens", "ex-offenders welcome") or excludes, which
    no taxonomy code can make targets either.

    >>> sorted(_text_targets("Caregivers (other than parents) and children being raised by caregivers."))
    ['parenting']
    >>> skipped: set[str] = set()
    >>> sorted(_text_targets("Low-income families, including senior citizens.", skipped)), sorted(skipped)
    (['low_income'], ['senior'])
    >>> sorted(_text_targets("Persons of all ages with disabilities."))  # "all ages": no list of others
    ['disability']
    """
    if not text or _opens_to_all(text):
        return set()
    if _KINSHIP.search(text):
        return (_text_targets(_KINSHIP.sub(" ", text), not_targets) - {"caregiver"}) | {"parenting"}
    out: set[str] = set()
    for key, pattern in _patterns():
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 40) : m.start()]
            after = text[m.end() : m.end() + 30]
            if (
                _EXCLUDED_BEFORE.search(before)
                or _INCLUSIVE_AFTER.match(after)
                or (_NAMED_INCLUSIVELY_BEFORE.search(before) and key not in ("women", "men"))
            ):
                if not_targets is not None:
                    not_targets.add(key)
                continue
            if _INCLUSIVE_BEFORE.search(before) and key not in ("women", "men", "condition"):
                continue
            if key == "parenting" and _THEIR_PARENTS_BEFORE.search(before):
                continue
            if key in ("youth", "senior") and (
                _WITH_ADULTS_BEFORE.search(before) or _WITH_ADULTS_AFTER.match(after)
            ):
                continue
            if _FAMILY_OF.search(before) and key not in ("women", "men"):
                out.add("caregiver")
            else:
                out.add(key)
    if "caregiver" in out and _LOSS.search(text):  # "families of persons who have died"
        out = (out - {"caregiver"}) | {"condition"}
    return out


@cache
def need_populations(need: str, categories: NeedCategories) -> frozenset[str]:
    """Situations that asking for ``need`` (or a category under one that implies it) implies
    for targeting: a treatment programme aimed at people with a substance use disorder is aimed
    at whoever asks for substance-use treatment.

    >>> from referralmatch.needs.categories import NeedCategories
    >>> sorted(need_populations("substance_use_treatment", NeedCategories.default()))
    ['in_recovery']
    """
    keys = {need, *(categories.ancestors(need) if need in categories else ())}
    return frozenset(s.key for s in situations() if keys & set(s.implied_by_needs))


def _aimed_service(code: str, airs: dict[str, str]) -> bool:
    """Whether a service code (not a ``Y`` target-population code) is one that
    ``situations.json`` says serves a population by its nature (``HD-8000`` public schools:
    students)."""
    return any(p in airs for p in _airs_prefixes(code))


def _relatives_only(listed: set[str], found: set[str]) -> set[str]:
    """The situations a service's codes give only for the relatives: a situation's code beside a
    code for the families and friends of people in it (Al-Anon: Alcohol Use Disorder beside
    Families/Friends of Individuals With an Alcohol Use Disorder) describes whose relatives the
    service serves, unless a service code serves the person themselves (treatment).

    >>> _relatives_only({"YF-8000.0500", "YJ-4840", "PN-8100.0500"}, {"in_recovery", "caregiver"})
    {'in_recovery'}
    >>> _relatives_only({"YF-8000.0500", "YJ-4850", "RX-8450.8000"}, {"in_recovery", "caregiver"})
    set()
    """
    out: set[str] = set()
    prefixes = {p for code in listed for p in _airs_prefixes(code)}
    for s in situations():
        if s.key not in found or not s.relatives_airs_prefixes:
            continue
        if prefixes & set(s.relatives_airs_prefixes) and not prefixes & set(s.person_airs_prefixes):
            out.add(s.key)
    return out


def _condition_group(listed: set[str]) -> bool:
    """Whether a service's AIRS service codes (not ``Y`` target codes) are all support groups and
    one is a health-condition support group (:data:`_CONDITION_GROUPS`): the service is that group,
    not a hospital listing one among its programmes.

    >>> _condition_group({"PN-8100.3000"}), _condition_group({"PN-8100.3000", "LL-3000", "YB-8000"})
    (True, False)
    """
    services = {c for c in listed if not c.startswith("Y")}
    return (
        bool(services)
        and all(c.startswith(_SUPPORT_GROUPS) for c in services)
        and any(c.startswith(_CONDITION_GROUPS) for c in services)
    )


def _general_health(listed: set[str]) -> bool:
    """Whether a service's AIRS codes make it a general health care provider (:data:`_GENERAL_HEALTH`).

    >>> _general_health({"L", "YF-3000.2440"}), _general_health({"LL-3000.1500"}), _general_health({"LH-2700"})
    (True, True, False)
    """
    return any(c == g or c.startswith(g + ".") for c in listed for g in _GENERAL_HEALTH)


def service_targets(
    name: str,
    eligibility: str,
    audience: str,
    taxonomy: Iterable[tuple[str | None, str | None, str | None]],
    description: str = "",
) -> frozenset[str]:
    """The populations a service is aimed at (empty: everyone), from its name, eligibility text,
    audience text and taxonomy terms ((taxonomy, code, name) triples) and, for carers, the
    support-group clauses of its description (:func:`_group_targets`); with :data:`OPEN_TO_ALL`
    when the eligibility text opens the service to everyone."""
    found: set[str] = set()
    airs = _airs_map()
    oe = _oe_names()
    taxonomy = tuple(taxonomy)
    listed = {c.strip().upper() for v, c, _ in taxonomy if c and is_airs_code(c, v)}
    one_programme: set[str] = set()
    for vocabulary, code, term in taxonomy:
        upper = code.strip().upper() if code and is_airs_code(code, vocabulary) else None
        if upper is not None and (upper.startswith("Y") or _aimed_service(upper, airs)):
            for prefix in _airs_prefixes(upper):
                key = airs.get(prefix)
                if key is not None:
                    found.add(key)
                    if not upper.startswith("Y") and listed.intersection(_airs_prefixes(upper)[1:]):
                        one_programme.add(key)  # an HIV clinic listed with the general health care it refines
                    break
        elif term:
            key = oe.get(normalize_tokens(term))
            if key is not None:
                found.add(key)
    found -= _relatives_only(listed, found)
    if _condition_group(listed):
        found.add("condition")
    # a description's own "ELIGIBILITY:" section, when the eligibility field only points to it
    # ("See notes."), is the eligibility text (as the eligibility parser reads it)
    section = description_eligibility(eligibility, description)
    if section:
        eligibility = f"{eligibility or ''} {section}".strip()
    open_to_all = _opens_to_all(eligibility or "")
    coded_genders = found & {"women", "men"}
    not_targets: set[str] = set()
    written = (
        _text_targets(name)
        | _text_targets(eligibility, not_targets)
        | _text_targets(audience)
        | _age_targets(eligibility)
        | _group_targets(description)
    )
    if not (written | found) & {"women", "men"}:
        written |= _purpose_gender(description)
    # a population the eligibility text names inclusively ("including senior citizens") or
    # excludes is no target, whatever the codes say
    found -= not_targets - written
    communities = _community_targets(eligibility) | _community_targets(audience)
    clinics_only = "condition" not in written and _general_health(listed)
    found |= written
    situations_found = found - {"women", "men"}
    # many populations from codes alone, none from its name or eligibility text: programmes'
    programme_codes = (
        len(situations_found) >= PROGRAMME_TARGETS or bool(one_programme)
    ) and not written - {"women", "men"}
    if situations_found and not written & {"women", "men"}:
        # a gender among other population codes, which no text repeats, is one programme's
        found -= coded_genders
    if len(situations_found) > BROAD_TARGETS:
        # many target codes: a service for everyone, unless its name or eligibility text
        # says whom it is for ("Persons with chronic mental illness")
        kept = written - {"women", "men"}
        found -= situations_found if len(kept) > BROAD_TARGETS else situations_found - kept
    if {"women", "men"} <= found:
        found -= {"women", "men"}
    # a text that names only a broad population ("Low income.") as whom the service is for, none
    # of the specific populations its codes give (Older Adults): those are some programmes'
    stated_elsewhere = (
        bool(found - written - {"women", "men"})
        and bool(written)
        and (not written - BROAD_SITUATIONS)
    )
    if clinics_only:  # a health centre's diabetes clinic; counted above among its many codes
        found.discard("condition")
    if found & _CONDITIONS and not (open_to_all or programme_codes or stated_elsewhere):
        # an age group beside a health condition says which of the people with it are served
        # (a paediatric HIV clinic, an Alzheimer's programme for older adults): the condition
        # is the target, and a client of that age alone is no match, unless the name says the age
        found -= _AGE_GROUPS - _text_targets(name)
        # an age group the name gives beside a condition ("Pediatric AIDS Program") still only
        # narrows: the service is for people of that age *with* the condition, so it rules out
        # a client outside the age group but is no match for one of that age alone
        narrowed = bool(found & _AGE_GROUPS)
    else:
        narrowed = False
    if (open_to_all or programme_codes or stated_elsewhere) and found:
        # the populations are some programmes': marked, not dropped
        found.add(OPEN_TO_ALL)
    elif narrowed or _all_of(eligibility, found):
        found.add(ALL_OF)
    return frozenset(found | communities)


_ALTERNATIVES = re.compile(
    r"\b(?:or|and|either|plus|also|as well as|including|includes)\b|&|;", re.I
)
_ASIDE = re.compile(r"\([^)]*\)")


def _all_of(eligibility: str, found: set[str]) -> bool:
    """Whether an eligibility text names two or more specific populations (not broad ones such
    as low income, nor a gender) in a clause that offers no alternative ("Homeless men recovering
    from addiction."; not "Homeless persons or persons with addictions", where an "and" or "or"
    may join alternatives, nor a list of three, nor across sentences); an aside in parentheses
    ("(physical or emotional)") is not read.

    >>> _all_of("Homeless men recovering from addiction.", {"homeless", "in_recovery", "men"})
    True
    >>> _all_of("Homeless persons and persons with addictions.", {"homeless", "in_recovery"})
    False
    """
    for sentence in re.split(r"(?<=[.!?])\s+", _ASIDE.sub(" ", eligibility or "")):
        if _ALTERNATIVES.search(sentence) or sentence.count(",") > 1:
            continue  # "Elderly, disabled, low income persons": a list of alternatives
        named = _text_targets(sentence) & found - BROAD_SITUATIONS - {"women", "men", "condition"}
        # two populations named in two places: one word for two ("WIC": pregnant or parenting) is not
        spans = {
            m.span()
            for key, pattern in _patterns()
            if key in named
            for m in pattern.finditer(sentence)
        }
        if len(named) >= 2 and len(spans) >= 2:
            return True
    return False


_GROUP_CLAUSE = re.compile(
    r"[^.;:\n]*\b(?:support groups?|group meetings?|peer support)\b[^.;\n]*", re.I
)
"""A description's clause about a support group ("Sponsors monthly group meetings for families,
caregivers and friends of persons with Alzheimer's disease")."""
_CARERS = re.compile(
    r"\b(?:care ?givers?|carers?|famil(?:y|ies)(?: members)?(?:,? (?:and|or|&) (?:care ?givers|friends)){0,2} of)\b",
    re.I,
)


def _group_targets(description: str) -> set[str]:
    """Carers when a description's support-group clause says the group is for them: a support
    group is for people who share an experience, and a group "for families, caregivers and
    friends of persons with Alzheimer's disease" is a carers' group whatever the service's name,
    eligibility text and codes say (those describe the person cared for: Older Adults). Not the
    bereaved ("families of persons who have died") nor kinship carers (relatives raising
    children are parenting).

    >>> _group_targets("1) DAY CARE. 2) SUPPORT GROUPS: Monthly meetings for families and friends of persons with dementia.")
    {'caregiver'}
    >>> _group_targets("Support groups for families of persons who died by suicide."), _group_targets("Support groups for people with cancer.")
    (set(), set())
    """
    if not description or _KINSHIP.search(description):
        return set()
    for m in _GROUP_CLAUSE.finditer(description):
        if _CARERS.search(m.group(0)) and not _LOSS.search(m.group(0)):
            return {"caregiver"}
    return set()


_PURPOSE_GENDER = re.compile(
    r"\b(?:for|to|serving|serves|supports?|helps?)\s+(?:\w+\s+){0,2}?"
    r"(?:(women|females?|girls)|(men|males?|boys))\s+(?:victims|survivors|only|experiencing|affected|who)\b",
    re.I,
)


def _purpose_gender(description: str) -> set[str]:
    """The one gender a description's opening sentence says the service is for ("a support
    service to male victims of domestic abuse", "for women survivors of violence"): where no
    eligibility text or code gives whom it serves, its own first sentence does. Both genders
    named, or none, is no target.

    >>> _purpose_gender("Provides a helpline to male victims of domestic abuse and their families.")
    {'men'}
    >>> _purpose_gender("Counselling for men and women who are survivors of abuse."), _purpose_gender("A food bank.")
    (set(), set())
    """
    first = _FIRST_SENTENCE_END.split(description or "", maxsplit=1)[0][:400]
    found = {"women" if m.group(1) else "men" for m in _PURPOSE_GENDER.finditer(first)}
    return set() if _MALE_WORD.search(first) and _FEMALE_WORD.search(first) else found


_MALE_WORD = re.compile(r"\b(?:men|males?|boys)\b", re.I)
_FEMALE_WORD = re.compile(r"\b(?:women|females?|girls)\b", re.I)


YOUTH_MAX_AGE = 24
SENIOR_MIN_AGE = 60
YOUTH_UNDER = YOUTH_MAX_AGE + 1
"""Under this age (years, fractional ages included) a client is young (``youth``); from
:data:`ADULT_AGE` up, by age alone only a broad match (:func:`broad_populations`)."""


def _age_targets(eligibility: str) -> set[str]:
    """Youth or seniors when the eligibility text's own ages (the client's, not a child's) lie
    within them: "Ages 16-24" is a youth programme, "Persons ages 60 and older" a senior one.

    >>> sorted(_age_targets("Ages 16-24, out of school.")), sorted(_age_targets("Children ages 3-5."))
    (['youth'], [])
    """
    out: set[str] = set()
    for rule in parse_eligibility(eligibility) if eligibility else ():
        if rule.kind != "age" or rule.applies_to != "client" or rule.confidence < 0.8:
            continue
        at = eligibility.find(rule.source_text)
        if at > 0 and _WITH_ADULTS_BEFORE.search(eligibility[max(0, at - 40) : at]):
            continue  # "Adults and seniors 60+": the ages a service covers, not a target
        if rule.max_age is not None and rule.max_age <= YOUTH_MAX_AGE:
            out.add("youth")
        elif rule.min_age is not None and rule.min_age >= SENIOR_MIN_AGE:
            out.add("senior")
    return out


def _community_targets(text: str) -> set[str]:
    """The :data:`COMMUNITIES` an eligibility text restricts a service to; none when the text
    also opens it to others ("priority to the Jewish population, although programs are open to
    anyone").

    >>> sorted(_community_targets("Persons of Hispanic origin - all ages"))
    ['latino']
    >>> _community_targets("Hispanic and Latino community or anyone in need of services.")
    set()
    >>> sorted(_community_targets("Public housing residents, ages 18 and older."))
    ['public_housing']
    """
    if not text or _OPEN_ANYWHERE.search(text):
        return set()
    return {k for k, pattern in _COMMUNITY_TEXT.items() if pattern.search(text)}


@lru_cache(maxsize=4096)
def population_keys(mask: int) -> frozenset[str]:
    """The population keys set in the low (all-targets) bits of a population mask.

    >>> sorted(population_keys(population_mask(["veteran", "homeless"])))
    ['homeless', 'veteran']
    """
    return frozenset(k for b, k in enumerate(POPULATIONS) if mask >> b & 1)


def population_mask(keys: Iterable[str]) -> int:
    """Bit mask of population keys (unknown keys are ignored).

    >>> population_mask(["homeless"]), population_mask(["veteran", "homeless"])
    (1, 5)
    """
    bits = {k: i for i, k in enumerate(POPULATIONS)}
    return sum(1 << bits[k] for k in set(keys) if k in bits)


_BROAD_MASK = population_mask(BROAD_SITUATIONS)


def client_populations(
    client: ClientProfile, on: date | None = None, *, targeted: bool = True
) -> tuple[frozenset[str], frozenset[str]]:
    """(populations the client has, populations the client is known not to have); without
    ``targeted``, the populations the client has leave out those only ``targeted_with`` adds
    (a carer is not an older adult)."""
    has = set(client.settled_situations(on))
    not_has: set[str] = set()
    age = client.age_on(on)
    if age is not None:
        if age < 55:
            not_has.add("senior")
        if age < YOUTH_UNDER:
            has.add("youth")
        elif age >= 30:
            not_has.add("youth")
    if client.veteran is False:
        not_has.add("veteran")
    if client.pregnant is False or (client.pregnant is None and client.gender == "male"):
        not_has.add("pregnant")
    if not client.dependents_ages and client.household_size == 1:
        not_has.add("parenting")
    asked = {n.category for n in client.needs or ()}
    for s in situations():
        if asked & set(s.settled_by_needs):
            has.add(s.key)
    for s in situations() if targeted else ():
        if s.key in has:
            has.update(s.targeted_with)
    has.update(k for k, (_, _, spoken) in COMMUNITIES.items() if spoken & set(client.languages or ()))
    if client.gender == "female":
        has.add("women")
        not_has.add("men")
    elif client.gender == "male":
        has.add("men")
        not_has.add("women")
    elif client.gender is not None:
        not_has |= {"women", "men"}
    return frozenset(has), frozenset(not_has - has)


ADULT_AGE = 18
"""From this age a client is an adult: younger and on their own, a minor (:func:`required_populations`)."""


def broad_populations(client: ClientProfile, on: date | None = None) -> frozenset[str]:
    """The populations a match on which alone is :data:`MATCHED_BROAD` for this client: the
    broad situations most services share (low income) and, for an adult whom only their age
    (18 to 24) makes young, not a stated situation, ``youth``: a young adult is in a youth
    programme's age band, but being young is not what they came for (a minor's age is: they
    are a youth programme's people).

    >>> from referralmatch import ClientProfile
    >>> [("youth" in broad_populations(ClientProfile(age=a, situations=s)))
    ...  for a, s in ((22, None), (19, ["youth"]), (16, None))]
    [True, False, False]
    """
    age = client.age_on(on)
    if age is not None and ADULT_AGE <= age < YOUTH_UNDER and "youth" not in client.settled_situations(on):
        return BROAD_SITUATIONS | {"youth"}
    return BROAD_SITUATIONS


def required_populations(
    client: ClientProfile,
    cats: Iterable[tuple[str, float]],
    categories: NeedCategories,
    on: date | None = None,
) -> frozenset[str]:
    """The populations one of which a service must be aimed at to suit this client for a need
    of categories ``cats``: ``youth`` for a minor on their own (under :data:`ADULT_AGE`, with no
    other adult in the household: its size, less the dependents, is at most one, or unknown) who
    asks for a place to stay (a :attr:`~referralmatch.needs.categories.NeedCategory.residential`
    category), since shelters and homes for adults and families do not take unaccompanied
    minors; none otherwise.

    >>> from referralmatch.models.client import ClientProfile
    >>> from referralmatch.needs.categories import NeedCategories
    >>> cats = NeedCategories.default()
    >>> alone = ClientProfile(age=17, household_size=1)
    >>> sorted(required_populations(alone, [("emergency_shelter", 1.0)], cats))
    ['youth']
    >>> required_populations(alone, [("food", 1.0)], cats), required_populations(
    ...     ClientProfile(age=17, household_size=3), [("emergency_shelter", 1.0)], cats)
    (frozenset(), frozenset())
    """
    age = client.age_on(on)
    if age is None or age >= ADULT_AGE:
        return frozenset()
    size = client.household_size
    if size is not None and size - len(client.dependents_ages or ()) > 1:
        return frozenset()
    if not any(k in categories and categories.get(k).residential for k, _ in cats):
        return frozenset()
    return frozenset({"youth"})


def peer_need(cats: Iterable[tuple[str, float]], categories: NeedCategories) -> bool:
    """Whether a need's categories are all peer groups (:attr:`NeedCategory.peer_group`): whom a
    service is for then counts by the client's own situations (:func:`peer_populations`).

    >>> from referralmatch.needs.categories import NeedCategories
    >>> cats = NeedCategories.default()
    >>> peer_need([("support_groups", 1.0)], cats), peer_need([("housing", 1.0)], cats)
    (True, False)
    """
    keys = [k for k, _ in cats]
    return bool(keys) and all(k in categories and categories.is_peer_group(k) for k in keys)


def peer_populations(client: ClientProfile, on: date | None = None) -> frozenset[str]:
    """The populations a client has for a peer-group need: a support group's members share a
    situation, so the situations whose services also serve the client (``targeted_with``: a
    carer at services for older adults, a tenant facing eviction at homeless services) are not
    the client's peers'.

    >>> from referralmatch import ClientProfile
    >>> c = ClientProfile(situations=["caregiver"])
    >>> "senior" in client_populations(c)[0], "senior" in peer_populations(c)
    (True, False)
    """
    return client_populations(client, on, targeted=False)[0]


def situation_known(client: ClientProfile, on: date | None = None) -> bool:
    """Whether the client's profile states or settles a specific situation (not only a broad
    one such as low income): then who a service is for weighs more (see
    :attr:`~referralmatch.MatchConfig.weight_population_known`).

    >>> from referralmatch import ClientProfile
    >>> situation_known(ClientProfile(situations=["low_income"])), situation_known(ClientProfile(veteran=True))
    (False, True)
    """
    return bool(client.settled_situations(on) - BROAD_SITUATIONS)


def named_targets(name: str) -> frozenset[str]:
    """The populations a service's name gives ("Veterans Job Center": veteran)."""
    return service_targets(name, "", "", ())


def population_one(
    targets: frozenset[str],
    has: frozenset[str],
    not_has: frozenset[str],
    named: frozenset[str] = frozenset(),
    required: frozenset[str] = frozenset(),
    broad: frozenset[str] = BROAD_SITUATIONS,
) -> float:
    """The population factor of one service (see the module docstring); ``named`` are the
    targets its name gives: a match there scores 1.0, a match found only elsewhere (taxonomy,
    eligibility text) 0.8; a client known to be outside every situation the name gives is a
    mismatch whatever else matches. A gender target alone is no boost. ``required``: the
    populations one of which a service must be aimed at to suit this client and need (young
    people, for a minor on their own asking for a place to stay; see
    :func:`required_populations`); any other service is at most :data:`NOT_KNOWN`. ``broad``:
    the populations a match on which alone is :data:`MATCHED_BROAD` (see
    :func:`broad_populations`)."""
    out = _population_one(targets, has, not_has, named, broad)
    return min(out, NOT_KNOWN) if required and not targets & required else out


def _population_one(
    targets: frozenset[str],
    has: frozenset[str],
    not_has: frozenset[str],
    named: frozenset[str],
    broad: frozenset[str],
) -> float:
    if OPEN_TO_ALL in targets:  # open to everyone: its populations are some programmes'
        return max(NEUTRAL, _population_one(targets - {OPEN_TO_ALL}, has, not_has, named, broad))
    if ALL_OF in targets:  # for people in all its populations: in only some is a partial match
        out = _population_one(targets - {ALL_OF}, has, not_has, named, broad)
        required = (
            targets - {ALL_OF, "women", "men", "condition"} - _COMMUNITY_KEYS - BROAD_SITUATIONS
        )
        if required & not_has:  # known to be outside one of them: outside the service's people
            return MISMATCH
        if out in (MATCHED, MATCHED_UNNAMED) and not required <= has:  # named or not
            return PARTIAL
        return out
    communities = targets & _COMMUNITY_KEYS
    situations_targeted = targets - {"women", "men"} - communities
    genders = targets & {"women", "men"}
    if genders and genders <= not_has:
        return MISMATCH
    named_situations = named & situations_targeted
    if named_situations and named_situations <= not_has:  # "Geriatric Psychiatry" for a client of 45
        return MISMATCH
    specific = (situations_targeted | communities) & has - broad
    if specific:
        out = MATCHED if named & specific else MATCHED_UNNAMED
    elif situations_targeted & has:
        out = MATCHED_BROAD
    elif not situations_targeted:
        out = NEUTRAL
    elif situations_targeted <= not_has:
        out = MISMATCH
    else:
        out = NOT_KNOWN
    if communities and not communities & has:  # restricted to a community the client may not be in
        return min(out, NOT_KNOWN)
    return out


_GENDER_MASK = population_mask(["women", "men"])
_COMMUNITY_MASK = population_mask(COMMUNITIES)
_OPEN_MASK = population_mask([OPEN_TO_ALL])
_ALL_OF_MASK = population_mask([ALL_OF])
_CONDITION_MASK = population_mask(["condition"])


def population_factor(
    masks: npt.NDArray[np.uint64],
    has_mask: int,
    not_mask: int,
    required_mask: int = 0,
    broad_mask: int = _BROAD_MASK,
) -> npt.NDArray[np.float64]:
    """Vectorised :func:`population_one` over population masks (see :data:`NAMED_SHIFT`);
    ``required_mask`` and ``broad_mask`` are the masks of its ``required`` and ``broad``.

    >>> vet = population_mask(["veteran"])
    >>> m = np.array([vet | vet << NAMED_SHIFT, vet, 0, population_mask(["senior"])], np.uint64)
    >>> population_factor(m, vet, population_mask(["senior"])).tolist()
    [1.0, 0.8, 0.5, 0.1]
    """
    wide = masks.astype(np.int64)
    named = (wide >> NAMED_SHIFT) & 0xFFFFFFFF
    low = wide & 0xFFFFFFFF
    g = low & _GENDER_MASK
    comm = low & _COMMUNITY_MASK
    sit = low & ~_GENDER_MASK & ~_COMMUNITY_MASK & ~_OPEN_MASK & ~_ALL_OF_MASK
    gender_mismatch = (g != 0) & ((g & ~not_mask) == 0)
    matched = (sit & has_mask) != 0
    specific = ((sit | comm) & has_mask & ~broad_mask) != 0
    out = np.where(sit == 0, NEUTRAL, NOT_KNOWN)
    out = np.where((sit != 0) & ((sit & ~not_mask) == 0), MISMATCH, out)
    out = np.where(matched, MATCHED_BROAD, out)
    out = np.where(specific, np.where((named & (sit | comm) & has_mask & ~broad_mask) != 0, MATCHED, MATCHED_UNNAMED), out)
    out = np.where((comm != 0) & ((comm & has_mask) == 0), np.minimum(out, NOT_KNOWN), out)
    named_sit = named & sit
    named_mismatch = (named_sit != 0) & ((named_sit & ~not_mask) == 0)
    out = np.where(gender_mismatch | named_mismatch, MISMATCH, out)
    required = sit & ~_CONDITION_MASK & ~_BROAD_MASK
    partial = ((low & _ALL_OF_MASK) != 0) & (out >= MATCHED_UNNAMED) & ((required & ~has_mask) != 0)
    out = np.where(partial, PARTIAL, out)
    outside = ((low & _ALL_OF_MASK) != 0) & ((required & not_mask) != 0)
    out = np.where(outside, MISMATCH, out)
    out = np.where((low & _OPEN_MASK) != 0, np.maximum(out, NEUTRAL), out)
    if required_mask:
        out = np.where((low & required_mask) == 0, np.minimum(out, NOT_KNOWN), out)
    return out
