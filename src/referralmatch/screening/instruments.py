"""Scored clinical screening instruments (PHQ-9, PHQ-2, GAD-7, AUDIT-C, DAST-10) and the
answer reading they share with the AHC HRSN tool.

Every instrument takes a mapping of answers keyed by item LOINC code or a readable key
(``"item1"``, ``"q1"``, ...) and valued by points (``int``), LOINC answer code (``"LA6570-1"``)
or answer text (case-insensitive). Bad input raises one
:class:`~referralmatch.errors.ScreeningError` naming every bad item and never an answer value.

Missing items: a total score needs every item. By default a missing item raises, except that a
finding that is already certain and urgent is never hidden behind an error: a PHQ-9 with item 9
above 0 returns the ``crisis`` need even when other items are missing (``score`` is then
``None`` and ``unanswered`` lists the missing items). With ``partial=True`` nothing is raised for
missing items; a need is raised only when the answered items already make the screen positive
whatever the missing answers would be.

Thresholds (cite the instruments): PHQ-9 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19
moderately severe, 20-27 severe, >=10 referral, item 9 > 0 same-day safety check; PHQ-2 >= 3;
GAD-7 5/10/15 mild/moderate/severe, >=10 referral; AUDIT-C >= 4 men, >= 3 women; DAST-10 0 none,
1-2 low, 3-5 moderate, 6-8 substantial, 9-10 severe, >=3 referral.

Needs raised (priority 1 = highest):

=========  ===========================  ========================================
PHQ-9      item 9 > 0                   crisis, 1, immediate
PHQ-9      10-14 / 15-19 / 20-27        therapy, 3 routine / 2 soon / 2 urgent
PHQ-2      >= 3                         therapy, 3, soon
GAD-7      10-14 / 15-21                therapy, 3 routine / 2 soon
AUDIT-C    positive                     substance_use_treatment, 3, routine
DAST-10    3-5 / 6-8 / 9-10             substance_use_treatment, 3 routine / 2 soon / 1 soon
=========  ===========================  ========================================

Example:
    >>> r = phq9({"item1": 2, "item2": 2, "item3": 1, "item4": 2, "item5": 1,
    ...           "item6": 1, "item7": 1, "item8": 0, "item9": 0})
    >>> r.score, r.band, [n.category for n in r.needs]
    (10, 'moderate', ['therapy'])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from referralmatch.errors import ScreeningError
from referralmatch.models.need import Need, Provenance, Urgency
from referralmatch.screening.merge import merge_needs
from referralmatch.screening.result import ScreeningResult

__all__ = ["AnswerValue", "audit_c", "dast10", "gad7", "phq2", "phq9"]

#: One answer: points or a number (int), a LOINC LA code or answer text (str), or for
#: check-all-that-apply items a sequence of codes or texts. For yes/no items ``True``/``1`` mean Yes.
AnswerValue: TypeAlias = str | int | Sequence[str] | None

_LA_CODE = re.compile(r"^la\d+-\d$", re.IGNORECASE)
_PAREN = re.compile(r"\([^)]*\)")
_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    """Normalise answer text for matching: case, quotes, spaces, parentheticals, end dots."""
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-")
    text = _PAREN.sub(" ", text)
    return _SPACE.sub(" ", text).strip().strip(".:;,").strip().casefold()


# --------------------------------------------------------------------------- answer reading


@dataclass(frozen=True, slots=True)
class Option:
    """One answer option: LOINC LA code (if any), canonical text, and points/ordinal value."""

    code: str | None
    text: str
    value: int
    aliases: tuple[str, ...] = ()

    @property
    def cite(self) -> str:
        """The code a provenance cites: the LA code, else the answer text."""
        return self.code or self.text


@dataclass(frozen=True, slots=True)
class Item:
    """One question: readable key, LOINC code, options and what else it accepts."""

    key: str
    loinc: str | None
    options: tuple[Option, ...]
    keys: tuple[str, ...] = ()
    ints: tuple[int, int] | None = None
    multi: bool = False
    yes_no: bool = False

    @property
    def cite(self) -> str:
        """The code a provenance cites: the LOINC code, else the readable key."""
        return self.loinc or self.key

    @property
    def bounds(self) -> tuple[int, int]:
        """Smallest and largest value an answer can have."""
        values = [o.value for o in self.options]
        if self.ints is not None:
            values.extend(self.ints)
        return min(values), max(values)


@dataclass(frozen=True, slots=True)
class Answer:
    """A resolved answer: the item and the chosen option(s)."""

    item: Item
    options: tuple[Option, ...]

    @property
    def value(self) -> int:
        """The points of a single-choice answer (the largest for a multi-select)."""
        return max(o.value for o in self.options)

    def cites(self) -> tuple[tuple[str, str], ...]:
        """(item code, answer code) pairs for provenance."""
        return tuple((self.item.cite, o.cite) for o in self.options)


@dataclass(slots=True)
class Reading:
    """What reading a mapping of answers found."""

    answers: dict[str, Answer]
    declined: list[str]
    problems: list[tuple[str, str]]
    totals: dict[str, int]


_YES = ("la33-6", "yes", "y", "true")
_NO = ("la32-8", "no", "n", "false")


def _match_option(item: Item, raw: str) -> Option | None:
    text = raw.strip()
    if _LA_CODE.match(text):
        code = text.casefold()
        return next((o for o in item.options if o.code and o.code.casefold() == code), None)
    if item.ints is not None and re.fullmatch(r"[+-]?\d+", text):
        return _int_option(item, int(text))
    want = _norm(text)
    if item.yes_no and want in _YES + _NO:
        want = "yes" if want in _YES else "no"
    for option in item.options:
        if want == _norm(option.text) or want in (_norm(a) for a in option.aliases):
            return option
    return None


def _int_option(item: Item, number: int) -> Option | None:
    if item.yes_no and number in (0, 1):
        return _match_option(item, "yes" if number else "no")
    if item.ints is None or not item.ints[0] <= number <= item.ints[1]:
        return None
    found = next((o for o in item.options if o.value == number), None)
    return found or Option(None, str(number), number)


def _resolve(
    item: Item, raw: object, declined: Option | None
) -> tuple[Option, ...] | Literal["missing", "declined", "invalid"]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return "missing"
    if isinstance(raw, bool):
        return _resolve(item, "yes" if raw else "no", declined) if item.yes_no else "invalid"
    if isinstance(raw, int):
        option = _int_option(item, raw)
        return (option,) if option else "invalid"
    if isinstance(raw, str):
        if declined is not None and (
            raw.strip().casefold() == (declined.code or "").casefold()
            or _norm(raw) in (_norm(t) for t in (declined.text, *declined.aliases))
        ):
            return "declined"
        option = _match_option(item, raw)
        return (option,) if option else "invalid"
    if item.multi and isinstance(raw, Sequence) and all(isinstance(x, str) for x in raw):
        if not raw:
            return "missing"
        chosen: list[Option] = []
        for element in raw:
            option = _match_option(item, element)
            if option is None:
                return "invalid"
            if option not in chosen:
                chosen.append(option)
        if len(chosen) > 1 and any(o.value == 0 for o in chosen):
            return "invalid"  # "None of the above" together with a problem
        return tuple(chosen)
    return "invalid"


def read_answers(
    answers: Mapping[str, AnswerValue],
    items: Sequence[Item],
    *,
    totals: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
    declined: Option | None = None,
) -> Reading:
    """Resolve ``answers`` against ``items``; collect every problem instead of stopping.

    ``totals`` maps accepted keys of a total-score item (e.g. ``"44261-6"``) to its name;
    ``ignore`` lists keys that are accepted and skipped (PHQ-2 reading PHQ-9 answers);
    ``declined`` is the option that means the client chose not to answer.

    >>> yes_no = (Option("LA33-6", "Yes", 1), Option("LA32-8", "No", 0))
    >>> r = read_answers({"q1": "yes", "zz": 1}, [Item("q1", None, yes_no)])
    >>> r.answers["q1"].value, r.problems
    (1, [('zz', 'unknown item')])
    """
    if not isinstance(answers, Mapping):
        raise ScreeningError("answers must be a mapping of item key to answer", ("answers",))
    lookup: dict[str, Item] = {}
    for item in items:
        for key in (item.key, item.loinc, *item.keys):
            if key:
                lookup[key.casefold()] = item
    total_lookup = {k.casefold(): v for k, v in (totals or {}).items()}
    skip = {k.casefold() for k in ignore}
    reading = Reading({}, [], [], {})
    seen: dict[str, tuple[Option, ...] | str] = {}
    for key, raw in answers.items():
        norm_key = str(key).strip().casefold()
        if norm_key in total_lookup:
            name = total_lookup[norm_key]
            if isinstance(raw, bool) or not isinstance(raw, int | str):
                reading.problems.append((name, "invalid total"))
            elif isinstance(raw, int) or re.fullmatch(r"\d+", raw.strip()):
                reading.totals[name] = int(raw)
            else:
                reading.problems.append((name, "invalid total"))
            continue
        found = lookup.get(norm_key)
        if found is None:
            if norm_key not in skip:
                reading.problems.append((_safe_key(key), "unknown item"))
            continue
        outcome = _resolve(found, raw, declined)
        if outcome == "missing":
            continue
        if found.key in seen and seen[found.key] != outcome:
            reading.problems.append((found.key, "conflicting answers under two keys"))
            continue
        seen[found.key] = outcome
        if outcome == "invalid":
            reading.problems.append((found.key, "invalid answer"))
        elif outcome == "declined":
            reading.declined.append(found.key)
        elif not isinstance(outcome, str):
            reading.answers[found.key] = Answer(found, outcome)
    return reading


_KEY_SHAPE = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")


def _safe_key(key: object) -> str:
    """An unknown answer key as the error shows it: keys shaped like item names or LOINC codes
    ("item10", "71802-3") as they are; anything else, which may be free text a caller put in
    the wrong place, is not shown."""
    text = str(key)
    return text if _KEY_SHAPE.match(text) else "(a key that is not an item name; not shown)"


def raise_problems(instrument: str, problems: Sequence[tuple[str, str]]) -> None:
    """Raise one ScreeningError naming every bad item and why (never an answer value)."""
    if not problems:
        return
    unique = list(dict.fromkeys(problems))
    keys = tuple(dict.fromkeys(k for k, _ in unique))
    listed = "; ".join(f"{k}: {why}" for k, why in unique)
    raise ScreeningError(f"{instrument}: {len(keys)} bad item(s): {listed}", keys)


def finish(
    instrument: str,
    reading: Reading,
    missing: Sequence[str],
    *,
    partial: bool,
    needs: Sequence[Need],
) -> tuple[str, ...]:
    """Apply the missing-item policy; return the ``unanswered`` keys for the result.

    Problems always raise (together with the missing items). Missing items raise unless
    ``partial`` is true or a certain urgent/immediate need was found (never hidden by an error).
    """
    urgent = any(n.urgency in ("urgent", "immediate") for n in needs)
    hint = "(pass partial=True to score what the answered items allow)"
    bad = {k for k, _ in reading.problems}
    missing = [k for k in missing if k not in bad]
    missing_problems = [(k, "missing") for k in missing]
    if reading.problems:
        raise_problems(instrument, [*reading.problems, *missing_problems])
    if missing and not partial and not urgent:
        raise_problems(instrument + " " + hint, missing_problems)
    return tuple(dict.fromkeys([*missing, *reading.declined]))


def check_total(reading: Reading, name: str, total: int | None) -> None:
    """Record a problem when a supplied total disagrees with the items' sum."""
    given = reading.totals.get(name)
    if given is not None and total is not None and given != total:
        reading.problems.append((name, "does not match the item answers"))


# --------------------------------------------------------------------------- scored instruments

_FREQ_0_3 = (
    Option("LA6568-5", "Not at all", 0),
    Option("LA6569-3", "Several days", 1),
    Option("LA6570-1", "More than half the days", 2),
    Option("LA6571-9", "Nearly every day", 3),
)
_YES_NO = (Option("LA33-6", "Yes", 1), Option("LA32-8", "No", 0))
_NO_YES_REVERSED = (Option("LA33-6", "Yes", 0), Option("LA32-8", "No", 1))


def _scored_items(codes: Sequence[str | None], options: tuple[Option, ...]) -> tuple[Item, ...]:
    return tuple(
        Item(f"item{i}", code, options, keys=(f"q{i}",), ints=(0, max(o.value for o in options)))
        for i, code in enumerate(codes, start=1)
    )


PHQ9_PANEL = "44249-1"
PHQ9_TOTAL = "44261-6"
PHQ9_ITEMS = _scored_items(
    (
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ),
    _FREQ_0_3,
)
PHQ2_PANEL = "55757-9"
PHQ2_TOTAL = "55758-7"
PHQ2_ITEMS = PHQ9_ITEMS[:2]
GAD7_PANEL = "69737-5"
GAD7_TOTAL = "70274-6"
GAD7_ITEMS = _scored_items(
    ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"), _FREQ_0_3
)
AUDIT_C_PANEL = "72109-2"
AUDIT_C_ITEMS = (
    Item(
        "item1",
        "68518-0",
        (
            Option("LA6270-8", "Never", 0),
            Option("LA18926-8", "Monthly or less", 1),
            Option("LA18927-6", "2-4 times a month", 2),
            Option("LA18928-4", "2-3 times a week", 3),
            Option("LA18929-2", "4 or more times a week", 4),
        ),
        keys=("q1",),
        ints=(0, 4),
    ),
    Item(
        "item2",
        "68519-8",
        (
            Option("LA15694-5", "1 or 2", 0),
            Option("LA15695-2", "3 or 4", 1),
            Option("LA18930-0", "5 or 6", 2),
            Option("LA18931-8", "7 to 9", 3),
            Option("LA18932-6", "10 or more", 4),
        ),
        keys=("q2",),
        ints=(0, 4),
    ),
    Item(
        "item3",
        "68520-6",
        (
            Option("LA6270-8", "Never", 0),
            Option("LA18933-4", "Less than monthly", 1),
            Option("LA18876-5", "Monthly", 2),
            Option("LA18891-4", "Weekly", 3),
            Option("LA18934-2", "Daily or almost daily", 4),
        ),
        keys=("q3",),
        ints=(0, 4),
    ),
)
#: DAST-10 panel LOINC. Item LOINC codes are not used (not confirmed); items are keyed
#: ``item1``..``item10`` (or ``q1``..``q10``) and cited so in provenance.
DAST10_PANEL = "82666-9"
#: DAST-10 item 3 ("Are you always able to stop using drugs when you want to?") scores 1 for No.
DAST10_ITEMS = tuple(
    Item(f"item{i}", None, _NO_YES_REVERSED if i == 3 else _YES_NO, keys=(f"q{i}",), yes_no=True)
    for i in range(1, 11)
)


def _band(score: int, cuts: Sequence[tuple[int, str]]) -> str:
    return [name for low, name in cuts if score >= low][-1]


_PHQ9_BANDS = (
    (0, "minimal"),
    (5, "mild"),
    (10, "moderate"),
    (15, "moderately severe"),
    (20, "severe"),
)
_GAD7_BANDS = ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe"))
_DAST_BANDS = ((0, "none"), (1, "low"), (3, "moderate"), (6, "substantial"), (9, "severe"))


@dataclass(frozen=True, slots=True)
class _Sum:
    total: int | None  # None when an item is unknown
    low: int  # the smallest total the unknown items allow
    high: int
    unknown: tuple[str, ...]
    cites: tuple[tuple[str, str], ...]


def _sum(reading: Reading, items: Sequence[Item]) -> _Sum:
    low = high = 0
    unknown: list[str] = []
    cites: list[tuple[str, str]] = []
    for item in items:
        answer = reading.answers.get(item.key)
        if answer is None:
            lo, hi = item.bounds
            low, high = low + lo, high + hi
            unknown.append(item.key)
        else:
            low, high = low + answer.value, high + answer.value
            cites.extend(answer.cites())
    return _Sum(None if unknown else low, low, high, tuple(unknown), tuple(cites))


def _prov(instrument: str, cites: Iterable[tuple[str, str]], note: str | None) -> Provenance:
    pairs = tuple(cites)
    return Provenance(
        instrument=instrument,
        items=tuple(i for i, _ in pairs),
        answers=tuple(a for _, a in pairs),
        note=note,
    )


def _score_note(s: _Sum, band: str | None, rule: str) -> str:
    if s.total is not None:
        return f"total {s.total}" + (f" ({band})" if band else "") + f"; {rule}"
    return f"at least {s.low} from answered items; {rule}"


def _result(
    instrument: str,
    reading: Reading,
    s: _Sum,
    *,
    partial: bool,
    needs: list[Need],
    band: str | None,
    positive: list[str],
    negative: list[str],
    missing: Sequence[str] | None = None,
    scores: dict[str, int] | None = None,
) -> ScreeningResult:
    unanswered = finish(
        instrument,
        reading,
        s.unknown if missing is None else missing,
        partial=partial,
        needs=needs,
    )
    return ScreeningResult(
        instrument=instrument,
        score=s.total,
        band=band if s.total is not None else None,
        scores=scores or {},
        positive_domains=tuple(positive),
        negative_domains=tuple(negative),
        needs=tuple(merge_needs(needs)),
        unanswered=unanswered,
    )


def _decide(s: _Sum, cut: int) -> bool | None:
    """True/False when the screen is certainly positive/negative (score >= cut), else None."""
    if s.low >= cut:
        return True
    if s.high < cut:
        return False
    return None


def phq9(answers: Mapping[str, AnswerValue], *, partial: bool = False) -> ScreeningResult:
    """Score a PHQ-9 (LOINC panel 44249-1): nine items of 0-3 points, total 0-27 points.

    Items are keyed ``item1``..``item9`` (or ``q1``..``q9``) or by LOINC code (44250-9, 44255-8,
    44259-0, 44254-1, 44251-7, 44258-2, 44252-5, 44253-3, 44260-8); answers are 0-3, LA6568-5 ..
    LA6571-9, or the texts "Not at all" .. "Nearly every day". A supplied total (``total`` or
    44261-6) must match. Bands: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe,
    20-27 severe. Total >= 10 raises a ``therapy`` need. Item 9 (thoughts of being better off
    dead or of self-harm) above 0 raises a ``crisis`` need, priority 1, urgency ``"immediate"``,
    even when other items are missing: that finding is returned, not raised, so it is never lost.

    >>> r = phq9({"44250-9": 0, "44255-8": 1, "44259-0": 0, "44254-1": 0, "44251-7": 0,
    ...           "44258-2": 0, "44252-5": 0, "44253-3": 0, "44260-8": "LA6569-3"})
    >>> r.score, r.band, [(n.category, n.urgency) for n in r.needs]
    (2, 'minimal', [('crisis', 'immediate')])
    >>> phq9({"item9": 2}).unanswered  # item 9 alone: the crisis need, no total
    ('item1', 'item2', 'item3', 'item4', 'item5', 'item6', 'item7', 'item8')
    """
    name = "PHQ-9"
    reading = read_answers(answers, PHQ9_ITEMS, totals={"total": "total", PHQ9_TOTAL: "total"})
    s = _sum(reading, PHQ9_ITEMS)
    check_total(reading, "total", s.total)
    band = _band(s.total, _PHQ9_BANDS) if s.total is not None else None
    needs: list[Need] = []
    positive: list[str] = []
    negative: list[str] = []
    depressed = _decide(s, 10)
    if depressed:
        lead = band or _band(s.low, _PHQ9_BANDS)
        priority, urgency = {"moderate": (3, "routine"), "moderately severe": (2, "soon")}.get(
            lead, (2, "urgent")
        )
        needs.append(
            Need(
                "therapy",
                priority=priority,
                urgency=_urgency(urgency),
                detail=f"depression screen {lead}",
                provenance=(_prov(name, s.cites, _score_note(s, band, "positive at >= 10")),),
            )
        )
        positive.append("depression")
    elif depressed is False:
        negative.append("depression")
    item9 = reading.answers.get("item9")
    if item9 is not None and item9.value > 0:
        needs.append(
            Need(
                "crisis",
                priority=1,
                urgency="immediate",
                detail="PHQ-9 item 9 positive: same-day suicide-risk safety check",
                provenance=(_prov(name, item9.cites(), "item 9 > 0"),),
            )
        )
        positive.append("suicide_risk")
    elif item9 is not None:
        negative.append("suicide_risk")
    scores = {}
    phq2_part = _sum(reading, PHQ9_ITEMS[:2])
    if phq2_part.total is not None:
        scores["phq2"] = phq2_part.total
    return _result(
        name,
        reading,
        s,
        partial=partial,
        needs=needs,
        band=band,
        positive=positive,
        negative=negative,
        scores=scores,
    )


def _urgency(text: str) -> Urgency:
    for level in ("routine", "soon", "urgent", "immediate"):
        if text == level:
            return level
    raise ValueError(text)


def phq2(answers: Mapping[str, AnswerValue], *, partial: bool = False) -> ScreeningResult:
    """Score a PHQ-2 (LOINC panel 55757-9): PHQ-9 items 1-2 (44250-9, 44255-8), total 0-6 points.

    Total >= 3 is positive and raises a ``therapy`` need (priority 3, ``"soon"``; follow with a
    PHQ-9). PHQ-9 answers can be passed as they are: items 3-9 and the PHQ-9 total are ignored.

    >>> phq2({"item1": "Nearly every day", "item2": 0}).band
    'positive'
    >>> phq2({"44250-9": 1, "44255-8": "several days"}).needs
    ()
    """
    name = "PHQ-2"
    ignore = [k for item in PHQ9_ITEMS[2:] for k in (item.key, item.loinc or "", *item.keys)]
    reading = read_answers(
        answers,
        PHQ2_ITEMS,
        totals={"total": "total", PHQ2_TOTAL: "total"},
        ignore=[*ignore, PHQ9_TOTAL],
    )
    s = _sum(reading, PHQ2_ITEMS)
    check_total(reading, "total", s.total)
    band = None if s.total is None else ("positive" if s.total >= 3 else "negative")
    decided = _decide(s, 3)
    needs = []
    if decided:
        needs.append(
            Need(
                "therapy",
                priority=3,
                urgency="soon",
                detail="depression screen positive (PHQ-2): follow with PHQ-9",
                provenance=(_prov(name, s.cites, _score_note(s, band, "positive at >= 3")),),
            )
        )
    return _result(
        name,
        reading,
        s,
        partial=partial,
        needs=needs,
        band=band,
        positive=["depression"] if decided else [],
        negative=["depression"] if decided is False else [],
    )


def gad7(answers: Mapping[str, AnswerValue], *, partial: bool = False) -> ScreeningResult:
    """Score a GAD-7 (LOINC panel 69737-5): seven items of 0-3 points, total 0-21 points.

    Items ``item1``..``item7`` or LOINC 69725-0, 68509-9, 69733-4, 69734-2, 69735-9, 69689-8,
    69736-7; answers as for the PHQ-9. Bands: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21
    severe. Total >= 10 raises a ``therapy`` need (moderate: priority 3 routine; severe: 2 soon).

    >>> r = gad7({f"item{i}": 2 for i in range(1, 8)})
    >>> r.score, r.band, r.positive_domains
    (14, 'moderate', ('anxiety',))
    """
    name = "GAD-7"
    reading = read_answers(answers, GAD7_ITEMS, totals={"total": "total", GAD7_TOTAL: "total"})
    s = _sum(reading, GAD7_ITEMS)
    check_total(reading, "total", s.total)
    band = _band(s.total, _GAD7_BANDS) if s.total is not None else None
    decided = _decide(s, 10)
    needs = []
    if decided:
        lead = band or _band(s.low, _GAD7_BANDS)
        priority, urgency = (2, "soon") if lead == "severe" else (3, "routine")
        needs.append(
            Need(
                "therapy",
                priority=priority,
                urgency=_urgency(urgency),
                detail=f"anxiety screen {lead}",
                provenance=(_prov(name, s.cites, _score_note(s, band, "positive at >= 10")),),
            )
        )
    return _result(
        name,
        reading,
        s,
        partial=partial,
        needs=needs,
        band=band,
        positive=["anxiety"] if decided else [],
        negative=["anxiety"] if decided is False else [],
    )


def audit_c(
    answers: Mapping[str, AnswerValue],
    *,
    sex: Literal["male", "female"] | None,
    partial: bool = False,
) -> ScreeningResult:
    """Score an AUDIT-C (LOINC panel 72109-2): three items of 0-4 points, total 0-12 points.

    Items ``item1``..``item3`` or LOINC 68518-0 (how often a drink), 68519-8 (drinks on a
    typical day), 68520-6 (how often six or more); answers 0-4, LA codes or texts. Positive at
    >= 4 for ``sex="male"`` and >= 3 for ``sex="female"``; ``sex=None`` (unknown or other) uses
    the more sensitive >= 3. A positive screen raises a ``substance_use_treatment`` need.

    >>> audit_c({"item1": 2, "item2": 1, "item3": 0}, sex="female").band
    'positive'
    >>> audit_c({"item1": 2, "item2": 1, "item3": 0}, sex="male").band
    'negative'
    """
    name = "AUDIT-C"
    if sex not in ("male", "female", None):
        raise ScreeningError(f"{name}: sex must be 'male', 'female' or None", ("sex",))
    cut = 4 if sex == "male" else 3
    reading = read_answers(answers, AUDIT_C_ITEMS, totals={"total": "total"})
    s = _sum(reading, AUDIT_C_ITEMS)
    check_total(reading, "total", s.total)
    band = None if s.total is None else ("positive" if s.total >= cut else "negative")
    decided = _decide(s, cut)
    needs = []
    if decided:
        who = {"male": "men", "female": "women", None: "sex not given"}[sex]
        needs.append(
            Need(
                "substance_use_treatment",
                priority=3,
                urgency="routine",
                detail="alcohol use screen positive (AUDIT-C)",
                provenance=(
                    _prov(name, s.cites, _score_note(s, band, f"positive at >= {cut} ({who})")),
                ),
            )
        )
    return _result(
        name,
        reading,
        s,
        partial=partial,
        needs=needs,
        band=band,
        positive=["alcohol_use"] if decided else [],
        negative=["alcohol_use"] if decided is False else [],
    )


def dast10(answers: Mapping[str, AnswerValue], *, partial: bool = False) -> ScreeningResult:
    """Score a DAST-10 (LOINC panel 82666-9): ten yes/no items, total 0-10 points.

    Items are keyed ``item1``..``item10`` (or ``q1``..``q10``; item LOINC codes are not used);
    answers are Yes/No, LA33-6/LA32-8, ``True``/``False`` or 1/0 (the answer, 1 = Yes, not the
    points). Yes scores 1 point, except item 3 ("Are you always able to stop using drugs when
    you want to?") where No scores 1. Bands: 0 none, 1-2 low, 3-5 moderate, 6-8 substantial,
    9-10 severe; >= 3 raises a ``substance_use_treatment`` need.

    >>> r = dast10({f"item{i}": "no" for i in range(1, 11)})
    >>> r.score, r.band   # "No" to item 3 (cannot always stop) scores 1
    (1, 'low')
    """
    name = "DAST-10"
    reading = read_answers(answers, DAST10_ITEMS, totals={"total": "total"})
    s = _sum(reading, DAST10_ITEMS)
    check_total(reading, "total", s.total)
    band = _band(s.total, _DAST_BANDS) if s.total is not None else None
    decided = _decide(s, 3)
    needs = []
    if decided:
        lead = band or _band(s.low, _DAST_BANDS)
        priority, urgency = {"substantial": (2, "soon"), "severe": (1, "soon")}.get(
            lead, (3, "routine")
        )
        needs.append(
            Need(
                "substance_use_treatment",
                priority=priority,
                urgency=_urgency(urgency),
                detail=f"drug use screen {lead} (DAST-10)",
                provenance=(_prov(name, s.cites, _score_note(s, band, "positive at >= 3")),),
            )
        )
    return _result(
        name,
        reading,
        s,
        partial=partial,
        needs=needs,
        band=band,
        positive=["drug_use"] if decided else [],
        negative=["drug_use"] if decided is False else [],
    )
