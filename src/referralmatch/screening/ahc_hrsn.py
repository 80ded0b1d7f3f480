"""The CMS Accountable Health Communities HRSN screening tool: answers to domains to needs.

The items, answer codes, positive answers and the need each positive domain raises are data,
in ``ahc_hrsn_items.json`` beside this module (core panel LOINC 96777-8, supplemental 97023-6).

Domains and the needs they raise (priority 1 = highest):

=========================  ===============================================================
living_situation           housing (2, soon); "no steady place" -> emergency_shelter (1, urgent)
housing_quality            housing (3)
utilities                  utilities (2, soon; already shut off: urgent)
food                       food (2, soon): either food item Often/Sometimes true
transportation             transportation (3)
interpersonal_safety       domestic_violence (1, urgent): four items 1-5, sum >= 11
financial_strain           financial (3)
employment                 employment (3)
family_community_support   support_groups (3): needs more help with daily activities, or
                           lonely often/always
education                  education (3); other language at home: education (5, ESL)
physical_activity          health_care (5): days x minutes < 150 minutes a week
substance_use              substance_use_treatment (3); tobacco alone: health_care (4)
mental_health              therapy (3, soon): PHQ-2 >= 3, or any stress beyond "Not at all"
disabilities               benefits_enrollment (4)
=========================  ===============================================================

Decisions:

- Disabilities map to ``benefits_enrollment`` rather than ``health_care``: the two disability
  items ask about functional limits (concentrating, errands alone), and the services they open
  (SSI/SSDI, Medicaid waivers, in-home supports) are reached through benefits enrollment.
- Tobacco use alone raises ``health_care`` (tobacco cessation), not substance-use treatment.
- "Speaks a language other than English at home" counts as positive for the education domain,
  as the reference rule says, but only at priority 5 (it is a flag for ESL or interpretation).
- Not confirmed against the CMS PDF (marked "verify" in the compiled reference): the physical
  activity rule (< 150 minutes a week, the Exercise Vital Sign convention) and the stress rule
  (any answer other than "Not at all").

Missing answers: core domains must be decided; supplemental domains are optional and a
supplemental item left out is simply not asked. A domain is decided as soon as the missing
answers cannot change its outcome (one positive food item is enough; three safety items summing
to 10 or more are positive whatever the fourth; a safety *score* is reported only when all
four are answered). An undecided core domain (or a half-answered supplemental sum) raises a
ScreeningError naming its missing items, unless ``partial=True`` or an urgent need was found
(an urgent finding is returned with ``unanswered`` set, never hidden behind an error).
"I choose not to answer this question" (LA30122-8) is accepted and leaves its item unknown.

Example:
    >>> r = ahc_hrsn({"living_situation": "LA31995-6", "housing_problems": "none",
    ...               "utilities": "No", "food_worry": "sometimes true",
    ...               "food_didnt_last": "never true", "transportation": "no",
    ...               "safety_hurt": 1, "safety_insult": 1, "safety_threaten": 1,
    ...               "safety_scream": 1})
    >>> r.positive_domains
    ('living_situation', 'food')
    >>> [(n.category, n.urgency) for n in r.needs]
    [('emergency_shelter', 'urgent'), ('food', 'soon')]
    >>> r.needs[0].provenance[0].describe()
    'AHC HRSN: 71802-3 = LA31995-6'
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources
from typing import Any

from referralmatch.models.need import Need, Provenance
from referralmatch.screening.instruments import (
    Answer,
    AnswerValue,
    Item,
    Option,
    Reading,
    finish,
    read_answers,
)
from referralmatch.screening.merge import merge_needs
from referralmatch.screening.result import ScreeningResult

__all__ = ["AHC_DOMAINS", "ahc_hrsn", "ahc_items"]

INSTRUMENT = "AHC HRSN"


class _Status(Enum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    UNDECIDED = "undecided"
    NOT_ASKED = "not asked"


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str  # "any" | "sum" | "weekly_minutes_below"
    items: tuple[str, ...]
    threshold: int = 0


@dataclass(frozen=True, slots=True)
class _Domain:
    key: str
    core: bool
    rules: tuple[_Rule, ...]
    need: Mapping[str, Any]
    answer_needs: Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class _Spec:
    items: tuple[Item, ...]
    positive: Mapping[str, frozenset[int]]  # item key -> positive option values
    item_needs: Mapping[str, Mapping[str, Any]]
    domains: tuple[_Domain, ...]
    declined: Option


@cache
def _spec() -> _Spec:
    raw = json.loads(
        resources.files("referralmatch.screening")
        .joinpath("ahc_hrsn_items.json")
        .read_text(encoding="utf-8")
    )
    scales = {
        name: tuple(Option(o[0], o[1], o[2], tuple(o[3]) if len(o) > 3 else ()) for o in options)
        for name, options in raw["scales"].items()
    }
    items = []
    positive: dict[str, frozenset[int]] = {}
    item_needs: dict[str, Mapping[str, Any]] = {}
    for entry in raw["items"]:
        ints = tuple(entry["ints"]) if "ints" in entry else None
        items.append(
            Item(
                entry["key"],
                entry["loinc"],
                scales[entry["scale"]],
                keys=tuple(entry.get("aliases", ())),
                ints=(ints[0], ints[1]) if ints else None,
                multi=bool(entry.get("multi", False)),
                yes_no=entry["scale"] == "yes_no",
            )
        )
        positive[entry["key"]] = frozenset(entry.get("positive", ()))
        if "need" in entry:
            item_needs[entry["key"]] = entry["need"]
    domains = tuple(
        _Domain(
            d["key"],
            d["section"] == "core",
            tuple(
                _Rule(r["kind"], tuple(r["items"]), int(r.get("at_least", r.get("below", 0))))
                for r in d["rules"]
            ),
            d["need"],
            d.get("answer_needs", {}),
        )
        for d in raw["domains"]
    )
    declined = raw["declined"]
    return _Spec(
        tuple(items),
        positive,
        item_needs,
        domains,
        Option(declined["code"], declined["texts"][0], -1, tuple(declined["texts"][1:])),
    )


def ahc_items() -> tuple[Item, ...]:
    """Every AHC HRSN item (readable key, LOINC code, answer options), in form order.

    >>> [i.key for i in ahc_items()][:3]
    ['living_situation', 'housing_problems', 'utilities']
    """
    return _spec().items


#: The domain keys, in form order (core first).
AHC_DOMAINS: tuple[str, ...] = (
    "living_situation",
    "housing_quality",
    "utilities",
    "food",
    "transportation",
    "interpersonal_safety",
    "financial_strain",
    "employment",
    "family_community_support",
    "education",
    "physical_activity",
    "substance_use",
    "mental_health",
    "disabilities",
)


@dataclass(slots=True)
class _Outcome:
    status: _Status
    missing: tuple[str, ...] = ()
    positives: tuple[Answer, ...] = ()  # answers that made an "any" rule positive
    cited: tuple[Answer, ...] = ()  # answers a sum/product rule used
    score: int | None = None
    note: str | None = None


def _rule_any(rule: _Rule, reading: Reading, core: bool) -> _Outcome:
    spec = _spec()
    answered = [reading.answers[k] for k in rule.items if k in reading.answers]
    unknown = tuple(k for k in rule.items if k not in reading.answers)
    hits = tuple(
        a for a in answered if any(o.value in spec.positive[a.item.key] for o in a.options)
    )
    if hits:
        return _Outcome(_Status.POSITIVE, positives=hits)
    if not unknown:
        return _Outcome(_Status.NEGATIVE)
    if not core:
        return _Outcome(_Status.NEGATIVE if answered else _Status.NOT_ASKED)
    return _Outcome(_Status.UNDECIDED, missing=unknown)


def _rule_sum(rule: _Rule, reading: Reading, core: bool) -> _Outcome:
    items = {i.key: i for i in _spec().items}
    answered = tuple(reading.answers[k] for k in rule.items if k in reading.answers)
    unknown = tuple(k for k in rule.items if k not in reading.answers)
    total = sum(a.value for a in answered)
    low = total + sum(items[k].bounds[0] for k in unknown)
    high = total + sum(items[k].bounds[1] for k in unknown)
    score = None if unknown else total
    note = (f"sum {total}" if score is not None else f"sum at least {low}") + (
        f"; positive at >= {rule.threshold}"
    )
    if not answered and not core:
        return _Outcome(_Status.NOT_ASKED)
    if low >= rule.threshold:
        return _Outcome(_Status.POSITIVE, cited=answered, score=score, note=note)
    if high < rule.threshold:
        return _Outcome(_Status.NEGATIVE, cited=answered, score=score)
    return _Outcome(_Status.UNDECIDED, missing=unknown)


def _rule_weekly(rule: _Rule, reading: Reading, core: bool) -> _Outcome:
    days_key, minutes_key = rule.items
    days, minutes = reading.answers.get(days_key), reading.answers.get(minutes_key)
    answered = tuple(a for a in (days, minutes) if a is not None)
    if not answered and not core:
        return _Outcome(_Status.NOT_ASKED)
    if days is not None and minutes is not None:
        weekly = days.value * minutes.value
    elif any(a.value == 0 for a in answered):
        weekly = 0
    else:
        missing = tuple(k for k, a in ((days_key, days), (minutes_key, minutes)) if a is None)
        return _Outcome(_Status.UNDECIDED, missing=missing)
    note = f"{weekly} minutes a week; positive below {rule.threshold}"
    status = _Status.POSITIVE if weekly < rule.threshold else _Status.NEGATIVE
    return _Outcome(status, cited=answered, score=weekly, note=note)


_RULES = {"any": _rule_any, "sum": _rule_sum, "weekly_minutes_below": _rule_weekly}


def _need(fields: Mapping[str, Any], answers: Sequence[Answer], note: str | None) -> Need:
    pairs = [pair for a in answers for pair in a.cites()]
    provenance = Provenance(
        instrument=INSTRUMENT,
        items=tuple(i for i, _ in pairs),
        answers=tuple(c for _, c in pairs),
        note=note,
    )
    return Need(
        fields["category"],
        priority=fields["priority"],
        urgency=fields["urgency"],
        detail=fields.get("detail"),
        provenance=(provenance,),
    )


def _domain_needs(domain: _Domain, outcomes: Sequence[_Outcome]) -> list[Need]:
    spec = _spec()
    needs: list[Need] = []
    for outcome in outcomes:
        if outcome.status is not _Status.POSITIVE:
            continue
        if outcome.cited or not outcome.positives:
            needs.append(_need(domain.need, outcome.cited, outcome.note))
            continue
        for answer in outcome.positives:
            codes = [o.code for o in answer.options if o.code]
            special = next(
                (domain.answer_needs[c] for c in codes if c in domain.answer_needs), None
            )
            fields = special or spec.item_needs.get(answer.item.key) or domain.need
            needs.append(_need(fields, [answer], outcome.note))
    return needs


def ahc_hrsn(answers: Mapping[str, AnswerValue], *, partial: bool = False) -> ScreeningResult:
    """Screen the AHC HRSN answers; return positive domains, sub-scores and needs.

    ``answers`` are keyed by item LOINC code (``"71802-3"``) or readable key
    (``"living_situation"``, ``"food_worry"``, ``"safety_hurt"``; see :func:`ahc_items`) and
    valued by LOINC answer code (``"LA31994-9"``) or answer text (case-insensitive; a
    parenthetical may be left out). The four safety items also take 1-5 points (Never ..
    Frequently), the PHQ-2 items 0-3 points, exercise days 0-7 and minutes a day 0-1440; yes/no
    items take ``True``/``False``; the housing-problems item takes a list (check all that apply).

    ``scores`` holds ``interpersonal_safety`` (points, 4-20), ``mental_health`` (PHQ-2 points,
    0-6) and ``physical_activity`` (minutes a week) where computable. There is no total score.

    >>> core = {"living_situation": "steady", "housing_problems": ["Mold", "LA31998-0"],
    ...         "utilities": "LA32-8", "88122-7": "LA28398-8", "88123-5": "never true",
    ...         "transportation": False, "95618-5": 2, "95617-7": 3, "95616-9": 3,
    ...         "95615-1": "Sometimes"}
    >>> r = ahc_hrsn(core)
    >>> r.positive_domains, r.scores
    (('housing_quality', 'interpersonal_safety'), {'interpersonal_safety': 11})
    """
    spec = _spec()
    reading = read_answers(answers, spec.items, declined=spec.declined)
    positive: list[str] = []
    negative: list[str] = []
    missing: list[str] = []
    scores: dict[str, int] = {}
    needs: list[Need] = []
    for domain in spec.domains:
        outcomes = [_RULES[rule.kind](rule, reading, domain.core) for rule in domain.rules]
        statuses = {o.status for o in outcomes}
        for outcome in outcomes:
            if outcome.score is not None:
                scores[domain.key] = outcome.score
        if _Status.POSITIVE in statuses:
            positive.append(domain.key)
            needs.extend(_domain_needs(domain, outcomes))
        elif _Status.UNDECIDED in statuses:
            missing.extend(k for o in outcomes for k in o.missing if k not in reading.declined)
        elif _Status.NEGATIVE in statuses:
            negative.append(domain.key)
    unanswered = finish(INSTRUMENT, reading, missing, partial=partial, needs=needs)
    undecided_declined = [
        k
        for domain in spec.domains
        if domain.key not in positive and domain.key not in negative
        for rule in domain.rules
        for k in rule.items
        if k in reading.declined
    ]
    return ScreeningResult(
        instrument=INSTRUMENT,
        scores=scores,
        positive_domains=tuple(positive),
        negative_domains=tuple(negative),
        needs=tuple(merge_needs(needs)),
        unanswered=tuple(dict.fromkeys([*unanswered, *undecided_declined])),
    )
