"""What a service offers, read once from its records: languages, cost, insurance, capacity, mode.

These facts are what the score factors are computed from. The columnar index packs them into
arrays; the slow reference matcher in the tests reads them one service at a time. Both call
:func:`service_facts`, so they agree on what a service offers by construction.

Fee and insurance text is read the way people write it in real directories ("None.", "Sliding fee
scale", "Donations appreciated", "Medical Assistance accepted", "Kaiser members only") by
:func:`read_cost`. Unknown is not zero: a text that says nothing understood about cost reads as
``fee="unknown"``, never as "fees apply".

Example:
    >>> from referralmatch.models import Service, CostOption, Language
    >>> s = Service(id="s1", name="Counseling", fees_description="Sliding scale; Medi-Cal accepted",
    ...             languages=[Language(id="l", code="es")], wait_time="Waitlist about 3 weeks")
    >>> f = service_facts(s)
    >>> sorted(f.languages), f.fee, f.sliding_scale, sorted(f.insurance), f.capacity
    (['es'], 'sliding', True, ['medicaid'], 'waitlist')
    >>> cost_text(f)
    'sliding scale'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..io.normalize import language_code, languages_named, read_interpretation
from ..models.client import normalize_insurance
from ..models.directory import Location, Service

__all__ = [
    "INSURANCE_KINDS",
    "INSURERS",
    "Capacity",
    "CostReading",
    "Fee",
    "ServiceFacts",
    "cost_text",
    "insurance_kinds",
    "insurer_keys",
    "read_cost",
    "read_private_pay",
    "service_facts",
]

Capacity = Literal["accepting", "waitlist", "full", "unknown"]
Fee = Literal["free", "donation", "sliding", "fee", "unknown"]
"""What a text says the client pays: nothing (``free``), what they choose (``donation``), an
amount that depends on income or ability to pay, or can be waived (``sliding``), a charge
(``fee``, also when the service only bills insurance or takes payment), or nothing understood or
stated (``unknown``: "Varies", "Call for fees", "See notes")."""

INSURANCE_KINDS = ("medicaid", "medicare", "private", "va")
"""Kinds of coverage a service can accept. ``va`` is VA health care, CHAMPVA and TRICARE."""

INSURERS: dict[str, tuple[str, str]] = {
    "kaiser": (r"kaiser(?: permanente)?", "private"),
    "blue_cross_blue_shield": (
        r"blue cross(?: and | ?& ?| ?/ ?| )blue shield|\bbcbs|\bbc ?/ ?bs\b",
        "private",
    ),
    "carefirst": (r"care ?first", "private"),
    "blue_cross": (r"blue cross", "private"),
    "blue_shield": (r"blue shield", "private"),
    "anthem": (r"anthem", "private"),
    "aetna_better_health": (r"aetna better health", "medicaid"),
    "aetna": (r"aetna", "private"),
    "unitedhealthcare_community_plan": (
        r"united ?health ?care community plan|\buhc community plan",
        "medicaid",
    ),
    "unitedhealthcare": (
        r"united ?health ?care|\buhc\b|\bunited\b(?! ?(?:way|states|methodist))",
        "private",
    ),
    "cigna": (r"cigna", "private"),
    "humana": (r"humana", "private"),
    "health_net": (r"health ?net", "private"),
    "magellan": (r"magellan", "private"),
    "optum": (r"optum", "private"),
    "johns_hopkins_ehp": (r"(?:johns hopkins )?\behp\b|employer health programs?", "private"),
    "priority_partners": (r"priority partners?", "medicaid"),
    "amerigroup": (r"amerigroup", "medicaid"),
    "maryland_physicians_care": (r"maryland physicians'? care", "medicaid"),
    "jai_medical": (r"jai medical", "medicaid"),
    "medstar_family_choice": (r"medstar family choice", "medicaid"),
    "molina": (r"molina", "medicaid"),
    "health_plan_of_san_mateo": (r"health plan of san mateo|\bhpsm\b", "medicaid"),
    "la_care": (r"\bl\.?a\.? care\b", "medicaid"),
    "tricare": (r"tri-?care|\busfhp\b|us family health plan", "va"),
    "champva": (r"champ ?va", "va"),
}
"""Named insurers and plans: key -> (pattern over lower-cased text, the kind of coverage it is).

Commercial carriers are ``private``. Plans that exist to serve Medicaid members are ``medicaid``:
Maryland's HealthChoice managed-care organisations (Priority Partners, Amerigroup, Maryland
Physicians Care, Jai Medical, MedStar Family Choice), UnitedHealthcare Community Plan, Aetna Better
Health, Molina, and California's county Medi-Cal plans (Health Plan of San Mateo, L.A. Care).
Kaiser Permanente is ``private`` although it also runs Medi-Cal and Medicare lines: a text that
means those says "Medi-Cal" or "Medicare" too. TRICARE and CHAMPVA are ``va``."""

_INSURER_RES = [(key, re.compile(pattern), kind) for key, (pattern, kind) in INSURERS.items()]

# Kinds of coverage by programme name, over lower-cased text. A trailing "insurance"/"coverage"
# is taken with the name, so "Medical Assistance insurance" is not also read as private insurance.
_TAIL = (
    r"(?: managed care)?(?:(?: health)? (?:insurance|coverage|plans?|benefits|recipients|waiver"
    r"|health ?care|medical (?:care|benefits)))?"
)
_ANY = "insurance"
_KIND_RES: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"\b(?:dual[- ]eligibles?|medi-medi)\b"), ("medicaid", "medicare")),
    (
        re.compile(
            r"\bmedicare(?: advantage| part [abcd](?: (?:and|&) [abcd])?)?"
            + _TAIL
            + r"|\bmedigap\b"
        ),
        ("medicare",),
    ),
    (
        re.compile(
            r"\b(?:medicaid|medi[- ]cal|medical assistance|masshealth|apple health|tenncare"
            r"|soonercare|badgercare|husky|ahcccs|kancare|minnesotacare|oregon health plan"
            r"|hoosier healthwise|health ?choice|medical card|(?:md)?chips?|mchp|mdchps?"
            r"|maryland children'?s health program|primary adult care|mco'?s?|medical waiver"
            r"|managed care organi[sz]ations?)\b" + _TAIL
        ),
        ("medicaid",),
    ),
    (
        re.compile(
            r"\b(?:(?<!county, )(?<!city, )va(?! ?\d{5})|veterans'? (?:affairs|administration"
            r"|health|benefits)"
            r"|military (?:health )?(?:insurance|coverage))\b" + _TAIL
        ),
        ("va",),
    ),
    (  # every way to pay is taken: public coverage as much as private
        re.compile(r"\ball (?:payment (?:methods|types|options|sources)|forms of payment|methods of payment|types of payment)\b"),
        ("private", "medicaid", "medicare"),
    ),
    (
        re.compile(
            r"\b(?:private|commercial|major|most|all|some|various|many|other|third[- ]party"
            r"|employer|marketplace|exchange|long[- ]term care)(?: (?:types of|major))?"
            r"(?: (?:medical|health))? (?:insurances?|insurers|insurance (?:plans|carriers|"
            r"companies|policies)|plans|carriers)\b"
        ),
        ("private",),
    ),
    (re.compile(r"\b(?:covered california|hmo'?s?|ppo'?s?|epo'?s?|managed care)\b"), ("private",)),
    # bare "insurance": private insurance where accepted, any coverage where required
    (re.compile(r"\b(?:health |medical )?insurances?\b"), (_ANY,)),
]
# Case-sensitive abbreviations over the original text (lower-case "ma" or "pac" mean other things).
_KIND_CASED: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"\b(?:MA|M\.A\.|PAC|MediCal)(?![\w.])"), ("medicaid",)),
    (re.compile(r"\bV\.A\.(?!\w)"), ("va",)),
]
_NOT_HEALTH = re.compile(
    r"\b(?:fire|home|homeowners?|auto|car|vehicle|renters?|life|flood|liability|property|title"
    r"|unemployment|pet|travel|business) insurance\b"
)
_NOT_COVERAGE = re.compile(r"\b(?:in )?need(?:s|ing|ed)? (?:of |for )?medical assistance\b")

# --- cost phrases, in the order they are tried; each match is consumed -----------------------
_NEGATORS = frozenset({
    "no", "not", "non", "without", "nor", "never", "neither", "don't", "doesn't",
    "cannot", "can't", "won't", "isn't", "aren't",
})  # fmt: skip
_UNABLE = (
    r"(?:those |people |persons |clients |patients |individuals |anyone |families )?"
    r"(?:who (?:are |can ?not |can't |do not |don't )?(?:unable|afford|pay|have no|lack)\w*"
    r"|unable to (?:pay|afford)|in (?:financial )?need|(?:with )?(?:low|limited|no) income"
    r"|low[- ]income|indigent|uninsured|under-?insured|without insurance|with no insurance"
    r"|(?:in )?(?:financial )?hardship|who qualify|qualifying)"
)
_SLIDING_RES = [
    re.compile(r"[$£€]\s?0(?:\.00)?\s?(?:-|–|to)\s?[$£€]?\s?\d"),  # "$0-$25"
    re.compile(r"\bsliding(?:[- ]fee)?(?:[- ]?(?:scale|fee|rate)s?)?\b|\bslide\b"),
    re.compile(
        r"\b(?:fee|fees|price|prices|cost|costs|charges?|rates?|rent|payment)?\s*(?:is |are )?"
        r"(?:based on|according to|depend(?:s|ing)? (?:up)?on|vary (?:by|with|according to)"
        r"|varies (?:by|with|according to)|adjusted (?:to|for|by)|scaled to|determined by"
        r"|geared to|tied to)\s+(?:the )?(?:client'?s |family |household |monthly |annual "
        r"|gross |net |adjusted |yearly )*(?:income|ability to pay|household size|means)"
    ),
    re.compile(
        r"\b(?:income[- ](?:based|adjusted|scaled|tested)|means[- ]tested|fee scale"
        r"|(?:according|relative) to (?:family |household )?income)\b"
    ),
    re.compile(r"\bbased on (?:financial |economic )?need\b"),
    re.compile(r"\bpay what you can\b|\bability to pay\b"),
    re.compile(
        r"\bno (?:one|client|person|patient|individual)s? (?:will be |is |are |shall be )?"
        r"(?:turned away|denied|refused)"
    ),
    re.compile(
        r"\bregardless of (?:ability to pay|income|insurance|(?:financial|economic) status)"
    ),
    re.compile(
        r"\bwaive[ds]?\b|\bfees? waivers?\b|\bwaivers? (?:of|for) (?:the )?(?:fees?|costs?)"
    ),
    re.compile(r"\breduc(?:ed|tions?) (?:fees?|rates?|costs?|prices?)\b|\breductions?\b"),
    re.compile(r"\bdiscount\w*\b.{0,40}\b(?:income|financial|need|hardship|unable|low[- ]income)"),
    re.compile(
        r"\b(?:financial (?:aid|assistance|help)|scholarships?|subsid(?:y|ies|i[sz]ed?s?))\b"
    ),
    re.compile(
        r"\b(?:can|may|will|could) (?:\w+ )?be (?:reduced|lowered|adjusted)\b|\bhardship\b"
        r"|\bif (?:\w+ )?income is (?:below|under|less)"
    ),
    re.compile(
        r"\b(?:free|no (?:fees?|charges?|costs?)) (?:under|in) (?:certain|some|special)"
        r" (?:circumstances|cases|situations)\b"
    ),
    re.compile(
        r"\b(?:\d+(?:\.\d+)? ?%|\d/\d) (?:of|on) (?:the )?(?:client'?s |their |one'?s "
        r"|household'?s? |family'?s? |adjusted |gross |net |monthly )*"
        r"(?:income|salary|earnings|wages)"
    ),
    re.compile(
        r"\b(?:free|no (?:fees?|charges?|costs?)|none)\s+(?:(?:for|to|if|when) )?" + _UNABLE
    ),
]
_FREE_WORD = re.compile(
    r"\b(?:free(?: of charge| of cost)?|at no (?:cost|charge)|complimentary|gratis|cost[- ]free"
    r"|fee[- ]free|charge[- ]free|no[- ]cost|zero cost|zero[- ]fee|sin (?:costo|cargo)"
    r"|gratuit[oa]s?)\b"
)
# Free, for the client. "none" only counts where it answers the fees question (clause start).
_FREE_RES = [
    re.compile(
        r"\bno (?:out[- ]of[- ]pocket )?(?:fees?|charges?|costs?|co-?pays?|co-?payments?"
        r"|payments?|cost or fees?)\b(?! (?:schedule|information|scale))"
    ),
    re.compile(r"\bwithout (?:any )?(?:fees?|charges?|costs?)\b"),
    _FREE_WORD,
    re.compile(r"[$£€]\s?0(?:\.00)?(?![\d,]|\.\d| ?- ?[$£€]?\s?\d)"),
    re.compile(
        r"^\s*(?:(?:usually|generally|mostly) )?(?:nones?|no|nothing|n/c)"
        r"(?= *(?:$|,|\(|if\b|for\b|to\b|or\b|unless\b|except\b|required\b|charged\b))"
    ),
    re.compile(
        r"\b(?:paid|funded|covered|sponsored) (?:in full )?by (?:the )?(?:state|county|city"
        r"|federal|government|grants?|dda|program|\w+ funding)\b"
        r"|\b(?:state|federal|county|city|grant|dda)[- ]funded\b"
        r"|\bfunded\b|\b(?:dda|state|federal|county|grant) funding\b|\bpro[- ]?bono\b"
        r"|\bfunding (?:is )?(?:provided )?(?:by|through|from)\b"
        r"|\b(?:fees?|costs?) (?:are |is )?(?:paid|covered) by\b"
    ),
]
_DONATION_RE = re.compile(
    r"(?:[$£€] ?\d[\d.,]* (?:per \w+ )?)?\b(?:(?:suggested|voluntary|optional|requested"
    r"|free[- ]will|love|small|any) )*(?:donations?|contributions?|offerings?)\b"
    r"(?: (?:basket|box))?(?: (?:is |are )?(?:of |is )?[$£€] ?\d[\d.,]*(?: per \w+)?)?"
    r"(?: (?:is |are )?(?:appreciated|welcome[d]?|accepted|requested|encouraged|suggested|asked"
    r"|optional|of clients[\w ]*))?|\bfree[- ]will offering\b"
)
_VAGUE_FEE_RE = re.compile(
    r"\b(?:call|contact|ask|inquire|see|check|visit)\b[^.;]{0,40}?\b(?:fees?|costs?|prices?|rates?"
    r"|charges?|pricing)\b(?: (?:information|info|details|schedule))?"
    r"|\bfees? (?:info(?:rmation)?|details) (?:is |are )?(?:provided|given|available)\b"
)
_FEE_RES = [
    re.compile(r"[$£€]\s?\.?\d[\d,]*(?:\.\d+)?|\b\d+(?:\.\d+)? ?dollars\b|\b\d+ cents?\b"),
    re.compile(
        r"\b(?:fees?|charges?|co-?pays?|co-?payments?|dues|tuition|premiums?|rent"
        r"|costs?|prices?|deposits?|rates?)\b"
    ),
    re.compile(
        r"\b(?:private[- ]pay|self[- ]pay(?:ment)?|out[- ]of[- ]pocket|full[- ]pay"
        r"|pay(?:s|ing)? (?:in )?full|(?:per|a) (?:session|visit|hour|day|week|month|night"
        r"|class|person|year|meal)|payment plans?|billed|bills insurance|must pay"
        r"|required to pay|cash (?:or check )?only|charged)\b"
    ),
]
# Accepting payment says the service charges, but weakly: it decides only when nothing else does.
_PAYMENT_RE = re.compile(
    r"\b(?:cash|checks?|credit cards?|debit cards?|money orders?|visa|master ?card|paypal"
    r"|payment (?:methods|types|options)|payments? accepted|ebt|food stamps|independence cards?"
    r"|vouchers?)\b"
)
# Where a free or paid statement is only about an extra, not the service itself.
_EXTRA_FREE = re.compile(
    r"\b(?:consultations?|consults?|estimates?|trials?|intro\w*|first|initial|orientation"
    r"|information|info|some|certain|few|select\w*|specific|other|occasional)\b"
)
_IGNORED_FREE = re.compile(
    r"\s*(?:on-?site |street )?(?:parking|wi-?fi|internet access|coffee|snacks?|refreshments?"
    r"|childcare during|child care during|shuttle|tea)\b"
)
_MOSTLY_FREE = re.compile(
    r"\b(?:free|no (?:fees?|charges?|costs?)|none)\s+(?:is charged )?(?:for|on) (?:the )?"
    r"(?:most|regular|basic|general|standard|main|core|all regular) (?:services?|programs?)\b"
)
"""A free statement about the service's main part: fees named in later clauses are extras."""
_EXTRA_FEE = re.compile(
    r"\b(?:materials?|books?|photocop\w*|copies|copying|prints?|printing|permits?|overdue|late"
    r"|lost|replace\w*|deposits?|trips?|outings?|special|optional|extras?|additional|camps?"
    r"|fitness|pool|tickets?|rentals?|t-shirts?|supplemental|certain|some|few|select\w*"
    r"|specific|other|occasional|except|not (?:required|necessary|mandatory)|is optional"
    r"|are optional)\b"
)
_PEOPLE = re.compile(
    r"(?:all|most|any|everyone|anyone|eligible|qualif\w+|regular|general|basic|standard|clients?"
    r"|residents?|participants?|individuals?|people|persons?|famil\w+|members?|patients?|those"
    r"|you|the public|the community|adults?|seniors?|veterans?|youth|children|kids|women|men"
    r"|students?|survivors?|victims?|callers?|users?|everybody|each|this|the service|services"
    r"|the program)\b"
)

# --- insurance requirements ---------------------------------------------------------------
_REQUIRED_RES = [
    re.compile(
        r"\b(?:insurance|coverage|enrollment|membership)(?: card)? (?:is |are )?(?:required"
        r"|needed|necessary|mandatory)\b"
    ),
    re.compile(
        r"\brequires? (?:health |medical |active |valid )?(?:insurance|coverage)\b"
        r"(?! or (?:private|self|cash|sliding))"
    ),
    re.compile(
        r"\b(?:must|need to|required to) (?:have|carry|show|be (?:enrolled|insured|covered"
        r"|receiving|on|a member|members|eligible|pre-?approved|an? \w+ member)|receive"
        r"|present)\b"
    ),
    re.compile(r"\binsured (?:\w+ )?only\b"),
    re.compile(
        r"\b(?:members|enrollees|subscribers|beneficiaries|recipients|patients|holders)"
        r" only\b|\bonly (?:for |accepts? |serves |open to |available to )"
    ),
    re.compile(r"\bexclusively for\b"),
]
_ONLY_AFTER = re.compile(
    r"\W{0,3}(?:health )?(?:plan )?(?:members|enrollees|subscribers|patients|beneficiaries"
    r"|policy ?holders|insured)?\s*only\b"
)
_ONLY_BEFORE = re.compile(
    r"\b(?:only|exclusively) (?:accepts?|takes|for|serves|open to|available to)\s+(?:the )?$"
)
_MEMBER_BEFORE = re.compile(
    r"\b(?:for|to|serves|must (?:be|have)(?: an?)?|exclusively for)\s+(?:current |enrolled )?$"
)
_MEMBER_AFTER = re.compile(r"\W{0,3}(?:health )?(?:plan )?(?:members?|enrollees?|subscribers?)\b")
_ELIGIBILITY_NEED = re.compile(
    r"\b(?:must|need to|required to|requires?|only|recipients|beneficiaries|enrollees|members"
    r"|eligible for|enrolled in|receiving|covered by)\b"
)
_WITHOUT_INSURANCE = re.compile(
    r"\bdoes not accept (?:\w+ )?without insurance|\bno (?:uninsured|self[- ]pay)\b"
    r"|\b(?:does not|doesn't|do not|don't) (?:accept|take|serve) (?:the )?uninsured\b"
)
_NOT_REQUIRED = re.compile(
    r"\b(?:no|not|without) (?:\w+ ){0,2}(?:insurance|coverage) (?:is )?(?:required|needed"
    r"|necessary)|\b(?:insurance|coverage) (?:is )?not (?:required|needed|necessary)|\buninsured"
    r" (?:welcome|accepted|ok)"
)

_ABBREVIATIONS = (
    (re.compile(r"\bm\.\s?a\.", re.I), "MA"),
    (re.compile(r"\bv\.\s?a\.", re.I), "VA"),
    (re.compile(r"\bu\.\s?s\.", re.I), "US"),
    (re.compile(r"\be\.\s?g\.", re.I), "eg"),
    (re.compile(r"\bi\.\s?e\.", re.I), "ie"),
    (re.compile(r"\bl\.\s?a\.\s?care\b", re.I), "la care"),
    (re.compile(r"\betc\.", re.I), "etc"),
)
# A field label at the start of a clause ("Fees: None", "Insurance: Medicaid") is not a statement.
_LABEL = re.compile(
    r"^\s*(?:fees?|costs?|charges?|prices?|pricing|payments?|insurance|coverage|rates?)"
    r"(?: (?:information|info|accepted))?\s*[:=-]\s*(?=\S)",
    re.I,
)
_CLAUSES = re.compile(
    r"\.(?=\s|$)|(?<!\d)\.(?!\d)|[;!?\n\u2022]"
    r"|(?:,\s*| )(?:but|however|then|after that|thereafter|otherwise)\b"
)
_NOT_AFTER = re.compile(
    r"(?:\s*(?:,|/|&|\band\b|\bor\b)\s*[\w\x00'-]+){0,4}\W*(?:is |are )?(?:not|no longer|none)"
    r" (?:accepted|taken|billed|covered|required|needed|necessary)"
)
_REFUSING = re.compile(
    r"\b(?:(?:does|do|will|can) ?not|doesn't|don't|won't|cannot|can't) (?:accept|take|bill)\b"
    r"|\bexcept\b|\bexcluding\b|\bother than\b"
)
_UNCOVERED_PAYER = re.compile(
    r"(?:(?<=[,/&])|(?<=[,/&] )|(?<=\band )|(?<=\bor ))(?:no income|none|uninsured|no insurance"
    r"|not insured)(?=\s*(?:$|[.,;/)]))"
)
"""A list of payers whose last items include none, no income or the uninsured ("Medicaid, MCO,
None.", "Medicare and Medicaid / no income."): coverage is billed for those who have it and
nothing is asked of those without, so the cost depends on ability to pay."""
_NO_COST = re.compile(r"\bno (?:out[- ]of[- ]pocket )?(?:fees?|charges?|costs?|co-?pays?|one)\b")
_TAKEN = "\x00"  # marks what a pattern has read: neither a word nor blank
_OTHER_FREE_WORDS = re.compile(r"\b[\w]+-free\b")  # drug-free, toll-free, barrier-free


@dataclass(frozen=True, slots=True)
class CostReading:
    """What one fee or insurance text says: see :func:`read_cost`."""

    fee: Fee
    insurance: frozenset[str]
    insurance_required: bool
    plan_only: str | None
    insurers: frozenset[str]


@dataclass(slots=True)
class _Clause:
    """One clause being read: original and lower-cased text; consumed spans are blanked out."""

    original: str
    text: str

    def take(self, m: re.Match[str]) -> None:
        a, b = m.span()
        self.text = self.text[:a] + _TAKEN * (b - a) + self.text[b:]
        self.original = self.original[:a] + _TAKEN * (b - a) + self.original[b:]

    def negated(self, start: int, end: int) -> bool:
        """Whether a negation governs the span: "no"/"not"/"without"... among the five words
        before it (back to a comma), or "not accepted" right after it."""
        words = _NO_COST.sub(" ", re.split(r"[,:(]", self.text[:start])[-1]).split()
        before = [w for w in words if _TAKEN not in w][-5:]
        return bool(_NEGATORS.intersection(before)) or bool(_NOT_AFTER.match(self.text[end:]))

    def refused(self, start: int, end: int) -> bool:
        """Whether coverage named at the span is refused: negated, or in a list after "does not
        accept" or "except" ("Does not accept Medicaid, Medicare or HMOs")."""
        return self.negated(start, end) or bool(_REFUSING.search(self.text[:start]))

    def scope(self, start: int, end: int, extra: re.Pattern[str]) -> int:
        """How much of the service a cost statement at the span is about: 0 all of it; 1 a part
        named after it ("no fee for support groups": perhaps this very service); 2 only some part
        or an extra ("free consultation", "some services are free", "fees for photocopies"), or
        only to holders of a coverage read before ("no cost to Medi-Cal members": that is the
        coverage paying, which ``insurance`` says)."""
        before = " ".join(re.split(r"[,:(]", self.text[:start])[-1].split()[-4:])
        after = re.split(r"[,:()]", self.text[end:])[0]
        if extra.search(before + " " + " ".join(after.split()[:4])):
            return 2
        m = re.match(r"\s*(?:is |are )?(?:for|on|to|with|at|during)\s+(?:the )?(\S.*)", after)
        if m and m.group(1).startswith(_TAKEN):
            return 2
        return 1 if m and not _PEOPLE.match(m.group(1)) else 0


def _clauses(text: str) -> list[_Clause]:
    for pattern, repl in _ABBREVIATIONS:
        text = pattern.sub(repl, text)
    out = []
    for part in _CLAUSES.split(text):
        part = _LABEL.sub("", " ".join(part.split()))
        if part:
            out.append(_Clause(original=part, text=part.lower()))
    return out


def _kinds(clause: _Clause, *, strict: bool) -> tuple[set[str], dict[str, tuple[int, int]]]:
    """Insurance kinds and insurers named (not negated) in a clause, with where each insurer is.

    Consumes what it reads, so a later cost pattern does not read "premium" in "Medicare
    Premium" or "fee" in "fee-for-service Medicaid". ``strict`` (eligibility text) skips a bare
    "VA", which there is as often Virginia as veterans' coverage."""
    kinds: set[str] = set()
    insurers: dict[str, tuple[int, int]] = {}
    for m in list(_NOT_HEALTH.finditer(clause.text)) + list(_NOT_COVERAGE.finditer(clause.text)):
        clause.take(m)
    for key, pattern, kind in _INSURER_RES:
        for m in pattern.finditer(clause.text):
            if not clause.refused(*m.span()):
                kinds.add(kind)
                insurers.setdefault(key, m.span())
            clause.take(m)
    for pattern, found in _KIND_CASED:
        for m in pattern.finditer(clause.original):
            if not clause.refused(*m.span()):
                kinds.update(found)
            clause.take(m)
    for pattern, found in _KIND_RES:
        for m in pattern.finditer(clause.text):
            if strict and m.group() == "va":
                pass
            elif not clause.refused(*m.span()):
                kinds.update(found)
            clause.take(m)
    return kinds, insurers


def _plan_only(clause: str, spans: dict[str, tuple[int, int]]) -> str | None:
    """The insurer whose members alone are served: "Kaiser members only", "Kaiser only", "only
    accepts Aetna", "for CareFirst members", "must be a Priority Partners member"."""
    for key, (start, end) in spans.items():
        before, after = clause[:start], clause[end:]
        if _ONLY_AFTER.match(after) or _ONLY_BEFORE.search(before):
            return key
        if _MEMBER_BEFORE.search(before) and _MEMBER_AFTER.match(after):
            return key
    return None


def _requirement(
    text: str, kinds: set[str], named: dict[str, tuple[int, int]]
) -> tuple[bool, str | None]:
    """Whether a clause requires coverage, and the one plan whose members alone are served."""
    if _NOT_REQUIRED.search(text):
        return False, None
    only = _plan_only(text, named)
    needs = (
        only is not None
        or (bool(kinds) and any(p.search(text) for p in _REQUIRED_RES))
        or bool(_WITHOUT_INSURANCE.search(text))
    )
    return needs, only


def _read_fee(clause: _Clause, signals: list[tuple[Fee, int]]) -> bool:
    """Add the cost statements of a clause to ``signals``; say whether it names ways to pay."""
    for pattern in _SLIDING_RES:
        for m in pattern.finditer(clause.text):
            if not clause.negated(*m.span()) or m.group().startswith("no"):
                signals.append(("sliding", 0))
            clause.take(m)
    for m in _DONATION_RE.finditer(clause.text):
        signals.append(("donation", clause.scope(*m.span(), _EXTRA_FEE)))
        clause.take(m)
    for m in _VAGUE_FEE_RE.finditer(clause.text):
        clause.take(m)  # "call for fees" says nothing about them
    for pattern in _FREE_RES:
        for m in pattern.finditer(clause.text):
            clause.take(m)
            if pattern is _FREE_WORD and clause.negated(*m.span()):
                signals.append(("fee", 0))  # "not free"
            elif not _IGNORED_FREE.match(clause.text[m.end() :]):
                signals.append(("free", clause.scope(*m.span(), _EXTRA_FREE)))
    for pattern in _FEE_RES:
        for m in pattern.finditer(clause.text):
            if not clause.negated(*m.span()):
                signals.append(("fee", clause.scope(*m.span(), _EXTRA_FEE)))
            clause.take(m)
    return bool(_PAYMENT_RE.search(clause.text))


@lru_cache(maxsize=8192)  # directories repeat their fee texts ("None.") thousands of times
def read_cost(text: str | None, *, eligibility: bool = False) -> CostReading:
    """Read a fee or insurance text as people write it.

    ``fee`` is what the text says the client pays (see :data:`Fee`). The text is read clause by
    clause, and these are the decisions:

    * any statement that the cost depends on income or ability to pay, can be waived or reduced,
      or is helped by scholarships or subsidies makes it ``sliding`` ("No one turned away",
      "30% of income", "$0-$25", "free for those unable to pay"), and so does a list of payers
      naming none, no income or the uninsured besides coverage ("Medicaid, MCO, None.",
      "Medicare and Medicaid / no income");
    * statements about the whole service outweigh those about a part named after them ("no fee
      for support groups"), which outweigh those about some part or an extra ("fees for
      photocopies"); a free statement about only some part, an extra or a first visit ("free
      consultation", "some services are free", "first visit free", "no cost to Medi-Cal
      members": that coverage paying) says nothing, and "free parking" is ignored;
    * among statements of the same weight a charge outweighs donations, which outweigh free;
    * a clause saying the main part is free ("None for most services", "No fees for general
      services") makes the charges of the other clauses extras ("Bankruptcy filing has fees");
    * public funding ("State-funded", "Funded by DDA") and "pro bono" read as free;
    * insurance or ways to pay accepted, with nothing else stated, read as ``fee``: the service
      charges, and without that coverage the client pays; "Call for fees", "Varies" and field
      labels ("Fees: None") say nothing by themselves.

    ``insurance`` holds the :data:`INSURANCE_KINDS` accepted (not negated: "No HMOs", "does not
    accept insurance"). "Most insurance accepted" and insurer names read as ``private`` only
    (see :data:`INSURERS` for plans that are Medicaid managed care); they do not imply Medicaid or
    Medicare. ``insurance_required`` is set when the text requires coverage ("insurance
    required", "must have Medicaid", "Kaiser members only"): the client needs one of
    ``insurance``, or any coverage when it is empty ("Insurance required"); ``plan_only`` then
    names the insurer key when one plan's members alone are served. ``insurers`` are the insurer
    keys named.

    With ``eligibility=True`` the text is an eligibility statement: only insurance is read from
    it, and only where the clause states a requirement ("Medical Assistance recipients", "must
    have insurance"), so "Homeowners must have fire insurance" or "uninsured adults" add nothing.

    >>> r = read_cost("Fees vary according to income ($5-$90). Medi-Cal/Medicaid accepted.")
    >>> r.fee, sorted(r.insurance), r.insurance_required
    ('sliding', ['medicaid'], False)
    >>> read_cost("Kaiser members only").plan_only, read_cost("None.").fee
    ('kaiser', 'free')
    >>> read_cost("Free consultation, then $80/hour").fee, read_cost("Call for fees").fee
    ('fee', 'unknown')
    >>> sorted(read_cost("Most insurances accepted").insurance)
    ['private']
    """
    signals: list[tuple[Fee, int]] = []  # (kind, scope: see _Clause.scope)
    weak_fee = False
    kinds: set[str] = set()
    insurers: set[str] = set()
    required = False
    plan: str | None = None
    spans: list[tuple[int, int, bool]] = []  # each clause's signals; whether it says "free for most services"
    for clause in _clauses(text or ""):
        for m in _OTHER_FREE_WORDS.finditer(clause.text):
            if not re.match(r"(?:fee|cost|charge)-", m.group()):
                clause.take(m)
        whole = clause.text
        found, named = _kinds(clause, strict=eligibility)
        needs, only = _requirement(whole, found, named)
        if eligibility:
            # an eligibility text names coverage to require it ("Medical Assistance recipients")
            needs = needs or (bool(found) and bool(_ELIGIBILITY_NEED.search(whole)))
            if not needs:
                continue
        if _ANY in found:
            found.discard(_ANY)
            if found or not needs:
                found.add("private")
        kinds |= found
        insurers |= set(named)
        required = required or needs
        plan = plan or only
        if not eligibility:
            first = len(signals)
            uncovered = _UNCOVERED_PAYER.search(clause.text) if found else None
            if uncovered:
                signals.append(("sliding", 0))
                clause.take(uncovered)
            mostly = bool(_MOSTLY_FREE.search(clause.text))
            weak_fee = _read_fee(clause, signals) or weak_fee or bool(found) or needs
            spans.append((first, len(signals), mostly))
    if any(mostly for _, _, mostly in spans):  # "None for most services. Filing has fees."
        for first, last, mostly in spans:  # the charges of the other clauses are for extras
            if not mostly:
                signals[first:last] = [(k, max(sc, 2) if k == "fee" else sc) for k, sc in signals[first:last]]
    return CostReading(
        fee=_decide(signals, weak_fee),
        insurance=frozenset(kinds),
        insurance_required=required,
        plan_only=plan,
        insurers=frozenset(insurers),
    )


def _decide(signals: list[tuple[Fee, int]], weak_fee: bool) -> Fee:
    """One fee from the statements read: sliding wins; statements about the whole service beat
    statements about a part; free for only some part or an extra says nothing; a charge beats
    donations, donations beat free."""
    if any(kind == "sliding" for kind, _ in signals):
        return "sliding"
    kept = [(kind, scope) for kind, scope in signals if kind == "fee" or scope < 2]
    if kept:
        widest = min(scope for _, scope in kept)
        pool = {kind for kind, scope in kept if scope == widest}
        order: tuple[Fee, ...] = ("fee", "donation", "free")
        for kind in order:
            if kind in pool:
                return kind
    return "fee" if weak_fee else "unknown"


# Market-rate care: a charge priced by the hour or day of care ("$16/hour", "$75.00 a day",
# "$220/day") or paid only privately ("Private pay.", "Self pay only"). A few dollars a day is a
# nominal program fee, not a care rate, so a time rate counts from _CARE_RATE_MIN dollars.
_TIME_RATE = re.compile(
    r"\$\s?(\d[\d,]*(?:\.\d+)?)\s*(?:/\s*|per\s+|an?\s+)(?:hours?|hrs?|days?)\b", re.I
)
_RATE_WORDS = re.compile(r"\b(?:hourly|daily) (?:rates?|fees?|charges?)\b|\bper diem\b", re.I)
# Private or self pay as THE way to pay: opening a sentence or "only", not one payer in a list
# ("DDA and private pay", "Purchase of Care, private pay", "also accepts private pay").
_PRIVATE_PAY = re.compile(
    r"(?:^|[.;:]\s*)(?:private|self)[- ]?pay(?:ment|ing)?\b|\b(?:private|self)[- ]?pay(?:ment)? only\b",
    re.I,
)
# Other funding named: the client need not pay the rate ("state funding for income eligible").
_FUNDED = re.compile(
    r"\bfund(?:ing|ed)\b|\bsubsid|\bvouchers?\b|\bscholarships?\b|\bfinancial aid\b", re.I
)
_CARE_RATE_MIN = 10.0


def read_private_pay(text: str | None, fee: Fee, insurance: frozenset[str]) -> bool:
    """Whether a fee text asks market-rate private payment: fees apply (no sliding scale, waiver
    or subsidy; not free), no insurance or public coverage is accepted, and the charge is a care
    rate by the hour or day (from ``_CARE_RATE_MIN`` dollars) or private/self pay is how it is paid.

    >>> read_private_pay("$16/hour weekdays (minimum 3 hours)", "fee", frozenset())
    True
    >>> read_private_pay("Private pay. Medicare. Medicaid.", "fee", frozenset({"medicare"}))
    False
    >>> read_private_pay("Private pay only.", "fee", frozenset()), read_private_pay("DDA and private pay.", "fee", frozenset())
    (True, False)
    >>> read_private_pay("$10 per night", "fee", frozenset()), read_private_pay("$2.50 a ride", "fee", frozenset())
    (False, False)
    """
    if fee != "fee" or insurance or not text or _FUNDED.search(text):
        return False
    if _PRIVATE_PAY.search(text) or _RATE_WORDS.search(text):
        return True
    for m in _TIME_RATE.finditer(text):
        try:
            if float(m.group(1).replace(",", "")) >= _CARE_RATE_MIN:
                return True
        except ValueError:
            continue
    return False


def cost_text(facts: ServiceFacts | CostReading) -> str:
    """The cost in words, for an explanation.

    >>> cost_text(read_cost("Donations appreciated")), cost_text(read_cost("Varies"))
    ('donations welcome', 'cost not stated')
    """
    return _COST_TEXT[facts.fee]


_COST_TEXT: dict[str, str] = {
    "free": "free",
    "donation": "donations welcome",
    "sliding": "sliding scale",
    "fee": "fees apply",
    "unknown": "cost not stated",
}

_WAITLIST = re.compile(r"\bwait(ing)?[- ]?list\b|\bwaitlist\b|\bweeks? wait\b", re.I)
_TEACHES_ENGLISH = re.compile(
    r"\b(?:english as a second language|english for speakers of other languages|esol|esl"
    r"|english (?:language )?(?:classes|lessons|instruction))\b",
    re.I,
)
"""A service that teaches English to speakers of other languages (ESL/ESOL classes)."""
_FULL = re.compile(r"\b(not accepting|no openings|at capacity|full)\b", re.I)
_CLOSED_INTAKE = re.compile(
    r"\b(?:wait(?:ing)?[- ]?list|waitlist|intake|enrollment|applications?)\s+(?:is\s+|are\s+)?"
    r"(?:currently\s+|temporarily\s+|now\s+)?closed\b"
    r"(?!\s+(?:on|during|from|at|between|each|every|weekends?|holidays?|daily|\d))"
    r"|\b(?:not|no longer)\s+(?:currently\s+)?accepting\s+(?:new\s+)?"
    r"(?:applications|applicants|clients|patients|referrals|participants|residents)\b",
    re.I,
)
"""A description or application process saying the service takes no one now ("***WAITING LIST IS
CLOSED UNTIL FURTHER NOTICE***", "Not accepting new clients"): known to be full."""
_ACCEPTING = re.compile(
    r"\b(accepting new|openings available|no wait|walk-?ins? welcome|same[- ]day)\b", re.I
)
_VIRTUAL = re.compile(
    r"\b(telehealth|telemedicine|virtual|online|video|by phone|phone-based|hotline|helpline|crisis line|text line|warmline)\b",
    re.I,
)


def insurance_kinds(values: Iterable[str]) -> frozenset[str]:
    """The :data:`INSURANCE_KINDS` among a client's insurance names, read as ``ClientProfile``
    reads them; a name it does not know is read as fee text reads it, so an insurer of
    :data:`INSURERS` counts as its kind and "Medical Assistance" as Medicaid.

    >>> sorted(insurance_kinds(["Medi-Cal", "PRIVATE", "uninsured", "TRICARE", "Kaiser"]))
    ['medicaid', 'private', 'va']
    >>> sorted(insurance_kinds(["Medical Assistance", "Priority Partners", "IHS"]))
    ['medicaid']
    """
    out: set[str] = set()
    for value in values:
        kind = normalize_insurance(value)
        kind = "va" if kind == "va/tricare" else kind
        if kind in INSURANCE_KINDS:
            out.add(kind)
        elif kind != "uninsured":
            out |= read_cost(value).insurance
    return frozenset(out)


def insurer_keys(values: Iterable[str]) -> frozenset[str]:
    """The :data:`INSURERS` keys named among a client's insurance names (to compare with a
    service's ``plan_only``).

    >>> sorted(insurer_keys(["Kaiser Permanente HMO", "Medicare"]))
    ['kaiser']
    """
    return frozenset().union(*(read_cost(v).insurers for v in values))


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """What one service offers. ``virtual`` means it can be used remotely (phone, video, online).

    ``fee``, ``insurance``, ``insurance_required``, ``plan_only`` and ``insurers`` are as
    :func:`read_cost` reads them; ``free``, ``sliding_scale`` and ``fee_known`` follow from
    ``fee``. ``languages_listed`` is False when the languages are not a full list (none given,
    or only those a note names besides the directory's own): other languages are unknown.
    ``teaches_english``: it teaches English to speakers of other languages (ESL/ESOL classes), so
    a client's other language is no barrier to it. ``private_pay``: market-rate private payment
    (see :func:`read_private_pay`), which a low-income client cannot afford."""

    languages: frozenset[str]
    interpretation: bool
    fee: Fee
    insurance: frozenset[str]
    capacity: Capacity
    virtual: bool
    insurance_required: bool = False
    plan_only: str | None = None
    insurers: frozenset[str] = frozenset()
    languages_listed: bool = True
    teaches_english: bool = False
    private_pay: bool = False

    @property
    def free(self) -> bool:
        """Nothing to pay: free, or donations only."""
        return self.fee in ("free", "donation")

    @property
    def sliding_scale(self) -> bool:
        """The cost depends on income or ability to pay, or can be waived."""
        return self.fee == "sliding"

    @property
    def fee_known(self) -> bool:
        """The cost was stated and understood."""
        return self.fee != "unknown"


def service_facts(
    service: Service, locations: Iterable[Location] = (), default_language: str = "en"
) -> ServiceFacts:
    """Read a service's facts from its own fields, cost options, capacities and locations.

    Languages come from each language record's ``code``, else its ``name``, else the
    languages its ``note`` names ("Spanish, French."): 211 exports list there the languages
    offered *besides* the directory's own, so ``default_language`` is kept with them; a note
    such as "Language Line.", "Interpreters available." or "All languages" counts as
    interpretation, one for named languages or sign only ("ASL interpreter") does not (see
    :func:`read_interpretation`), nor does an ``interpretation_services`` text of that kind
    (its languages are spoken; any other text is interpretation).

    Cost comes from ``fees_description``, ``fees`` and the cost options (an ``amount`` of 0 is
    free, a positive amount a fee, each unless the texts say more); insurance also from
    requirements stated in ``eligibility_description``."""
    locations = list(locations)
    records = [*service.languages, *(lang for loc in locations for lang in loc.languages)]
    languages: set[str] = set()  # from codes and names: a list of what is spoken
    noted: set[str] = set()  # named in notes: spoken besides the directory's own language
    interpretation = False
    for lang in records:
        if lang.code:
            languages.add(lang.code)
            continue
        try:
            languages.add(language_code(lang.name or ""))
        except ValueError:
            general, signed = read_interpretation(lang.note)
            noted |= languages_named(lang.note) | signed
            interpretation = interpretation or general
    listed = bool(languages)
    if service.interpretation_services:  # interpretation unless only for named languages or sign
        general, signed = read_interpretation(service.interpretation_services)
        named = languages_named(service.interpretation_services) | signed
        languages |= named
        interpretation = interpretation or general or not named
    teaching = " ".join(t for t in (service.name, service.description, service.eligibility_description) if t)
    teaches_english = bool(_TEACHES_ENGLISH.search(teaching))
    if noted:
        languages |= noted | {default_language}
    money_text = ". ".join(
        t
        for t in (
            service.fees_description,
            service.fees,
            *(c.option or "" for c in service.cost_options),
            *(c.amount_description or "" for c in service.cost_options),
        )
        if t and t.strip()
    )
    cost = read_cost(money_text)
    fee = cost.fee
    amounts = [c.amount for c in service.cost_options if c.amount is not None]
    if amounts and fee == "unknown":
        fee = "free" if max(amounts) == 0 else "fee"
    elif amounts and fee == "free" and max(amounts) > 0:
        fee = "fee"
    rules = read_cost(service.eligibility_description, eligibility=True)
    private_pay = read_private_pay(money_text, fee, cost.insurance | rules.insurance)
    capacity: Capacity = "unknown"
    if service.capacities:
        available = sum(c.available for c in service.capacities)
        capacity = "accepting" if available > 0 else "full"
    else:
        wait = " ".join(t for t in (service.wait_time, service.alert) if t)
        if _FULL.search(wait):
            capacity = "full"
        elif _WAITLIST.search(wait):
            capacity = "waitlist"
        elif _ACCEPTING.search(wait):
            capacity = "accepting"
        elif _CLOSED_INTAKE.search(f"{service.description or ''} {service.application_process or ''}"):
            capacity = "full"
    mode_text = " ".join(
        t for t in (service.name, service.description, service.alternate_name) if t
    )
    virtual = (
        bool(locations) and all(loc.location_type == "virtual" for loc in locations)
    ) or bool(_VIRTUAL.search(mode_text))
    return ServiceFacts(
        languages=frozenset(languages),
        interpretation=interpretation,
        languages_listed=listed,
        teaches_english=teaches_english,
        fee=fee,
        insurance=cost.insurance | rules.insurance,
        capacity=capacity,
        virtual=virtual,
        insurance_required=cost.insurance_required or rules.insurance_required,
        plan_only=cost.plan_only or rules.plan_only,
        insurers=cost.insurers | rules.insurers,
        private_pay=private_pay,
    )
