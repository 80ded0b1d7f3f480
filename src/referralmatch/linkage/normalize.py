"""Comparison keys for record linkage: names, street addresses, phones, websites and ZIP codes.

Each function turns one messy directory value into the form two feeds agree on when they describe
the same thing: case, punctuation and spacing are dropped, and the spellings real feeds mix
("St."/"Street", "Ste 200"/"Suite 200"/"#200", "(410) 555-0100"/"410.555.0100",
"http://www.x.org/"/"x.org") become one. They are pure and cheap; the scorer calls them once per
record. A value that carries no usable information (an empty street, a placeholder phone such as
"(311)    -") becomes ``None``, which the scorer treats as *missing*, never as a disagreement.

Example:
    >>> normalize_address("417 E. Fayette Street", "Suite 1125")
    StreetAddress(number='417', street='e fayette st', unit='1125')
    >>> normalize_address("417 E Fayette St #1125") == normalize_address("417 East Fayette St.", "Ste. 1125")
    True
    >>> normalize_phone("(410) 396-6194 ext. 12"), normalize_phone("+1 410.396.6194 x12")
    (('4103966194', '12'), ('4103966194', '12'))
    >>> normalize_website("HTTP://WWW.Baltimorehousing.org/"), normalize_website("baltimorehousing.org")
    ('baltimorehousing.org', 'baltimorehousing.org')
    >>> normalize_name("St. Vincent de Paul Society of Baltimore, Inc.")
    'st vincent de paul society of baltimore'
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

__all__ = [
    "StreetAddress",
    "normalize_address",
    "normalize_name",
    "normalize_phone",
    "normalize_text",
    "normalize_website",
    "normalize_zip",
]

_PUNCT = re.compile(r"[^\w\s#]+")
_SPACES = re.compile(r"\s+")

# Street-type and direction words, all spellings -> the USPS abbreviation.
_STREET_WORDS: dict[str, str] = {
    "street": "st",
    "str": "st",
    "avenue": "ave",
    "av": "ave",
    "aven": "ave",
    "road": "rd",
    "boulevard": "blvd",
    "blv": "blvd",
    "drive": "dr",
    "drv": "dr",
    "lane": "ln",
    "place": "pl",
    "court": "ct",
    "crt": "ct",
    "parkway": "pkwy",
    "pky": "pkwy",
    "highway": "hwy",
    "square": "sq",
    "terrace": "ter",
    "terr": "ter",
    "circle": "cir",
    "plaza": "plz",
    "turnpike": "tpke",
    "pike": "pike",
    "way": "way",
    "alley": "aly",
    "center": "ctr",
    "centre": "ctr",
    "expressway": "expy",
    "freeway": "fwy",
    "heights": "hts",
    "mount": "mt",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "saint": "st",
    "fort": "ft",
    "route": "rte",
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
}
# Words that introduce a unit (suite, room, floor); the token after them is the unit.
_UNIT_WORDS = {
    "suite",
    "ste",
    "unit",
    "apt",
    "apartment",
    "room",
    "rm",
    "#",
    "no",
    "bldg",
    "building",
    "office",
    "ofc",
    "po",
    "box",
}
_FLOOR_WORDS = {"floor", "fl", "flr"}

# Name words: abbreviations expanded, legal-form words dropped, "&" read as "and".
_NAME_WORDS: dict[str, str] = {
    "saint": "st",
    "street": "st",
    "ctr": "center",
    "cntr": "center",
    "centre": "center",
    "dept": "department",
    "assn": "association",
    "assoc": "association",
    "svcs": "services",
    "svc": "services",
    "service": "services",
    "srvs": "services",
    "hosp": "hospital",
    "natl": "national",
    "intl": "international",
    "univ": "university",
    "cty": "county",
    "comm": "community",
    "hlth": "health",
    "mgmt": "management",
    "prog": "program",
    "programme": "program",
    "programs": "program",
    "bros": "brothers",
    "mt": "mount",
    "ft": "fort",
    "ave": "avenue",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
}
_LEGAL_WORDS = {
    "inc",
    "incorporated",
    "llc",
    "ltd",
    "corp",
    "corporation",
    "the",
    "pc",
    "pa",
    "lp",
    "llp",
    "plc",
}

_VANITY = {
    c: str(d)
    for d, letters in enumerate(["", "", "abc", "def", "ghi", "jkl", "mno", "pqrs", "tuv", "wxyz"])
    for c in letters
}
_EXTENSION = re.compile(r"(?:ext\.?|extension|x|#)\s*(\d{1,6})\s*$", re.I)


class StreetAddress(NamedTuple):
    """A normalised street address: house ``number``, ``street`` words, ``unit`` (suite/floor)."""

    number: str | None
    street: str | None
    unit: str | None

    def key(self) -> str | None:
        """``"number street"`` (no unit), or None without a street; the blocking key of an address.

        >>> normalize_address("707 St. Paul Street").key()
        '707 st paul st'
        """
        if not self.street:
            return None
        return f"{self.number} {self.street}" if self.number else self.street


def normalize_text(value: str | None) -> str | None:
    """Lower case, accents folded, punctuation to spaces, spaces collapsed; None when empty.

    >>> normalize_text("  Café  Ñandú, Inc. ")
    'cafe nandu inc'
    """
    if value is None:
        return None
    folded = unicodedata.normalize("NFKD", value)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = folded.replace("&", " and ").replace("'", "")
    out = _SPACES.sub(" ", _PUNCT.sub(" ", folded)).strip()
    return out or None


def normalize_name(value: str | None) -> str | None:
    """An organization, location or service name for fuzzy comparison.

    Abbreviations are expanded ("Ctr" -> center, "Dept" -> department); "Saint", "Street" and
    their shared abbreviation "St" all read as "st" (a feed that writes "St." never says which);
    "&" reads as "and"; legal-form words (Inc., LLC, The) are dropped.

    >>> normalize_name("The Harbor Ctr & Svcs, LLC") == normalize_name("Harbor Center and Services")
    True
    """
    text = normalize_text(value)
    if text is None:
        return None
    words = [_NAME_WORDS.get(w, w) for w in text.replace("#", " ").split()]
    kept = [w for w in words if w not in _LEGAL_WORDS]
    out = " ".join(kept or words)
    return out or None


def normalize_zip(value: str | None) -> str | None:
    """The five-digit ZIP code of a postal code ("21215-1234" -> "21215"); None otherwise.

    >>> normalize_zip("21215-1234"), normalize_zip(" 2121"), normalize_zip(None)
    ('21215', None, None)
    """
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    return digits[:5] if len(digits) >= 5 else None


def _parse_line(line: str) -> tuple[str | None, list[str], list[str]]:
    """``(house number, street words, units)`` of one address line."""
    norm = normalize_text(re.sub(r"\([^)]*\)", " ", line).replace("#", " # "))
    if norm is None:
        return None, [], []
    tokens = norm.split()
    number: str | None = None
    street: list[str] = []
    units: list[str] = []
    i = 0
    if tokens and re.fullmatch(r"\d+[a-z]?(-\d+)?", tokens[0]):
        number = tokens[0]
        i = 1
    while i < len(tokens):
        word = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if word == "po" and nxt == "box" and i + 2 < len(tokens):
            units.append("box " + tokens[i + 2])
            i += 3
            continue
        if word in _UNIT_WORDS and nxt is not None and (word != "no" or nxt.isdigit()):
            units.append(nxt.lstrip("#"))
            i += 2
            continue
        if word in _FLOOR_WORDS and nxt is not None and re.fullmatch(r"\d+(st|nd|rd|th)?", nxt):
            units.append("fl " + re.sub(r"\D", "", nxt))
            i += 2
            continue
        if nxt in _FLOOR_WORDS and re.fullmatch(r"\d+(st|nd|rd|th)?", word):
            units.append("fl " + re.sub(r"\D", "", word))
            i += 2
            continue
        street.append(_STREET_WORDS.get(word, word))
        i += 1
    return number, street, units


def normalize_address(address_1: str | None, address_2: str | None = None) -> StreetAddress:
    """Split and normalise a street address into house number, street words and unit.

    Street types and directions use their USPS abbreviations, whatever the spelling; "Suite 200",
    "Ste 200", "#200", "Unit 200" all give unit ``"200"``; "2nd Floor" and "Floor 2" both give
    ``"fl 2"``. Of two lines, the one starting with a house number is the street; the other is a
    unit, or a building name (dropped). Parenthesised notes are dropped; a P.O. box is a unit.

    >>> normalize_address("123 W 29th St 2Nd Floor")
    StreetAddress(number='123', street='w 29th st', unit='fl 2')
    >>> normalize_address("123 W. 29Th Street", "2nd Floor")
    StreetAddress(number='123', street='w 29th st', unit='fl 2')
    >>> normalize_address("The William Donald Schaefer Building", "6 St. Paul Street")
    StreetAddress(number='6', street='st paul st', unit=None)
    >>> normalize_address("", None)
    StreetAddress(number=None, street=None, unit=None)
    """
    lines = [_parse_line(line) for line in (address_1, address_2) if line and line.strip()]
    lines = [line for line in lines if line[0] or line[1] or line[2]]
    if not lines:
        return StreetAddress(None, None, None)
    numbered = [line for line in lines if line[0] is not None and line[1]]
    main = numbered[0] if numbered else next((ln for ln in lines if ln[1]), lines[0])
    units = list(main[2])
    for line in lines:
        if line is not main and not line[1]:
            units.extend(line[2])
    return StreetAddress(main[0], " ".join(main[1]) or None, units[0] if units else None)


def normalize_phone(
    number: str | None, extension: str | None = None
) -> tuple[str, str | None] | None:
    """``(ten digits, extension or None)`` of a North American phone number, else ``(digits, ext)``.

    Vanity letters become digits ("(800) AGE-DIAL"), a leading country code 1 is dropped, and
    an extension written in the number ("x12", "ext. 12") is split off. Placeholders with fewer
    than seven digits ("(311)    -") give None.

    >>> normalize_phone("(800) AGE-DIAL")
    ('8002433425', None)
    >>> normalize_phone("(311)    -") is None
    True
    """
    if not number:
        return None
    text = number.strip()
    ext = extension.strip() if extension else None
    found = _EXTENSION.search(text)
    if found and len(re.sub(r"\D", "", text[: found.start()])) >= 7:
        ext = ext or found.group(1)
        text = text[: found.start()]
    digits = "".join(_VANITY.get(c, c) for c in text.lower() if c.isalnum())
    digits = re.sub(r"\D", "", digits)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) < 7:
        return None
    ext_digits = re.sub(r"\D", "", ext) if ext else ""
    return digits, (ext_digits or None)


def normalize_website(url: str | None) -> str | None:
    """A website as ``host/path``: scheme, ``www.``, default page, query and trailing slash dropped.

    >>> normalize_website(" https://www.fbi.gov/ `"), normalize_website("www.x.org/help/index.html")
    ('fbi.gov', 'x.org/help')
    """
    if not url:
        return None
    text = url.strip().strip("`'\" ").lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = text.split("?", 1)[0].split("#", 1)[0]
    text = re.sub(r"^www\d?\.", "", text)
    text = re.sub(r"/(index|default|home)\.(html?|php|aspx?)$", "", text)
    text = text.rstrip("/ ")
    return text or None
