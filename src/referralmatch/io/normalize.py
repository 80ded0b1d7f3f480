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
from datetime import date, datetime, time

__all__ = [
    "clean_text",
    "language_code",
    "language_name",
    "normalize_phone",
    "parse_age",
    "parse_bool",
    "parse_date",
    "parse_time",
    "parse_weekday",
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

# ISO 639-1 codes of the languages US directories list most, with common names and 639-2/3 codes.
_LANGUAGES: dict[str, tuple[str, ...]] = {
    "en": ("english", "eng"),
    "es": ("spanish", "spa", "español", "espanol", "castilian"),
    "zh": ("chinese", "zho", "chi", "mandarin", "cantonese"),
    "vi": ("vietnamese", "vie"),
    "tl": ("tagalog", "tgl", "filipino", "fil"),
    "ko": ("korean", "kor"),
    "ru": ("russian", "rus"),
    "ar": ("arabic", "ara"),
    "fr": ("french", "fra", "fre"),
    "ht": ("haitian creole", "hat", "haitian", "creole"),
    "pt": ("portuguese", "por"),
    "de": ("german", "deu", "ger"),
    "it": ("italian", "ita"),
    "pl": ("polish", "pol"),
    "ja": ("japanese", "jpn"),
    "hi": ("hindi", "hin"),
    "ur": ("urdu", "urd"),
    "fa": ("persian", "farsi", "fas", "per"),
    "pa": ("punjabi", "panjabi", "pan"),
    "hy": ("armenian", "hye", "arm"),
    "km": ("khmer", "cambodian", "khm"),
    "lo": ("lao", "laotian"),
    "hmn": ("hmong",),
    "so": ("somali", "som"),
    "am": ("amharic", "amh"),
    "ti": ("tigrinya", "tir"),
    "sw": ("swahili", "swa"),
    "uk": ("ukrainian", "ukr"),
    "sk": ("slovak", "slk", "slo"),
    "el": ("greek", "ell", "gre"),
    "he": ("hebrew", "heb"),
    "th": ("thai", "tha"),
    "my": ("burmese", "mya", "bur"),
    "ne": ("nepali", "nep"),
    "bn": ("bengali", "bangla", "ben"),
    "gu": ("gujarati", "guj"),
    "ta": ("tamil", "tam"),
    "te": ("telugu", "tel"),
    "sm": ("samoan", "smo"),
    "to": ("tongan", "ton"),
    "ase": ("american sign language", "asl", "sign language"),
}
_LANGUAGE_LOOKUP: dict[str, str] = {}
for _code, _aliases in _LANGUAGES.items():
    _LANGUAGE_LOOKUP[_code] = _code
    for _alias in _aliases:
        _LANGUAGE_LOOKUP[_alias] = _code

_SPACE_RUNS = re.compile(r"[ \t]+")
_TRUE = {"true", "t", "yes", "y", "1", "x", "on"}
_FALSE = {"false", "f", "no", "n", "0", "off", ""}


def clean_text(value: str) -> str:
    """NFC-normalise, drop a byte-order mark and control characters, collapse runs of spaces.

    >>> clean_text("\\ufeff  Caf\\u0065\\u0301  Hope ")
    'Café Hope'
    """
    if value.isascii() and value.isprintable():  # the common case: nothing to normalise
        return _SPACE_RUNS.sub(" ", value).strip() if "  " in value else value.strip()
    value = unicodedata.normalize("NFC", value.replace("\ufeff", ""))
    value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return _SPACE_RUNS.sub(" ", value).strip()


def parse_time(value: object) -> time:
    """Read a clock time: "09:00", "9:00am", "9 AM", "0900", "900", "noon", "17:30:00", 1730.

    Raises ``ValueError`` when the text is no time of day.
    """
    if isinstance(value, time):
        return value
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
    """The ISO 639 code for a language name or code ("Spanish", "spa", "ES" -> "es").

    Raises ``ValueError`` for a name it does not know.
    """
    text = clean_text(value).lower()
    text = re.sub(r"\s*\(.*\)$", "", text)
    if text in _LANGUAGE_LOOKUP:
        return _LANGUAGE_LOOKUP[text]
    base = text.split("-", 1)[0].split("_", 1)[0]
    if base in _LANGUAGE_LOOKUP:
        return _LANGUAGE_LOOKUP[base]
    raise ValueError("unknown language")


def language_name(code: str) -> str:
    """The English name of a language code this module knows ("es" -> "Spanish"), else the code."""
    aliases = _LANGUAGES.get(code.lower())
    return aliases[0].title() if aliases else code


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
