"""Normalisers for the messy values real directory exports carry: times, weekdays, languages,
phone numbers, booleans, ages and text.

Each function returns the normalised value, or raises ``ValueError`` with a plain reason when the
value cannot be read safely. None of them guesses: "9:00am" becomes 09:00, "sometime" is an error.

Examples:
    >>> parse_time("9:00am"), parse_time("0900"), parse_time("noon"), parse_time("5 PM")
    (datetime.time(9, 0), datetime.time(9, 0), datetime.time(12, 0), datetime.time(17, 0))
    >>> parse_weekday("Tuesday"), parse_weekday(1), parse_weekday("sun")
    ('TU', 'MO', 'SU')
    >>> language_code("Spanish"), language_code("ES"), language_code("eng")
    ('es', 'es', 'en')
    >>> parse_bool("Yes"), parse_bool("0")
    (True, False)
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

__all__ = [
    "UNKNOWN_LANGUAGE",
    "PhoneText",
    "UnknownLanguageWarning",
    "clean_text",
    "client_language_code",
    "is_plain_phone",
    "language_affinity",
    "language_code",
    "language_name",
    "languages_compatible",
    "languages_named",
    "normalize_phone",
    "offers_interpretation",
    "parse_age",
    "parse_bool",
    "parse_coordinates",
    "parse_date",
    "parse_degrees",
    "parse_phone_text",
    "parse_time",
    "parse_weekday",
    "phone_e164",
    "read_interpretation",
    "split_time_offset",
]

_TIME_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
_TIME_RE = re.compile(
    r"^(?P<h>\d{1,2})(?:[:.]?(?P<m>\d{2}))?(?::(?P<s>\d{2}))?(?:\.\d+)?\s*(?P<ampm>[ap]\.?\s*m\.?)?$",
    re.IGNORECASE,
)

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAY_NAMES = {
    "monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH",
    "friday": "FR", "saturday": "SA", "sunday": "SU",
    "mon": "MO", "tue": "TU", "tues": "TU", "wed": "WE", "thu": "TH", "thur": "TH",
    "thurs": "TH", "fri": "FR", "sat": "SA", "sun": "SU",
}  # fmt: skip

# The override layer over python-iso639: names and codes US directories use that ISO 639 spells
# differently or not at all, and the choices this project makes (Mandarin and Cantonese are
# separate languages; "Chinese" is the macrolanguage ``zh``). Checked before the ISO tables.
_ALIASES: dict[str, str] = {
    "castilian": "es", "español": "es", "espanol": "es",
    "mandarin": "cmn", "putonghua": "cmn", "cantonese": "yue", "taishanese": "yue",
    "toisanese": "yue", "chinese": "zh",
    "filipino": "tl", "fil": "tl",
    "haitian creole": "ht", "haitian": "ht", "creole": "ht", "kreyol": "ht", "kreyòl": "ht",
    "persian": "fa", "farsi": "fa",
    "cambodian": "km", "laotian": "lo", "bangla": "bn", "panjabi": "pa",
    "mien": "ium", "iu mien": "ium", "yao": "ium",
    "ilocano": "ilo", "ilokano": "ilo", "cape verdean creole": "kea", "cape verdean": "kea",
    "karen": "kar", "sgaw karen": "ksw", "chuukese": "chk", "trukese": "chk",
    "american sign language": "ase", "asl": "ase", "sign language": "ase",
    "pashto": "ps", "pushto": "ps", "dari": "prs", "greek": "el", "tongan": "to",
}  # fmt: skip
# English names for codes whose ISO 639 name reads oddly in a directory.
_NAMES = {
    "cmn": "Mandarin", "yue": "Cantonese", "zh": "Chinese", "ht": "Haitian Creole",
    "pa": "Punjabi", "ps": "Pashto", "fa": "Persian", "ium": "Mien", "ase": "American Sign Language",
    "el": "Greek", "km": "Khmer", "ky": "Kyrgyz",
}  # fmt: skip

_SPACE_RUNS = re.compile(r"[ \t]+")
# Unicode categories clean_text drops: controls and lone surrogates. Format characters (Cf:
# ZWJ U+200D, ZWNJ U+200C, bidi marks), private use and code points newer than this Python are kept.
_DROPPED = frozenset({"Cc", "Cs"})
_TRUE = {"true", "t", "yes", "y", "1", "x", "on"}
_FALSE = {"false", "f", "no", "n", "0", "off", ""}


def clean_text(value: str) -> str:
    """NFC-normalise, drop a byte-order mark and control characters, collapse runs of spaces.

    Only NFC: compatibility forms are left as written, and format characters that carry meaning
    are kept: the zero-width joiner and non-joiner (emoji sequences such as the family emoji,
    Persian and Indic spelling), bidirectional marks, variation selectors.

    >>> clean_text("\\ufeff  Caf\\u0065\\u0301  Hope ")
    'Café Hope'
    >>> family = "\\U0001F468\\u200d\\U0001F469\\u200d\\U0001F467"
    >>> clean_text(f" {family} Family Center ") == f"{family} Family Center"
    True
    """
    if value.isascii() and value.isprintable():  # the common case: nothing to normalise
        return _SPACE_RUNS.sub(" ", value).strip() if "  " in value else value.strip()
    value = unicodedata.normalize("NFC", value.replace("\ufeff", ""))
    value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in _DROPPED)
    return _SPACE_RUNS.sub(" ", value).strip()


_OFFSET_RE = re.compile(
    r"^(?P<clock>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:(?P<z>z|utc|gmt)|(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})?)$",
    re.IGNORECASE,
)


def split_time_offset(value: object) -> tuple[object, float | None]:
    """Split an ISO 8601 time with a UTC offset into the wall-clock part and the offset in hours.

    HSDS 3 recommends times with offsets ("09:00-05:00", "10:00:00Z"). A time without one is
    returned unchanged with None. Offsets beyond +-14 hours or with odd minutes are not offsets
    (so "09:00-17:00", a range, is left for :func:`parse_time` to refuse).

    >>> split_time_offset("09:00-05:00"), split_time_offset("10:00:00Z"), split_time_offset("9am")
    (('09:00', -5.0), ('10:00:00', 0.0), ('9am', None))
    >>> split_time_offset("17:30+05:30")
    ('17:30', 5.5)
    """
    if not isinstance(value, str):
        return value, None
    match = _OFFSET_RE.match(value.strip())
    if match is None:
        return value, None
    if match["z"]:
        return match["clock"], 0.0
    hours, minutes = int(match["oh"]), int(match["om"] or 0)
    if hours > 14 or minutes not in (0, 15, 30, 45):
        return value, None
    offset = hours + minutes / 60
    return match["clock"], -offset if match["sign"] == "-" else offset


def parse_time(value: object) -> time:
    """Read a clock time: "09:00", "9:00am", "9 AM", "0900", "900", "noon", "17:30:00", 1730,
    and ISO 8601 times with a UTC offset ("09:00-05:00", "10:00:00Z": the wall-clock time;
    :func:`split_time_offset` gives the offset).

    Raises ``ValueError`` when the text is no time of day.

    >>> parse_time("09:00-05:00"), parse_time("10:00:00Z")
    (datetime.time(9, 0), datetime.time(10, 0))
    """
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    value, _ = split_time_offset(value)
    if isinstance(value, bool):
        raise ValueError("not a time of day")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("not a time of day")
        text = f"{int(value):04d}" if 0 <= value < 2400 else str(value)
    else:
        text = str(value).strip().lower()
    if text in _TIME_WORDS:
        return _TIME_WORDS[text]
    match = _TIME_RE.match(text)
    if not match:
        raise ValueError("not a time of day")
    hour_text, minute_text = match["h"], match["m"]
    if minute_text is None and len(hour_text) > 2:
        raise ValueError("not a time of day")
    if minute_text is None and match["ampm"] is None and len(text) in (3, 4) and text.isdigit():
        hour_text, minute_text = text[:-2], text[-2:]
    hour, minute = int(hour_text), int(minute_text or 0)
    second = int(match["s"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise ValueError("hour out of range for a 12-hour clock")
        hour = hour % 12 + (12 if match["ampm"].startswith("p") else 0)
    if hour == 24 and minute == 0 and second == 0:
        return time(23, 59, 59)
    if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= second < 60):
        raise ValueError("time out of range")
    return time(hour, minute, second)


def parse_weekday(value: object) -> str:
    """Read a weekday as its RFC 5545 code: names, abbreviations, codes, or numbers 1-7 (1 = Monday).

    HSDS 1.1 numbers weekdays 1 (Monday) to 7 (Sunday); 0 is read as Sunday, as some exports use.
    """
    if isinstance(value, bool):
        raise ValueError("not a weekday")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("not a weekday")
        number = int(value)
        if not 0 <= number <= 7:
            raise ValueError("weekday number must be 1-7")
        return WEEKDAY_CODES[(number - 1) % 7]
    text = str(value).strip().lower().rstrip(".")
    if text.isdigit():
        return parse_weekday(int(text))
    if text.upper() in WEEKDAY_CODES:
        return text.upper()
    if text in _WEEKDAY_NAMES:
        return _WEEKDAY_NAMES[text]
    raise ValueError("not a weekday")


def language_code(value: str) -> str:
    """The canonical ISO 639 code of a language name or code: ISO 639-1 when the language has
    one, else ISO 639-3 ("Spanish", "spa", "ES", "es-MX" -> "es"; "Dari" -> "prs").

    Names and codes are resolved by python-iso639 (every ISO 639-1/2/3 code and reference name),
    with this module's aliases as an override layer (Mandarin is ``cmn``, Cantonese ``yue``,
    "Chinese" the macrolanguage ``zh``, ASL ``ase``). Raises ``ValueError("unknown language")``
    for a name neither knows; the message never repeats the value.

    >>> language_code("Pashto"), language_code("prs"), language_code("Cantonese"), language_code("ASL")
    ('ps', 'prs', 'yue', 'ase')
    >>> language_code("Marshallese"), language_code("Chuukese"), language_code("Mien")
    ('mh', 'chk', 'ium')
    """
    text = clean_text(value).lower()
    text = re.sub(r"\s*\(.*\)$", "", text)
    code = _resolve(text)
    if code is None and re.match(r"^[a-z]{2,3}[-_][a-z0-9]{2,8}", text):
        code = _resolve(re.split(r"[-_]", text, maxsplit=1)[0])  # a BCP 47 tag: es-MX, zh-Hant
    if code is None:
        raise ValueError("unknown language")
    return code


@lru_cache(maxsize=4096)
def _resolve(text: str) -> str | None:
    if not text:
        return None
    if text in _ALIASES:
        return _ALIASES[text]
    found = _iso639(text)
    return None if found is None else (found.part1 or found.part3)


@lru_cache(maxsize=4096)
def _iso639(text: str) -> Any:
    """The python-iso639 ``Language`` of a code or reference name (any case), or None."""
    import iso639

    try:
        return iso639.Language.match(text)
    except (iso639.LanguageNotFoundError, ValueError, TypeError):
        pass
    return _names_index().get(text.lower())


@lru_cache(maxsize=1)
def _names_index() -> dict[str, Any]:
    """Lower-cased ISO 639 reference and other names -> Language (living languages first)."""
    import iso639

    index: dict[str, Any] = {}
    ranked = sorted(iso639.ALL_LANGUAGES, key=lambda lang: (lang.type != "L", lang.part3))
    for lang in ranked:
        names = [lang.name, *(n.print for n in (lang.other_names or ()))]
        for name in names:
            index.setdefault(str(name).lower(), lang)
    for lang in ranked:  # then without a qualifier: "Swahili (macrolanguage)" -> "swahili"
        for name in [lang.name, *(n.print for n in (lang.other_names or ()))]:
            bare = re.sub(r"\s*\(.*\)$", "", str(name)).lower()
            if bare and lang.type == "L":
                index.setdefault(bare, lang)
    return index


_NOTE_PARTS = re.compile(r"[,;/&.()]|\band\b|\bor\b|\bwith\b", re.I)
_WRITTEN_ONLY = re.compile(r"\b(?:materials?|brochures?|written|publications?|literature|books?|forms?|applications?)\b", re.I)
_NOTE_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def _note_language(phrase: str) -> str | None:
    """The code of a phrase that is a language's name or alias ("Spanish", "ASL"), else None.
    Short or lower-case words are never taken for a language ("to" is not Tonga)."""
    key = phrase.lower()
    if key in _ALIASES:
        return _ALIASES[key]
    if len(phrase) < 4 or not phrase[0].isupper():
        return None
    found = _names_index().get(key)
    return None if found is None or not found.part1 else str(found.part1)


def languages_named(text: str | None) -> frozenset[str]:
    """ISO 639 codes of the spoken languages a free-text language note names, as 211 exports
    write them ("Spanish, French.", "ASL and a Language line.", "Limited Spanish."); languages
    offered only in print ("Materials in Spanish") are not counted.

    >>> sorted(languages_named("Spanish, French and A.S.L."))
    ['ase', 'es', 'fr']
    >>> sorted(languages_named("Limited Spanish. Accommodations possible.")), languages_named("Offers brochures in Spanish.")
    (['es'], frozenset())
    """
    out: set[str] = set()
    text = (text or "").replace("A.S.L.", "ASL").replace("-speaking", " speaking")
    for part in _NOTE_PARTS.split(text):
        if _WRITTEN_ONLY.search(part):
            continue
        words = _NOTE_WORD.findall(part)
        i = 0
        while i < len(words):
            for n in (3, 2, 1):
                code = _note_language(" ".join(words[i : i + n])) if i + n <= len(words) else None
                if code is not None:
                    out.add(code)
                    i += n
                    break
            else:
                i += 1
    return frozenset(out)


_ANY_LANGUAGE = re.compile(
    r"\b(?:all|any|every|numerous|various|multiple|many|variety of|\d+)(?: (?:other|different"
    r"|spoken))? languages?\b|\b(?:all|any|every) other\b|\band others\b|\baccess to others\b"
    r"|\bother languages?\b|\blanguages? (?:banks?|links?|lines?)\b|\binterpreter lines?\b"
    r"|\bmulti-?lingual\b|^\W*(?:all|numerous)\b",
    re.I,
)
"""A note saying every or many languages are served ("All languages", "Language Bank available",
"Interpreter line for other languages", "Spanish, Arabic, Japanese and others"): any spoken
language may be reached, as through an interpreter."""
_OFFER = re.compile(
    r"\b(?:interpret(?:ers?|ation|ing)?|translat(?:ors?|ion|ing)|accommodat(?:ions?|e[ds]?|ing)"
    r"|arrangements? (?:can|may) be made|(?:special )?arrangements?(?= (?:possible|available))"
    r"|special arrangements)\b",
    re.I,
)
"""An offer to arrange communication ("Interpreters available", "Accommodations possible")."""
_HEARING = re.compile(
    r"\b(?:deaf|hearing|hard of hearing|signing|sign(?:ed)? language|tty|tdd)\b", re.I
)
_PRECEDING_WORDS = re.compile(r"((?:[A-Za-z][\w'-]* ){0,2}[A-Za-z][\w'-]*)\s*$")
_FOR_WHOM = re.compile(
    r"^\s*(?:services?\s+|possible\s+|available\s+|(?:is|are)\s+available\s+)?for\s+(?:the\s+|those\s+)?"
    r"(?:who are\s+)?(?!non\b|limited\b)([A-Za-z][\w'-]*(?: [A-Za-z][\w'-]*)?)",
    re.I,
)


def _qualified(note: str, start: int, end: int) -> bool:
    """Whether the offer at ``note[start:end]`` is for languages it names, or for deaf or
    hard-of-hearing people only: "ASL interpreter", "Spanish translators available",
    "Interpreter service for Spanish, French", "Special arrangements for hearing impaired"."""
    before = _PRECEDING_WORDS.search(note[:start])
    if before:
        words = before.group(1).split()
        for n in range(1, len(words) + 1):  # the words just before complete a language's name
            tail, shorter = " ".join(words[-n:]), " ".join(words[-n:-1])
            if _HEARING.fullmatch(tail) or languages_named(tail) - languages_named(shorter):
                return True
    after = _FOR_WHOM.match(note[end:])
    if after:
        who = after.group(1)
        return bool(_HEARING.match(who) or languages_named(who))
    return False


def read_interpretation(note: str | None) -> tuple[bool, frozenset[str]]:
    """Whether a language note (or an ``interpretation_services`` text) offers interpretation
    for any spoken language, and the languages it offers only in sign or a named language.

    An interpreter service reaches any spoken language: "Language Line.", "Interpreters
    available.", "Accommodations possible.", "All languages", "Language Bank available",
    "Spanish and others". An offer for named languages ("Spanish interpreter", "Interpreter
    service for Spanish, French") or for deaf and hard-of-hearing people ("ASL interpreter",
    "Special arrangements for hearing impaired") reaches only those: they are returned as
    not offers for any language; the languages are those :func:`languages_named` reads (and
    "ase" returned for an offer to deaf people), and a client of another language is not
    reached by it.

    >>> read_interpretation("All languages"), read_interpretation("Language Bank available.")
    ((True, frozenset()), (True, frozenset()))
    >>> read_interpretation("Sign language interpreter."), read_interpretation("Spanish interpreters.")
    ((False, frozenset({'ase'})), (False, frozenset()))
    >>> read_interpretation("Spanish interpreters; Language Line.")
    (True, frozenset())
    >>> read_interpretation("Offers brochures in many languages.")
    (False, frozenset())
    """
    if not note:
        return False, frozenset()
    general = False
    named: set[str] = set()
    for part in re.split(r"(?<=[.;])\s+|;", note):
        if _WRITTEN_ONLY.search(part):
            continue
        if _ANY_LANGUAGE.search(part):
            general = True
        for m in _OFFER.finditer(part):
            if not _qualified(part, m.start(), m.end()):
                general = True
            elif _HEARING.search(part):
                named.add("ase")
    return general, frozenset(named)


def offers_interpretation(text: str | None) -> bool:
    """Whether a language note says any spoken language can be reached ("Language Line.",
    "Interpreters available.", "Accommodations possible."): the first half of
    :func:`read_interpretation`.

    >>> offers_interpretation("Accommodations possible."), offers_interpretation("Spanish interpreters.")
    (True, False)
    """
    return read_interpretation(text)[0]


UNKNOWN_LANGUAGE = "und"
"""ISO 639-2 "undetermined": the code a client's language gets when no table knows it."""


class UnknownLanguageWarning(UserWarning):
    """Warned when a client's language is in no ISO 639 table; it is kept as ``"und"``.

    The message never names the language (it is client data).
    """


def client_language_code(value: str) -> str:
    """:func:`language_code` for client data: an unknown language is ``"und"`` and a warning.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     codes = client_language_code("Dari"), client_language_code("Mixteco")
    >>> codes, caught[0].category.__name__
    (('prs', 'und'), 'UnknownLanguageWarning')
    """
    try:
        return language_code(value)
    except ValueError:
        warnings.warn(
            UnknownLanguageWarning(
                "a language is in no ISO 639 table; kept as 'und' (undetermined)"
            ),
            stacklevel=2,
        )
        return UNKNOWN_LANGUAGE


def language_name(code: str) -> str:
    """The English name of a language code ("es" -> "Spanish", "yue" -> "Cantonese"), else the code.

    >>> language_name("es"), language_name("yue"), language_name("chk"), language_name("qqq")
    ('Spanish', 'Cantonese', 'Chuukese', 'qqq')
    """
    key = code.strip().lower()
    if key in _NAMES:
        return _NAMES[key]
    found = _iso639(key) if re.fullmatch(r"[a-z]{2,3}", key) else None
    return str(found.name) if found is not None else code


@lru_cache(maxsize=65_536)
def language_affinity(a: str, b: str) -> float:
    """How well a speaker of language ``a`` is served in language ``b``, from 0 to 1.

    1.0 when both name the same language; 0.5 when one is an ISO 639 macrolanguage of the other
    ("zh" vs "cmn" or "yue", "fa" vs "prs", "ar" vs "arz"): a directory that says "Chinese" may
    or may not speak Cantonese; 0.0 otherwise, including two members of one macrolanguage
    (Cantonese ``yue`` is not Mandarin ``cmn``). Names or codes are accepted; an unknown
    language has affinity 0 with everything but itself.

    >>> language_affinity("zh", "yue"), language_affinity("Mandarin", "zh")
    (0.5, 0.5)
    >>> language_affinity("yue", "cmn"), language_affinity("es", "Spanish"), language_affinity("ase", "en")
    (0.0, 1.0, 0.0)
    """
    try:
        code_a, code_b = language_code(a), language_code(b)
    except ValueError:
        return 1.0 if clean_text(a).lower() == clean_text(b).lower() else 0.0
    if code_a == code_b:
        return 1.0
    macro_a, macro_b = _macrolanguage(code_a), _macrolanguage(code_b)
    part3_a, part3_b = _part3(code_a), _part3(code_b)
    if (macro_a is not None and macro_a == part3_b) or (macro_b is not None and macro_b == part3_a):
        return 0.5
    return 0.0


def languages_compatible(a: str, b: str) -> bool:
    """True when a speaker of ``a`` may be served in ``b`` (:func:`language_affinity` > 0).

    >>> languages_compatible("zh", "cmn"), languages_compatible("cmn", "yue")
    (True, False)
    """
    return language_affinity(a, b) > 0.0


def _part3(code: str) -> str | None:
    found = _iso639(code)
    return None if found is None else str(found.part3)


def _macrolanguage(code: str) -> str | None:
    found = _iso639(code)
    return None if found is None or not found.macrolanguage else str(found.macrolanguage)


def normalize_phone(value: str) -> str:
    """Tidy a phone number: strip quotes and stray characters; format 10-digit US numbers.

    >>> normalize_phone('"(650) 372-6200"'), normalize_phone("+44 1234 234567")
    ('(650) 372-6200', '+44 1234 234567')
    """
    text = clean_text(value).strip("\"' ")
    digits = re.sub(r"\D", "", text)
    if not digits:
        raise ValueError("no digits in phone number")
    if len(digits) == 11 and digits.startswith("1") and not text.startswith("+"):
        digits = digits[1:]
    if len(digits) == 10 and not text.startswith("+"):
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return re.sub(r"[^\d+()\- .x]", "", text).strip()


@dataclass(frozen=True, slots=True)
class PhoneText:
    """What one phone field holds: the numbers found and the text around them.

    ``numbers`` are (as written, E.164, extension or None) per number found, in order;
    ``rest`` is the text left once the numbers are taken out ("(24 hrs)", "or", ...), tidied.
    No number found means the field is kept as text (see :func:`parse_phone_text`).
    """

    numbers: tuple[tuple[str, str, str | None], ...]
    rest: str


def parse_phone_text(value: str, region: str = "US") -> PhoneText:
    """Find the phone numbers in a field with phonenumbers (phonenumberslite's metadata).

    Reads extensions ("x 12", "ext. 12"), two numbers in one field ("415-555-1212 or
    415-555-1313"), notes around a number ("(24 hrs)") and letters ("1-800-FLOWERS").
    Numbers without a country code are read as ``region``'s. A field with no dialable number
    (a short code such as 211, "call us") gives no numbers: keep it as text.

    >>> found = parse_phone_text("(650) 372-6200 x 12 (24 hrs)")
    >>> found.numbers, found.rest
    ((('(650) 372-6200 x 12', '+16503726200', '12'),), '(24 hrs)')
    >>> [n[1] for n in parse_phone_text("415-555-1212 or 415-555-1313").numbers]
    ['+14155551212', '+14155551313']
    >>> parse_phone_text("1-800-FLOWERS").numbers[0][1], parse_phone_text("211").numbers
    ('+18003569377', ())
    """
    import phonenumbers

    text = clean_text(value).strip("\"' ")
    numbers: list[tuple[str, str, str | None]] = []
    rest_parts: list[str] = []
    last = 0
    try:
        matches = list(phonenumbers.PhoneNumberMatcher(text, region))
    except Exception:  # the matcher must never crash a load
        matches = []
    for match in matches:
        rest_parts.append(text[last : match.start])
        last = match.end
        number = match.number
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        numbers.append((match.raw_string.strip(), e164, number.extension or None))
    rest_parts.append(text[last:])
    if not numbers and re.search(r"[A-Za-z]{3}", text) and len(re.sub(r"\D", "", text)) >= 3:
        try:  # vanity numbers: the matcher skips letters, parse() maps them to digits
            vanity = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            vanity = None
        if vanity is not None and phonenumbers.is_valid_number(vanity):
            e164 = phonenumbers.format_number(vanity, phonenumbers.PhoneNumberFormat.E164)
            return PhoneText(((text, e164, vanity.extension or None),), "")
    rest = " ".join(" ".join(rest_parts).split())
    rest = re.sub(r"^(?:[,;/&|-]|\b(?:or|and)\b)\s*|\s*(?:[,;/&|-]|\b(?:or|and)\b)$", "", rest,
                  flags=re.IGNORECASE).strip()  # fmt: skip
    return PhoneText(tuple(numbers), rest if numbers else text)


_PLAIN_PHONE = re.compile(r"^[\"']?\+?[\d\s().\-]{7,24}[\"']?$")


def is_plain_phone(value: str) -> bool:
    """True when ``value`` is one phone number written with digits and punctuation only (no
    extension, note, letters or second number), so nothing needs splitting.

    >>> is_plain_phone("(650) 372-6200"), is_plain_phone("650-372-6200 x 12"), is_plain_phone("211")
    (True, False, False)
    """
    if not _PLAIN_PHONE.match(value):
        return False
    digits = sum(ch.isdigit() for ch in value)
    return 7 <= digits <= 15 and not (digits > 11 and not value.lstrip("\"' ").startswith("+"))


def phone_e164(number: str, extension: str | None = None, region: str = "US") -> str | None:
    """The E.164 form of a phone number ("+16503726200"), with " ext. N" when there is an
    extension; None when the text holds no dialable number.

    >>> phone_e164("(650) 372-6200", "12"), phone_e164("call us")
    ('+16503726200 ext. 12', None)
    """
    found = parse_phone_text(number, region)
    if not found.numbers:
        return None
    _, e164, ext = found.numbers[0]
    ext = extension or ext
    return e164 + (f" ext. {ext}" if ext else "")


_DECIMAL_PAIR = re.compile(r"^\s*\(?\s*([+-]?\d{1,3}(?:\.\d+)?)\s*[,; ]\s*([+-]?\d{1,3}(?:\.\d+)?)\s*\)?\s*$")
_DECIMAL = re.compile(r"^\s*[+-]?\d{1,3}(?:\.\d+)?\s*$")
_HEMISPHERE = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)\s*([NSEWnsew])\s*$")
_SEXAGESIMAL = re.compile(  # degree signs, or decimal degrees with hemisphere letters
    r"[°º]|^\s*\d{1,3}(?:\.\d+)?\s*[NSns]\s*(?:[,;]?\s*\d{1,3}(?:\.\d+)?\s*[EWew])?\s*$"
    r"|^\s*\d{1,3}(?:\.\d+)?\s*[EWew]\s*$"
)


def parse_coordinates(value: str) -> tuple[float, float]:
    r"""Read a coordinate pair in decimal degrees (WGS 84) from text with geopy's point parser.

    Accepts "42.108547, -87.974705", "(42.1; -87.9)", hemisphere letters ("42.1N, 87.9W") and
    degrees-minutes-seconds ("42°06'30.8\"N 87°58'29\"W"). Raises ``ValueError`` for anything
    else, or a latitude beyond +-90 / longitude beyond +-180 (never wrapped to another place).

    >>> parse_coordinates("42.108547, -87.974705")
    (42.108547, -87.974705)
    >>> [round(v, 5) for v in parse_coordinates("42°06'30.8\"N 87°58'29.0\"W")]
    [42.10856, -87.97472]
    """
    import warnings as _warnings

    from geopy.point import Point

    text = clean_text(str(value))
    pair = _DECIMAL_PAIR.match(text)
    if pair is not None:
        latitude, longitude = float(pair[1]), float(pair[2])
    elif _SEXAGESIMAL.search(text):
        with _warnings.catch_warnings():
            _warnings.simplefilter("error")  # geopy warns where it would wrap a value: refuse
            try:
                point = Point.from_string(text)
            except (ValueError, TypeError, Warning):
                raise ValueError("not a coordinate pair in a recognised form") from None
        latitude, longitude = float(point.latitude), float(point.longitude)
        if point.altitude:
            raise ValueError("not a coordinate pair in a recognised form")
    else:
        raise ValueError("not a coordinate pair in a recognised form")
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        raise ValueError("coordinates out of range")
    return latitude, longitude


def parse_degrees(value: object, axis: str) -> float:
    r"""One coordinate in decimal degrees from a number, decimal text or degrees-minutes-seconds
    text ("42°06'30.8\"N"); ``axis`` is ``"latitude"`` or ``"longitude"``.

    >>> parse_degrees("-87.974705", "longitude"), round(parse_degrees("87°58'29\"W", "longitude"), 4)
    (-87.974705, -87.9747)
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = clean_text(str(value))
    if _DECIMAL.match(text):
        return float(text)
    lettered = _HEMISPHERE.match(text)
    if lettered is not None:
        letter = lettered[2].upper()
        if letter not in ("NS" if axis == "latitude" else "EW"):
            raise ValueError("hemisphere letter does not fit the coordinate")
        degrees = float(lettered[1])
        return -degrees if letter in "SW" else degrees
    if not re.search("[°º]", text):
        raise ValueError("not a coordinate in a recognised form")
    if axis == "latitude":
        return parse_coordinates(f"{text}, 0°0'0\"E")[0]
    return parse_coordinates(f"0°0'0\"N, {text}")[1]


def parse_bool(value: object) -> bool:
    """Read a boolean-ish value: true/false, yes/no, y/n, 1/0, x/blank."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("not a yes/no value")


def parse_age(value: object) -> float:
    """Read an age in years from a number or text: 18, "18", "18 years", "18+", "6 months"."""
    if isinstance(value, bool):
        raise ValueError("not an age")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().lower()
    match = re.match(r"^(\d+(?:\.\d+)?)\s*(\+|years?|yrs?|y/?o|months?|mos?)?\.?$", text)
    if not match:
        raise ValueError("not an age")
    number = float(match[1])
    unit = match[2] or ""
    return round(number / 12.0, 2) if unit.startswith("mo") else number


def parse_date(value: object) -> date:
    """Read a calendar date: ISO "2024-03-01", "03/01/2024", "March 1, 2024", "1 Mar 2024".

    Two-digit years and year 1 (a common placeholder, "January 01, 0001") are refused.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(str(value))
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y"):
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if parsed.year < 1900:
            raise ValueError("year before 1900 is a placeholder, not a date")
        return parsed
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError("not a date in a recognised form") from None
