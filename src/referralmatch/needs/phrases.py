"""What clients say about their needs in their own words: the phrase lexicon and its resolver.

``phrases.json`` (beside ``categories.json``) lists plain English and Spanish phrasings ("I have
nowhere to sleep", "mi pareja me pega", "can't pay the light bill") and the need category each
one means; some are marked *danger* (to self or others), which resolves to ``crisis`` with urgency
``immediate``. :func:`resolve_need_text` reads a client's free text against it:

- case and accents do not matter (Unicode NFKD fold), apostrophes are dropped ("can't" ->
  "cant"), plurals are made singular, and a few spoken forms are aliased ("cannot" -> "cant",
  "husband"/"boyfriend" -> "partner", "carro" -> "auto");
- a phrase still matches with up to two extra words inside it ("help with *my* rent");
- a misspelt word of five letters or more is corrected to the nearest lexicon word when they are
  close (rapidfuzz ratio >= 80, token by token: "supprot group" -> "support group"); the match
  then counts a little less;
- a text carrying several needs gives several categories ("I lost my job and can't pay rent").

The result never holds the client's text: only category keys, confidences, the danger flag and a
note naming categories.

Example:
    >>> r = resolve_need_text("I lost my job and can't pay rent")
    >>> [k for k, _ in r.categories]
    ['employment', 'rental_assistance']
    >>> r = resolve_need_text("quiero matarme")
    >>> r.categories[0][0], r.danger, r.urgency
    ('crisis', True, 'immediate')
    >>> resolve_need_text("supprot group").categories[0][0]
    'support_groups'
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import fuzz, process

from referralmatch.errors import ConfigurationError

__all__ = ["PhraseResolution", "resolve_need_text"]

_MAX_TOKENS = 400  # words read from one need text; a need is a sentence or two
_MAX_GAP = 2  # extra words allowed inside one phrase, in total
_GAP_FACTOR = 0.95  # confidence kept per extra word
_FUZZY_MIN_LEN = 5  # shorter words are never spell-corrected
_FUZZY_CUTOFF = 80.0  # rapidfuzz ratio for a misspelt word
_SHORT_CUTOFF = 85.0  # for a misspelt word of three or four letters (one letter left out)
_DANGER_CONFIDENCE = 0.97
_TOKEN = re.compile(r"[a-z0-9]+")
# words that stand in for each other inside a phrase ("sleeping in *the* car" = "in *my* car")
_DETERMINERS = (
    frozenset({"a", "an", "the", "my", "our", "this", "that"}),  # not "her": "kill her"
    frozenset({"el", "la", "los", "las", "un", "una", "mi", "su", "tu", "nuestro", "nuestra", "este", "esta"}),
)
_SAME = {w: group for group in _DETERMINERS for w in group}
_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")


# --------------------------------------------------------------------------- the data file
class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    category: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    danger: bool = False
    confidence: float | None = Field(default=None, gt=0.0, le=1.0)
    phrases: tuple[str, ...] = Field(min_length=1)


class _File(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    about: str = ""
    aliases: dict[str, str] = Field(default_factory=dict)
    entries: tuple[_Entry, ...]


@dataclass(frozen=True)
class _Phrase:
    tokens: tuple[str, ...]
    category: str
    confidence: float
    danger: bool


@dataclass(frozen=True)
class _Lexicon:
    aliases: Mapping[tuple[str, ...], tuple[str, ...]]
    by_first: Mapping[str, tuple[_Phrase, ...]]
    vocabulary: frozenset[str]
    long_words: tuple[str, ...]  # vocabulary words that misspellings may be corrected to
    short_targets: Mapping[int, tuple[str, ...]]  # length -> vocabulary words, for short typos
    categories: frozenset[str]


def _fold_word(token: str) -> str:
    """Plural to singular, the same way for lexicon and client text ("hits" -> "hit")."""
    n = len(token)
    if n <= 3 or token.isdigit():
        return token
    if token.endswith("ies") and n > 4:
        return token[:-3] + "y"
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def _raw_tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text)
    return [_fold_word(t) for t in _TOKEN.findall(text)]


def _apply_aliases(
    tokens: Sequence[str], aliases: Mapping[tuple[str, ...], tuple[str, ...]]
) -> tuple[str, ...]:
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        pair = tuple(tokens[i : i + 2])
        if len(pair) == 2 and pair in aliases:
            out.extend(aliases[pair])
            i += 2
            continue
        out.extend(aliases.get((tokens[i],), (tokens[i],)))
        i += 1
    return tuple(out)


def _build(data: Any) -> _Lexicon:
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        raise ConfigurationError(f"phrases.json: invalid field(s) {', '.join(fields)}") from None
    aliases: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key, value in parsed.aliases.items():
        aliases[tuple(_raw_tokens(key))] = tuple(_raw_tokens(value))
    if any(len(k) not in (1, 2) for k in aliases):
        raise ConfigurationError("phrases.json: aliases must be one or two words")
    by_first: dict[str, list[_Phrase]] = {}
    seen: set[tuple[tuple[str, ...], str]] = set()
    for entry in parsed.entries:
        for text in entry.phrases:
            tokens = _apply_aliases(_raw_tokens(text), aliases)
            if not tokens or (tokens, entry.category) in seen:
                continue
            seen.add((tokens, entry.category))
            default = 0.9 if len(tokens) > 1 else 0.8
            confidence = _DANGER_CONFIDENCE if entry.danger else entry.confidence or default
            by_first.setdefault(tokens[0], []).append(
                _Phrase(tokens, entry.category, confidence, entry.danger)
            )
    vocabulary = frozenset(t for group in by_first.values() for p in group for t in p.tokens)
    return _Lexicon(
        aliases=aliases,
        by_first={k: tuple(v) for k, v in by_first.items()},
        vocabulary=vocabulary,
        long_words=tuple(sorted(t for t in vocabulary if len(t) >= _FUZZY_MIN_LEN)),
        short_targets={
            n: tuple(sorted(t for t in vocabulary if len(t) == n and t.isalpha())) for n in (4, 5)
        },
        categories=frozenset(e.category for e in parsed.entries),
    )


@cache
def _lexicon() -> _Lexicon:
    text = resources.files("referralmatch.needs").joinpath("phrases.json").read_text("utf-8")
    return _build(json.loads(text))


# --------------------------------------------------------------------------- resolving
@dataclass(frozen=True)
class PhraseResolution:
    """What a free-text need means: categories with confidences, best first, and danger.

    ``categories`` are ``(category key, confidence 0-1)`` pairs; ``danger`` is True when the words
    signal danger to self or others (then ``crisis`` comes first and ``urgency`` is
    ``"immediate"``; otherwise ``urgency`` is None: the words say nothing about it). ``note`` is a
    readable line naming categories only, never the client's words.

    Example:
        >>> resolve_need_text("purple elephant")
        PhraseResolution(categories=(), danger=False, urgency=None, note='no known phrasing found')
    """

    categories: tuple[tuple[str, float], ...]
    danger: bool
    urgency: Literal["immediate"] | None
    note: str

    def keys(self) -> tuple[str, ...]:
        """The category keys, best first.

        Example:
            >>> resolve_need_text("comida y trabajo").keys()
            ('employment', 'food')
        """
        return tuple(k for k, _ in self.categories)


def _one_letter_left_out(typo: str, word: str) -> bool:
    return any(word[:i] + word[i + 1 :] == typo for i in range(len(word)))


def _correct(tokens: Sequence[str], lex: _Lexicon) -> list[tuple[str, float]]:
    """Each token with its similarity 1.0, or its correction to a lexicon word and the ratio."""
    out: list[tuple[str, float]] = []
    memo: dict[str, tuple[str, float]] = {}
    for tok in tokens:
        if tok in lex.vocabulary or len(tok) < 3 or tok.isdigit():
            out.append((tok, 1.0))
            continue
        if tok not in memo:
            if len(tok) >= _FUZZY_MIN_LEN:
                best = process.extractOne(
                    tok, lex.long_words, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
                )
            else:  # a short word: only a letter left out ("kil" -> "kill", "gupo" -> "grupo")
                best = process.extractOne(
                    tok, lex.short_targets.get(len(tok) + 1, ()), scorer=fuzz.ratio,
                    score_cutoff=_SHORT_CUTOFF,
                )  # fmt: skip
                if best and not _one_letter_left_out(tok, best[0]):
                    best = None
            memo[tok] = (best[0], best[1] / 100.0) if best else (tok, 1.0)
        out.append(memo[tok])
    return out


_Hit = tuple[tuple[int, ...], _Phrase, float]  # matched word positions, phrase, confidence


def _hits(words: Sequence[tuple[str, float]], lex: _Lexicon) -> list[_Hit]:
    """Every phrase found, with the positions of its words; gaps and corrections cost a little."""
    found: list[_Hit] = []
    n = len(words)
    for i, (tok, sim) in enumerate(words):
        starts = [tok] if tok not in _SAME else sorted(_SAME[tok])
        for phrase in (p for w in starts for p in lex.by_first.get(w, ())):
            positions, quality, gaps = [i], sim, 0
            for want in phrase.tokens[1:]:
                pos = positions[-1]
                nxt = None
                for k in range(pos + 1, min(n, pos + 2 + _MAX_GAP - gaps)):
                    if words[k][0] == want or _SAME.get(want, ()) is _SAME.get(words[k][0], 0):
                        nxt = k
                        break
                if nxt is None:
                    break
                gaps += nxt - pos - 1
                quality *= words[nxt][1]
                positions.append(nxt)
            else:
                confidence = phrase.confidence * quality * _GAP_FACTOR**gaps
                found.append((tuple(positions), phrase, confidence))
    return found


def _keep_outermost(hits: list[_Hit]) -> list[_Hit]:
    """Drop a hit with extra words inside it when those words are a phrase of their own ("pay
    the *light* bill" is about the light bill, not bills in general), then a hit whose words all
    belong to a longer hit ("food" inside "food stamps")."""
    sets = [frozenset(h[0]) for h in hits]
    whole: list[tuple[frozenset[int], _Hit]] = []
    for words, hit in zip(sets, hits, strict=True):
        first, last = hit[0][0], hit[0][-1]
        gaps = frozenset(range(first, last + 1)) - words
        interrupted = gaps and any(
            other & gaps and min(other) >= first and max(other) <= last for other in sets
        )
        if not interrupted:
            whole.append((words, hit))
    whole.sort(key=lambda wh: -len(wh[0]))
    kept: list[tuple[frozenset[int], _Hit]] = []
    for words, hit in whole:
        if not any(words < other for other, _ in kept):
            kept.append((words, hit))
    return [hit for _, hit in kept]


def resolve_need_text(text: str) -> PhraseResolution:
    """Resolve a client's own words to need categories through the phrase lexicon.

    Returns a :class:`PhraseResolution`; empty text or text with no known phrasing gives no
    categories. Danger phrasings ("I want to kill myself", "no quiero vivir", "I'm going to hurt
    someone") put ``crisis`` first with confidence 0.97 and urgency ``"immediate"``. Confidences:
    0.9 for a phrase of several words, 0.8 for one word (some entries set their own), times 0.95
    per extra word inside the phrase and times the similarity of any corrected word.

    Example:
        >>> resolve_need_text("mi pareja me pega").categories
        (('domestic_violence', 0.92),)
        >>> r = resolve_need_text("I'm going to hurt someone")
        >>> r.danger, r.note
        (True, 'phrases found for crisis; the words signal danger to self or others')
    """
    lex = _lexicon()
    if not isinstance(text, str) or not text.strip():
        return PhraseResolution((), False, None, "no text")
    tokens = _apply_aliases(_raw_tokens(text)[:_MAX_TOKENS], lex.aliases)
    hits = _keep_outermost(_hits(_correct(tokens, lex), lex))
    scores: dict[str, float] = {}
    danger = False
    for _positions, phrase, confidence in hits:
        danger = danger or phrase.danger
        if confidence > scores.get(phrase.category, 0.0):
            scores[phrase.category] = confidence
    if danger:
        scores["crisis"] = max(scores.get("crisis", 0.0), _DANGER_CONFIDENCE)
    ranked = sorted(
        ((k, round(v, 4)) for k, v in scores.items()),
        key=lambda kv: (not (danger and kv[0] == "crisis"), -kv[1], kv[0]),
    )
    if not ranked:
        return PhraseResolution((), False, None, "no known phrasing found")
    note = "phrases found for " + ", ".join(k for k, _ in ranked)
    if danger:
        note += "; the words signal danger to self or others"
    return PhraseResolution(tuple(ranked), danger, "immediate" if danger else None, note)
