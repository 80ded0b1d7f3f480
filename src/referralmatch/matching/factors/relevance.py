"""Need relevance: how much a service *is* about a need category, graded in [0, 1].

Evidence, strongest first:

1. **Taxonomy codes.** AIRS/211 LA codes are hierarchical (``BH-1800.8500`` is under ``BH-1800``
   under ``BH``); each category lists code prefixes with a strength in ``categories.json``
   (``airs_codes``) and a service's code counts by its longest listed prefix. Other taxonomies
   (Open Eligibility ids and names) count through the category's Open Eligibility terms;
   target-population codes (AIRS ``Y`` codes, and Open Eligibility terms that
   ``situations.json`` lists as populations, such as "Mental Illness") say who, not what.
   Taxonomy evidence is discounted by the service's *focus*, the share of its codes that are
   about the category: a hospital with sixteen codes, one of them support groups, is less surely
   a support group than a programme whose only code is one. An Open Eligibility term beside
   AIRS codes none of which is clearly about the category ("Counseling" on a programme coded
   only for substance-use counselling) counts at 0.6: it names the codes' need loosely.
2. **Text**, through a BM25 model per field with directory-level phrase statistics: a category
   phrase that most services use ("health") counts little, a rare one ("soup kitchen") much
   (smoothed with a background of 500 services without hits, so that in a directory of two
   shelters "shelter" still counts);
   long fields are length-normalised. Each field saturates below its cap (name 0.95, keywords
   0.6-0.85, description 0.4-0.75 by focus), so a description that mentions a need can never count as much as a
   name or a taxonomy code that says it. Phrases are matched leftmost-longest, so "food safety
   training" is not food; a phrase right after a negation ("no", "not a", "without") is not
   evidence.

A description whose need evidence is all about one need ("The Soup Kitchen serves two hot meals
a day") may reach 0.75; one that lists many programmes stays near 0.4 (keywords likewise), and a
need that a numbered programme heading names ("3) TRANSPORTATION: Arranges rides ...") is at
least 0.4: the service runs a programme for it, however many others dilute the description.
When such programmes are the service's only evidence for a category (no other programme, no
text outside the list, no name or keyword says it; taxonomy codes index the listed programmes),
the table keeps those programmes' own texts (``RelevanceTable.programme``): their restrictions
("Operates 12 apartments for homeless women with children only.") are that need's, and the
matcher lowers the need fit of a client known to fail every one of them.
A service whose users are organisations ("allowing stores to benefit from tax breaks", "for
employers", or an eligibility text naming only organisations: "Pantry or outreach center.")
keeps 0.6 of its relevance: it is not a client service; so does one that says it "does not
provide direct services" or "does not accept applications" (a pointer elsewhere). That is read from the
description's opening (before any list of programmes), in sentences that name no individual
clients ("for employers and job seekers" is a client service; "6) TRAINING: for professionals"
is one programme of many), and the agencies clients are referred to are not its users. A
category's ``airs_caps`` cap it for a service whose every code about it falls under a capped
prefix, whatever its text or child categories say: an extreme-weather shelter is a bed on cold
nights, not housing (a place to live); its ``name_caps`` cap it for a service whose name holds
a listed phrase: "Alcoholics Anonymous" is a peer fellowship, not treatment, however its codes
read. One whose description opens by saying it refers people on
("Provides information and referral for English as a Second Language classes") keeps 0.7: it is
a step removed from the help itself.
A service whose application process requires another agency's referral ("Agency referral
required for pantry", "Must be referred by DSS") keeps its category's ``referral_gate`` share of
relevance for the needs that clause names (every need when it names none): help people normally
walk into, such as a pantry, is a detour behind a referral; residential and clinical programmes
routinely take referrals from professionals, so their categories keep 1.

The strongest piece of evidence decides; other, independent evidence closes part of the rest of
the gap to 1 (corroboration); a child category lifts its parent by its ``parent_lift`` (a shelter
*is* housing, 1.0; a rent-help programme is housing help, 0.85). Relevance is a number, not a
gate: the matcher ranks by it and lists services below ``MatchConfig.min_need_fit`` as
``weak_fit`` exclusions.

Example:
    >>> from referralmatch.needs.categories import NeedCategories
    >>> cats = NeedCategories.default()
    >>> texts = [ServiceText("Food Pantry", "Groceries every Tuesday.", "", ()),
    ...          ServiceText("Family Center", "Parenting classes; a food pantry on Fridays.", "", ()),
    ...          ServiceText("Agency", "Help of many kinds.", "", (("AIRS/211 LA", "BD-1800.2000", ""),))]
    >>> table = relevance_table(texts, cats)
    >>> food = {row: round(r, 2) for row, c, r, _ in table.rows() if c == "food"}
    >>> food[0] > food[1] > 0, food[2] >= 0.9
    (True, True)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ...needs.categories import NeedCategories

if TYPE_CHECKING:
    from ...models.directory import Service
from ...needs.classify import (
    _CONTEXT,
    _KEYWORD,
    _NEGATIVE,
    _compile,
    _Compiled,
    _scan,
    _taxonomy_evidence,
    normalize_tokens,
)
from ...needs.situations import situations

__all__ = [
    "EVIDENCE",
    "RelevanceTable",
    "ServiceText",
    "is_airs_code",
    "relevance_table",
]

EVIDENCE = ("none", "taxonomy code", "taxonomy term", "name", "keywords", "description")
"""What the strongest evidence of a (service, category) relevance was, by code."""

# BM25 parameters per field: length normalisation, saturation caps; k1 saturation.
_FIELDS = ("name", "keywords", "description")
_FIELD_B = {"name": 0.3, "keywords": 0.5, "description": 0.75}
_FIELD_CAP = {"name": (0.95, 0.95), "keywords": (0.6, 0.85), "description": (0.4, 0.75)}
"""Per field, the cap of text relevance for evidence spread over many needs and for evidence
all about one need (the field's focus on the category's top-level family decides between)."""
_K1 = 1.2
_SYNONYM_WEIGHT = 0.6  # a synonym hit counts this share of a keyword hit
_TEXT_SCALE = 3.0  # a field's text relevance = cap * (1 - exp(-bm25 / scale))
_CORROBORATION = 0.5  # share of the remaining gap that other evidence may close
_FOCUS_FLOOR = 0.6  # taxonomy evidence of a category that is 1 of many codes keeps this share
_UNFOCUSED = frozenset({"PX"})
_FOR_ORGANIZATIONS = re.compile(
    r"\b(?:allowing|helps?|for|to|assists?) (?:local |participating |area )?"
    r"(?:grocery stores|stores|businesses|restaurants|employers|landlords|nonprofits|"
    r"non-profits|agencies|providers|professionals|clinicians|developers|investors)\b"
    r"(?! and (?:individuals|families|residents|clients))"
    r"|^\W*(?:overview:\s*)?(?:provides|offers|distributes|administers) (?:grant )?fund(?:ing|s) (?:for|to)\b"
    r"|^\W*(?:overview:\s*)?provides (?:capital|financing|investment)\b"
    r"|\bworks with (?:local )?(?:developers|investors|lenders|funders)\b"
    r"|\bdoes not (?:provide direct services|accept (?:\w+ )?applications)\b",
    re.I,
)
_ORGANIZATION_FACTOR = 0.6  # a service whose users are organisations is not a client service
_PROGRAMME_LIST = re.compile(r"\bSERVICES\s*:|(?:^|\s)1\)\s", re.I)
"""Where a description's list of programmes starts: an organisation-facing item there
("6) TRAINING: Provides training to professionals") is one programme, not whom it serves."""
_PROGRAMME_HEADING = re.compile(r"(?:^|\s)\d{1,2}\)\s*([A-Za-z][\w &/,'.-]{2,60}?)\s*:", re.M)
"""A numbered programme heading in a description ("3) TRANSPORTATION: Arranges rides ..."):
the need it names is one the service runs a programme for, not a passing mention."""
_PROGRAMME_ITEM = re.compile(r"(?:^|(?<=\s))\d{1,2}\)\s")
_SECTION_END = re.compile(r"\n\s*[A-Z][A-Z &/'-]{2,40}:")


def _programme_items(description: str) -> list[tuple[int, int, str, str]]:
    """(start, end, heading, own text) of each numbered programme of a description: each runs
    from its number to the next one or to a capitalised section heading ("VOLUNTEERS:"); an
    item without a heading has heading "".

    >>> [(h, body) for _, _, h, body in _programme_items("SERVICES: 1) HOUSING: For women only. 2) FOOD: Pantry.\\n\\nHOURS: 9-5")]
    [('HOUSING', 'For women only.'), ('FOOD', 'Pantry.')]
    """
    starts = [m.start() for m in _PROGRAMME_ITEM.finditer(description)]
    out: list[tuple[int, int, str, str]] = []
    for i, start in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else len(description)
        item = description[start:stop]
        end = _SECTION_END.search(item)
        item = item[: end.start()] if end else item
        head = _PROGRAMME_HEADING.match(" " + item)
        heading, body = (head.group(1).strip(), item[head.end() - 1 :]) if head else ("", item)
        out.append((start, start + len(item), heading, " ".join(body.split())))
    return out


def _sole_programmes(
    comp: _Compiled,
    description: str,
    items: list[tuple[int, int, str, str]],
    headed: list[set[int]],
    below: Sequence[frozenset[int]],
    other: Sequence[bool],
) -> dict[int, tuple[str, ...]]:
    """Category -> the own texts of the numbered programmes that are a description's only
    evidence for it: their headings name the category (or one below it), no other programme
    and no text outside the programmes names it, and ``other[c]`` (name or keyword evidence for
    it or a category below it) is false. Taxonomy codes are no other evidence: a directory codes
    the programmes its description lists (the housing code of a YMCA is its one housing
    programme's). Several programmes may serve one need ("2) TRANSITIONAL HOUSING: ... for
    women with children" and "3) SUBSIDIZED HOUSING: ... for adults with children"): a client
    is turned away from the need only by all of them. Descriptions listing fewer than two
    programmes have none (their restrictions are the service's). ``items`` are the description's
    :func:`_programme_items`, ``headed`` the categories each one's heading names."""
    if len(items) < 2:
        return {}
    outside, last = [], 0
    for start, end, _, _ in items:
        outside.append(description[last:start])
        last = end
    outside.append(description[last:])
    named_outside = _named_categories(comp, _offered_text(" ".join(outside)))
    named = [h | _named_categories(comp, _offered_text(body)) for h, (_, _, _, body) in zip(headed, items, strict=True)]
    out: dict[int, tuple[str, ...]] = {}
    for c in set().union(*headed):
        for cat in range(len(below)):
            if c not in below[cat] or cat in out or other[cat] or named_outside & below[cat]:
                continue
            serving = [i for i, h in enumerate(headed) if h & below[cat]]
            rest = set().union(*(n for i, n in enumerate(named) if i not in serving))
            if not rest & below[cat]:
                out[cat] = tuple(items[i][3] for i in serving)
    return out


_HEADED_FLOOR = _FIELD_CAP["description"][0]  # a programme named in a heading: at least a fit
_SENTENCE = re.compile(r"(?<=[.;!?])\s+")
_EXCLUDED_WHO = re.compile(
    r"\b(?:are|is|will)\s+not\s+(?:be\s+)?(?:eligible|accepted|admitted|served|allowed|permitted)\W*$"
    r"|\b(?:are|is)\s+ineligible\W*$|\bcannot\s+be\s+(?:accommodated|served|accepted|admitted)\W*$",
    re.I,
)
"""A sentence whose predicate shuts people out ("Youth who are suicidal, violent, chronic
substance abusers or fire setters are NOT eligible."): it names whom the service does not take,
not what it offers, so its phrases are no need evidence."""


def _offered_text(description: str) -> str:
    """A description without its sentences naming who is not eligible (:data:`_EXCLUDED_WHO`).

    >>> _offered_text("Offers emergency shelter for youths. Youth who are suicidal are NOT eligible.")
    'Offers emergency shelter for youths.'
    >>> _offered_text("Free care for persons not eligible for Medical Assistance.")
    'Free care for persons not eligible for Medical Assistance.'
    """
    sentences = _SENTENCE.split(description)
    kept = [x for x in sentences if not _EXCLUDED_WHO.search(x.strip())]
    return description if len(kept) == len(sentences) else " ".join(kept)


_CLIENTS_NAMED = re.compile(
    r"\b(?:individuals|persons|people|famil(?:y|ies)|residents|clients|consumers|patients|"
    r"job ?seekers|children|youth|adults|seniors|parents|women|men|veterans|students|tenants|"
    r"homeowners|victims|survivors)\b",
    re.I,
)
_ORGANIZATION_USERS = re.compile(
    r"\b(?:organi[sz]ations?|agenc(?:y|ies)|pantr(?:y|ies)|food banks?|non-?profits?|501\s*\(?c\)?\s*\(?3\)?"
    r"|providers?|businesses|corporations?|employers|schools|churches|institutions|community groups)\b",
    re.I,
)
_PERSONS_ELIGIBLE = re.compile(
    r"\b(?:anyone|everyone|any(?:body| person)|public|individuals?|persons?|people|famil(?:y|ies)|"
    r"residents?|clients?|consumers|patients|job ?seekers|child(?:ren)?|youth|teens?|adults?|"
    r"seniors?|elderly|parents?|women|men|veterans|students?|tenants|homeowners|victims|survivors|"
    r"ages|households?)\b|\bages?\s+\d|\breferr|\bno\s+(?:\w+\s+)?(?:businesses|organi[sz]ations|agencies)\b",
    re.I,
)
"""Eligibility that names only organisations ("Pantry or outreach center.", "Non-profit
organizations.", "Agencies, businesses, schools and community organizations.", "Must be 18 or
older to become a day care provider") says the service's users are organisations; one that also
names people ("Persons ages 16 and older or agencies.", "Adult job seekers and employers"), asks
for an agency's referral, or refuses organisations ("No businesses.") does not."""


def _organizations_eligible(eligibility: str) -> bool:
    """Whether a service's eligibility text names organisations as its users and no person.

    >>> _organizations_eligible("Pantry or outreach center."), _organizations_eligible("Serves pantries statewide.")
    (True, True)
    >>> _organizations_eligible("Persons ages 16 and older or agencies."), _organizations_eligible("Requires a referral from a lead agency.")
    (False, False)
    """
    named = _ORGANIZATION_USERS.search(eligibility)
    return bool(named) and not _PERSONS_ELIGIBLE.search(eligibility)


_REFERRED_TO = re.compile(r"\b(?:referrals?|refers?|referring|referred|links?|linking|connects?)\W+(?:\w+\W+){0,2}$", re.I)
_REFERRAL_ONLY = re.compile(
    r"^\W*(?:overview:\s*)?(?:provides|offers)\s+(?:information\s*,?\s*(?:and|&)\s*referrals?|referrals?)"
    r"\s+(?:for|to|about|on)\b",
    re.I,
)
"""A description that opens by saying the service refers people on ("Provides information and
referral for English as a Second Language classes ...", "Provides referrals to resources for food")."""
_REFERRAL_FACTOR = 0.7  # a service that refers people on is a step removed from the help itself
_GATE_WORD = r"(?:[\w/&()'.-]+,?\s+)"
_REFERRAL_REQUIRED = re.compile(
    rf"\breferrals?\s+{_GATE_WORD}{{0,10}}?(?:is\s+|are\s+)?(?:required|needed|necessary|mandatory)\b"
    rf"|\brequires?\s+(?:an?\s+)?{_GATE_WORD}{{0,3}}?referrals?\b"
    rf"|\bmust\s+(?:be\s+referred|have\s+(?:an?\s+)?{_GATE_WORD}{{0,3}}?referrals?)\b"
    r"|\b(?:by|with|through)\s+(?:an?\s+)?(?:[\w-]+\s+){0,2}referrals?\s+only\b"
    r"|\bonly\s+(?:by|with|through)\s+(?:an?\s+)?(?:[\w-]+\s+){0,2}referrals?\b"
    r"|\bno\s+self-?\s?referrals\b",
    re.I,
)
"""An application process that needs someone else's referral ("Agency referral required for
pantry", "Must be referred by DSS", "Requires a referral from FCFH", "No self-referrals")."""
_GATE_HEDGE = re.compile(r"\b(?:not|nor|may|if|unless|preferred|as)\b", re.I)
_GATE_NEGATED = re.compile(
    r"\b(?:no|not|without|neither)\s+(?:[\w/]+\s+){0,2}(?:or\s+|and\s+)?$", re.I
)
_GATE_SCOPE = re.compile(r"^[^.;]*?\bfor\s+(?:the\s+)?([^.;,]+)", re.I)
_BACKGROUND_SERVICES = 500  # pseudo-services without hits: a tiny directory keeps sane weights  # catch-all codes that say nothing about focus
_OE_UNCORROBORATED = 0.6  # an OE term whose service's AIRS codes are all about other needs
_OE_FACTOR = 0.9  # an Open Eligibility (or other taxonomy) term, relative to an AIRS code
_CONTEXT_FACTOR = 0.75
_NEGATORS = frozenset({"no", "not", "non", "never", "without", "nor"})
_NEGATION_BRIDGE = frozenset({"a", "an", "any", "the", "provide", "offer", "offering", "providing"})

_AIRS = re.compile(r"^[A-Z]{1,2}(?:-\d{4}(?:\.\d{4}(?:-\d{3}(?:\.\d{2})?)?)?)?(?:\*.*)?$")


def is_airs_code(code: str | None, taxonomy: str | None = None) -> bool:
    """Whether a taxonomy term is an AIRS/211 LA code (by its taxonomy name, else its shape).

    >>> is_airs_code("BH-1800.8500"), is_airs_code("1103"), is_airs_code("103-09")
    (True, False, False)
    """
    if not code:
        return False
    if taxonomy:
        t = taxonomy.lower()
        if "airs" in t or "211" in t or "inform usa" in t:
            return True
        if "eligibility" in t:
            return False
    return bool(_AIRS.match(code.strip()))


def _airs_prefixes(code: str) -> list[str]:
    """The code and its ancestors, longest first: ``BH-1800.8500`` -> [..., ``BH-1800``, ``BH``, ``B``]."""
    code = code.strip().split("*")[0]
    out = [code]
    while True:
        cut = max(code.rfind("."), code.rfind("-"))
        if cut <= 0:
            break
        code = code[:cut]
        out.append(code)
    if len(code) == 2:
        out.append(code[0])
    return out


def _refined_codes(taxonomy: Iterable[tuple[str | None, str | None, str | None]]) -> set[str]:
    """A service's AIRS codes that another of its codes refines: a shelter coded both
    ``BH-1800`` and ``BH-1800.8500-185`` is an extreme-weather shelter, and counts as that.

    >>> sorted(_refined_codes([("AIRS", "BH-1800", None), ("AIRS", "BH-1800.8500-185", None), ("AIRS", "BD", None)]))
    ['BH-1800']
    """
    codes = {c.strip().upper() for v, c, _ in taxonomy if c and is_airs_code(c, v)}
    return {p for c in codes for p in _airs_prefixes(c)[1:] if p in codes}


@dataclass(frozen=True)
class ServiceText:
    """What relevance reads from one service; ``taxonomy`` holds (taxonomy, code, name) triples."""

    name: str
    description: str
    keywords: str
    taxonomy: tuple[tuple[str | None, str | None, str | None], ...]
    application: str = ""
    """How to apply (HSDS ``application_process``): a referral it requires may lower relevance
    (the category's ``referral_gate``)."""
    eligibility: str = ""
    """Who may use it (HSDS ``eligibility_description``): one naming only organisations
    ("Pantry or outreach center.") makes it organisation-facing (:func:`_organizations_eligible`)."""

    @classmethod
    def of(
        cls, service: Service, taxonomy: tuple[tuple[str | None, str | None, str | None], ...]
    ) -> ServiceText:
        """What relevance reads from a loaded service and its (taxonomy, code, name) triples."""
        keywords = "; ".join(a.value or "" for a in service.attributes if a.link_type == "keyword")
        return cls(
            service.name,
            service.description or "",
            keywords,
            taxonomy,
            service.application_process or "",
            service.eligibility_description or "",
        )


@dataclass(frozen=True)
class _Registry:
    keys: tuple[str, ...]
    parent: tuple[int, ...]
    lift: tuple[float, ...]  # share of a category's relevance its parent gets
    top: tuple[int, ...]  # the top-level ancestor of each category
    bottom_up: tuple[int, ...]
    airs: dict[str, tuple[tuple[int, float], ...]]  # prefix -> (category, strength)
    caps: dict[int, tuple[tuple[str, float], ...]]  # category -> (code prefix, cap)
    name_caps: dict[int, tuple[tuple[tuple[str, ...], float], ...]]  # category -> (name phrase, cap)
    family: tuple[frozenset[int], ...]  # each category and the categories below it
    gate: tuple[float, ...]  # share of relevance kept behind a required referral


@lru_cache(maxsize=16)
def _registry(categories: NeedCategories) -> _Registry:
    keys = categories.keys()
    index = {k: i for i, k in enumerate(keys)}
    parent = tuple(index[c.parent] if c.parent else -1 for c in categories)
    top = []
    for i in range(len(keys)):
        j = i
        while parent[j] >= 0:
            j = parent[j]
        top.append(j)
    depth = [categories.depth(k) for k in keys]
    airs: dict[str, list[tuple[int, float]]] = {}
    for c in categories:
        for prefix, strength in c.airs_codes:
            airs.setdefault(prefix.strip().upper(), []).append((index[c.key], float(strength)))
    return _Registry(
        keys=keys,
        parent=parent,
        lift=tuple(c.parent_lift for c in categories),
        top=tuple(top),
        bottom_up=tuple(sorted(range(len(keys)), key=lambda i: -depth[i])),
        airs={k: tuple(v) for k, v in airs.items()},
        caps={
            index[c.key]: tuple((p.strip().upper(), float(v)) for p, v in c.airs_caps)
            for c in categories
            if c.airs_caps
        },
        name_caps={
            index[c.key]: tuple((normalize_tokens(p), float(v)) for p, v in c.name_caps)
            for c in categories
            if c.name_caps
        },
        family=tuple(
            frozenset({index[c.key], *(index[d] for d in categories.descendants(c.key))})
            for c in categories
        ),
        gate=tuple(c.referral_gate for c in categories),
    )


def _contains(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """Whether ``phrase`` occurs in ``tokens`` as consecutive tokens."""
    n = len(phrase)
    return any(tokens[i : i + n] == phrase for i in range(len(tokens) - n + 1))


def _capped(codes: Sequence[str], cat: int, caps: tuple[tuple[str, float], ...], reg: _Registry) -> float:
    """The cap on a category's relevance that a service's AIRS codes set: the highest cap of
    its codes under a capped prefix, when every code that evidences the category (itself or a
    child) falls under one; else 1 (no cap).

    A shelter coded only ``BH-1800.8500-185`` (extreme weather) is capped for housing; one
    also coded ``BH-8600`` (transitional housing) is not.
    """
    family = reg.family[cat]
    cap_of: float | None = None
    for code in codes:
        prefixes = _airs_prefixes(code)
        capped = next((v for p in prefixes for q, v in caps if p == q), None)
        evidences = any(cc in family and s > 0 for p in prefixes for cc, s in reg.airs.get(p, ()))
        if capped is not None:
            cap_of = capped if cap_of is None else max(cap_of, capped)
        elif evidences:
            return 1.0
    return 1.0 if cap_of is None else cap_of


@dataclass(frozen=True)
class RelevanceTable:
    """Relevance of services to categories, long form: parallel arrays over (service, category)."""

    service: npt.NDArray[np.int64]
    category: npt.NDArray[np.int64]
    relevance: npt.NDArray[np.float64]
    evidence: npt.NDArray[np.uint8]
    keys: tuple[str, ...]
    programme: tuple[tuple[str, ...], ...] = ()
    """Per row, the own texts of the numbered programmes that are the service's only evidence
    for the category (empty when there is other evidence or no such programme): their
    restrictions are that need's (see :func:`_sole_programmes`)."""

    def rows(self) -> Iterator[tuple[int, str, float, str]]:
        """(service row, category key, relevance, evidence name) tuples."""
        for s, c, r, e in zip(
            self.service.tolist(), self.category.tolist(), self.relevance.tolist(),
            self.evidence.tolist(), strict=True,
        ):  # fmt: skip
            yield s, self.keys[c], r, EVIDENCE[e]


@lru_cache(maxsize=1)
def _population_terms() -> frozenset[tuple[str, ...]]:
    """Open Eligibility term names that ``situations.json`` lists as target populations."""
    return frozenset(normalize_tokens(n) for s in situations() for n in s.open_eligibility_names)


def _for_organizations(description: str) -> bool:
    """Whether a description says the service's users are organisations: in its opening (before
    any list of programmes), in a sentence that names no individual clients, and not as the
    agencies clients are referred to.

    >>> _for_organizations("Provides funding for shelters and transitional housing.")
    True
    >>> _for_organizations("Offers employment services for employers and job seekers.")
    False
    >>> _for_organizations("SERVICES: 1) FOOD: Provides referrals to local agencies. 2) TRAINING: for providers.")
    False
    """
    cut = _PROGRAMME_LIST.search(description)
    opening = description[: cut.start()] if cut else description
    for sentence in _SENTENCE.split(opening):
        for m in _FOR_ORGANIZATIONS.finditer(sentence):
            if _REFERRED_TO.search(sentence[: m.start() + 3]) or _CLIENTS_NAMED.search(sentence):
                continue
            return True
    return False


def _referral_gates(application: str) -> list[str]:
    """What each clause of an application process that requires another's referral is scoped
    to (the programme it names, "" when none): hedged ("may", "if", "preferred") and negated
    ("No ID or referral needed") clauses are no gate.

    >>> _referral_gates("Walk-in. Agency referral required for the food pantry. See notes.")
    ['food pantry']
    >>> _referral_gates("Must be referred by DSS.")
    ['']
    >>> _referral_gates("No ID or referral needed for pantry. Self-referrals accepted.")
    []
    >>> _referral_gates("Neither referral nor ID required. Offers counseling referrals as needed.")
    []
    """
    out: list[str] = []
    for clause in _SENTENCE.split(application):
        for m in _REFERRAL_REQUIRED.finditer(clause):
            before = clause[max(0, m.start() - 30) : m.start()]
            if _GATE_HEDGE.search(m.group(0)) or _GATE_NEGATED.search(before):
                continue
            scope = _GATE_SCOPE.search(clause[m.end() :]) or _GATE_SCOPE.search(clause[: m.start()])
            # "Food pantry requires a referral": the clause's subject is the programme
            out.append(scope.group(1).strip() if scope else clause[: m.start()].strip())
            break
    return out


def _negated(tokens: Sequence[str], start: int) -> bool:
    if start >= 1 and tokens[start - 1] in _NEGATORS:
        return True
    return start >= 2 and tokens[start - 2] in _NEGATORS and tokens[start - 1] in _NEGATION_BRIDGE


def _field_hits(
    comp: _Compiled, text: str
) -> tuple[int, dict[tuple[str, ...], tuple[int, tuple[tuple[int, int], ...]]]]:
    """(token count, phrase -> (count, resolved categories)) of one field, negations dropped."""
    tokens = normalize_tokens(text)
    if not tokens:
        return 0, {}
    hits: dict[tuple[str, ...], tuple[int, tuple[tuple[int, int], ...]]] = {}
    for start, stop, resolved in _scan(comp, tokens):
        if _negated(tokens, start):
            continue
        phrase = tuple(tokens[start:stop])
        count, _ = hits.get(phrase, (0, resolved))
        hits[phrase] = (count + 1, resolved)
    return len(tokens), hits


def _named_categories(comp: _Compiled, text: str) -> set[int]:
    """The categories a short text (a programme heading, a referral clause's scope) names:
    its phrase hits, not negative or context phrases."""
    return {
        cat
        for _, resolved in _field_hits(comp, text)[1].values()
        for cat, kind in resolved
        if kind not in (_NEGATIVE, _CONTEXT)
    }


def _gated_families(comp: _Compiled, reg: _Registry, application: str) -> set[int]:
    """The top-level categories a referral requirement in ``application`` applies to: those a
    scoped clause names ("... required for the food pantry"), every one for a clause or a
    scope that names no need ("Must be referred by DSS", "for persons outside the county")."""
    out: set[int] = set()
    for scope in _referral_gates(application):
        named = {reg.top[cat] for cat in _named_categories(comp, scope)} if scope else set()
        out |= named or set(reg.top)
    return out


def relevance_table(
    texts: Sequence[ServiceText], categories: NeedCategories, *, floor: float = 0.05
) -> RelevanceTable:
    """Graded relevance of every service to every category it has any evidence for.

    Args:
        texts: one :class:`ServiceText` per service (row order is kept).
        categories: the need-category registry.
        floor: relevances below this are left out (0-1).
    """
    comp = _compile(categories)
    reg = _registry(categories)
    n_cat = len(reg.keys)
    n = len(texts)
    # pass 1: phrase hits per field; directory statistics (document frequency, field lengths)
    fields: list[dict[str, tuple[int, dict[tuple[str, ...], tuple[int, tuple[tuple[int, int], ...]]]]]] = []
    df: Counter[tuple[str, ...]] = Counter()
    total_len = dict.fromkeys(_FIELDS, 0)
    memo: dict[str, tuple[int, dict[tuple[str, ...], tuple[int, tuple[tuple[int, int], ...]]]]] = {}
    for t in texts:
        per = {}
        for name, value in (("name", t.name), ("keywords", t.keywords),
                            ("description", _offered_text(t.description))):  # fmt: skip
            got = memo.get(value)
            if got is None:
                got = _field_hits(comp, value)
                if len(memo) < 200_000:
                    memo[value] = got
            per[name] = got
            total_len[name] += got[0]
        fields.append(per)
        df.update({p for _, hits in per.values() for p in hits})
    avg_len = {f: max(total_len[f] / max(n, 1), 1.0) for f in _FIELDS}
    n_eff = n + _BACKGROUND_SERVICES
    idf = {p: math.log(1.0 + (n_eff - d + 0.5) / (d + 0.5)) for p, d in df.items()}

    out_s: list[int] = []
    out_c: list[int] = []
    out_r: list[float] = []
    out_e: list[int] = []
    out_p: list[tuple[str, ...]] = []
    for row, (t, per) in enumerate(zip(texts, fields, strict=True)):
        # taxonomy evidence
        tax = [0.0] * n_cat
        tax_kind = [0] * n_cat
        code_hits = [0] * n_cat  # how many of the service's codes evidence each category
        airs_best = [0.0] * n_cat  # the strongest AIRS code evidence alone
        n_codes = 0
        refined = _refined_codes(t.taxonomy)
        airs_codes: list[str] = []
        for vocabulary, code, term_name in t.taxonomy:
            if is_airs_code(code, vocabulary):
                assert code is not None
                upper = code.strip().upper()
                if upper.startswith("Y") or upper in _UNFOCUSED or upper in refined:
                    continue  # target populations (who, not what), catch-all and refined codes
                n_codes += 1
                airs_codes.append(upper)
                seen: set[int] = set()
                for prefix in _airs_prefixes(upper):
                    for cat, strength in reg.airs.get(prefix, ()):
                        if cat in seen:
                            continue
                        seen.add(cat)
                        if strength >= 0.5:
                            code_hits[cat] += 1
                        if strength > tax[cat]:
                            tax[cat], tax_kind[cat] = strength, 1
                        if strength > airs_best[cat]:
                            airs_best[cat] = strength
            else:
                if normalize_tokens(term_name or "") in _population_terms():
                    continue  # a target population ("Mental Illness", "Veterans"): who, not what
                n_codes += 1
                for cat, strength in _taxonomy_evidence(comp, code, term_name or ""):
                    term_value = _OE_FACTOR * strength
                    if term_value >= 0.5:
                        code_hits[cat] += 1
                    if term_value > tax[cat]:
                        tax[cat], tax_kind[cat] = term_value, 2
        if airs_codes:
            # an Open Eligibility term beside AIRS codes none of which is clearly about the
            # category ("Counseling" on a drug and alcohol programme) is the codes' need in
            # looser words: it counts at a discount
            for c in range(n_cat):
                if tax_kind[c] == 2 and airs_best[c] < 0.5:
                    tax[c] = max(airs_best[c], tax[c] * _OE_UNCORROBORATED)
        # focus: the share of the service's codes that are about the category
        focus = [
            _FOCUS_FLOOR + (1.0 - _FOCUS_FLOOR) * min(1.0, code_hits[c] / n_codes) if n_codes else 1.0
            for c in range(n_cat)
        ]
        # text evidence (BM25F): one score per field, each saturating below its cap
        field_score = [[0.0] * n_cat for _ in _FIELDS]
        context: set[int] = set()
        for f_i, name in enumerate(_FIELDS):
            length, hits = per[name]
            if not hits:
                continue
            norm = 1.0 - _FIELD_B[name] + _FIELD_B[name] * length / avg_len[name]
            scores = field_score[f_i]
            for phrase, (count, resolved) in hits.items():
                tf = count / norm
                w = idf[phrase] * tf * (_K1 + 1.0) / (tf + _K1)
                for cat, kind in resolved:
                    if kind == _NEGATIVE:
                        continue
                    if kind == _CONTEXT:
                        context.add(cat)
                        continue
                    scores[cat] += w if kind == _KEYWORD else w * _SYNONYM_WEIGHT
        # a numbered programme whose heading names a need is a programme the service runs for
        # it: however many other programmes dilute the description, its evidence for that need
        # is at least the description's spread cap (a fit, not a passing mention)
        items = _programme_items(t.description)
        headings = [_named_categories(comp, heading) for _, _, heading, _ in items]
        headed: set[int] = set().union(*headings)
        sole: dict[int, tuple[str, ...]] = {}
        if headed:
            # taxonomy codes index the listed programmes: only the name or keywords are other evidence
            direct = [bool(field_score[0][c] or field_score[1][c]) for c in range(n_cat)]
            other = [any(direct[d] for d in reg.family[c]) for c in range(n_cat)]
            sole = _sole_programmes(comp, t.description, items, headings, reg.family, other)
        rel = [0.0] * n_cat
        kind_of = [0] * n_cat
        # a field's focus: the share of its top-level category evidence that is this one's
        shares: list[dict[int, float]] = []
        for f_i in range(len(_FIELDS)):
            tops = {c: field_score[f_i][c] for c in range(n_cat) if reg.parent[c] < 0}
            total = sum(tops.values())
            shares.append({c: v / total for c, v in tops.items()} if total else {})
        for c in range(n_cat):
            parts = [(tax[c] * focus[c], tax_kind[c])]
            for f_i, name in enumerate(_FIELDS):
                sc = field_score[f_i][c]
                if not sc:
                    continue
                low, high = _FIELD_CAP[name]
                cap = low + (high - low) * shares[f_i].get(reg.top[c], 0.0)
                parts.append((cap * (1.0 - math.exp(-sc / _TEXT_SCALE)), 3 + f_i))
            parts.sort(reverse=True)
            best, kind = parts[0]
            # the strongest evidence decides; other independent evidence adds a little
            extra = sum(v for v, _ in parts[1:3])
            rel[c] = min(1.0, best + _CORROBORATION * extra * (1.0 - best))
            kind_of[c] = kind if best > 0 else 0
            if c in headed and rel[c] < _HEADED_FLOOR:  # description evidence
                rel[c], kind_of[c] = _HEADED_FLOOR, 3 + _FIELDS.index("description")
        for c in reg.bottom_up:  # a child lifts its parent (by the child's parent_lift)
            p = reg.parent[c]
            if p >= 0 and reg.lift[c] * rel[c] > rel[p]:
                rel[p], kind_of[p] = reg.lift[c] * rel[c], kind_of[c]
        for c in context:
            p = reg.parent[c]
            if p >= 0 and rel[p] > 0:
                lifted = 1.0 - (1.0 - rel[c]) * (1.0 - _CONTEXT_FACTOR * rel[p])
                if lifted > rel[c]:
                    rel[c], kind_of[c] = lifted, kind_of[p]
        for c, caps in reg.caps.items():  # codes that say "not quite this need" cap it
            if rel[c] > 0 and airs_codes:
                rel[c] = min(rel[c], _capped(airs_codes, c, caps, reg))
        if reg.name_caps:  # so does a name ("Alcoholics Anonymous" is no treatment)
            name_tokens = normalize_tokens(t.name)
            for c, name_caps in reg.name_caps.items():
                for phrase, cap in name_caps:
                    if rel[c] > cap and _contains(name_tokens, phrase):
                        rel[c] = cap
        if (
            _for_organizations(t.description)
            or _FOR_ORGANIZATIONS.search(t.name)
            or _organizations_eligible(t.eligibility)
        ):
            rel = [r * _ORGANIZATION_FACTOR for r in rel]
        if _REFERRAL_ONLY.search(t.description):
            rel = [r * _REFERRAL_FACTOR for r in rel]
        gated = _gated_families(comp, reg, t.application) if t.application else set()
        if gated:
            rel = [r * reg.gate[c] if reg.top[c] in gated else r for c, r in enumerate(rel)]
        for c in range(n_cat):
            if rel[c] >= floor:
                out_s.append(row)
                out_c.append(c)
                out_r.append(round(rel[c], 4))
                out_e.append(kind_of[c])
                out_p.append(sole.get(c, ()))
    return RelevanceTable(
        service=np.array(out_s, dtype=np.int64),
        category=np.array(out_c, dtype=np.int64),
        relevance=np.array(out_r, dtype=np.float64),
        evidence=np.array(out_e, dtype=np.uint8),
        keys=reg.keys,
        programme=tuple(out_p),
    )
