"""Classifying services (and free-text needs) into need categories, with a confidence per category.

Evidence comes from a service's taxonomy terms (an Open Eligibility id match, or a term name that
equals, contains or fuzzily matches a category's Open Eligibility names and keywords) and from its
text (keywords and synonyms found in the name, the keywords field and the description). Negative
keywords absorb the words they cover ("food safety training" is not evidence for food); a child
category implies its parent (the parent's confidence is at least the child's).

Matching is on tokens: text is lower-cased, accents removed, split into words, and plurals folded
("pantries" -> "pantry"), then every category phrase is looked up in one dictionary of word
n-grams, leftmost-longest, so the cost per service grows with its length, not with the number of
categories or keywords. Everything is compiled once per registry and cached.

Example:
    >>> from referralmatch.needs.categories import NeedCategories
    >>> cats = NeedCategories.default()
    >>> out = classify("Family Shelter", "Emergency beds for families with children.", "", [], cats)
    >>> sorted(out)
    ['emergency_shelter', 'housing']
    >>> match_need_text("help paying my electric bill", cats)[0][0]
    'utilities'
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd
from rapidfuzz import fuzz, process

from referralmatch.errors import ConfigurationError
from referralmatch.needs.categories import NeedCategories

__all__ = [
    "DEFAULT_THRESHOLD",
    "classify",
    "classify_many",
    "match_need_text",
    "normalize_tokens",
]

DEFAULT_THRESHOLD = 0.35
"""Confidences below this are not returned by :func:`classify` (0-1 scale)."""

# Evidence weights (0-1). A phrase in the name is stronger than one in the description.
_FIELD_WEIGHT = {"name": 0.85, "keywords": 0.75, "description": 0.55, "taxonomy": 0.9, "need": 0.85}
_SYNONYM_FACTOR = 0.9  # a synonym counts a little less than a keyword
_CONTEXT_FACTOR = 0.75  # context evidence: this share of the parent's confidence
_OE_ID_CONFIDENCE = 1.0
_OE_NAME_CONFIDENCE = 0.95
_FUZZY_CUTOFF = 90.0  # rapidfuzz token_sort_ratio for taxonomy names
_FUZZY_FACTOR = 0.9
_NEED_FUZZY_CUTOFF = 85.0  # rapidfuzz ratio for single misspelled words in free-text needs
_NEED_FUZZY_FACTOR = 0.8
_BEHIND_LEXICON = 0.8  # free-text needs: vocabulary-only categories when the phrase lexicon found some
_MAX_HITS_PER_FIELD = 3  # distinct phrases per field that add up (noisy-or)

_KEYWORD, _SYNONYM, _CONTEXT, _NEGATIVE = 0, 1, 2, 3
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SPLIT_LIST = re.compile(r"\s*[;|,]\s*")
# long common words never spell-corrected in free-text needs (short words never are)
_STOPWORDS = frozenset(
    {"please", "somewhere", "someone", "where", "there", "about", "which", "would", "could",
     "their", "these", "those", "after", "before", "tonight", "today", "spanish", "english"}
)


# --------------------------------------------------------------------------- tokens
def _fold(token: str) -> str:
    """Fold one lower-case token: drop a possessive, make a plural singular."""
    if token.endswith("'s"):
        token = token[:-2]
    token = token.replace("'", "")
    n = len(token)
    if n <= 3 or token.isdigit():
        return token
    if token.endswith("ies") and n > 4:
        return token[:-3] + "y"
    if token.endswith("sses"):
        return token[:-2]
    if token.endswith(("ches", "shes", "xes")):
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


class _FoldCache(dict[str, str]):
    """token -> folded token; filled on first sight so ``map(cache.__getitem__, ...)`` runs in C."""

    def __missing__(self, token: str) -> str:
        if len(self) > 500_000:  # bound memory on huge, messy directories
            self.clear()
        folded = self[token] = _fold(token)
        return folded


_FOLDED = _FoldCache()


def normalize_tokens(text: str) -> tuple[str, ...]:
    """Split text into folded word tokens (lower case, no accents, plurals made singular).

    Example:
        >>> normalize_tokens("Food Pantries & Men's Shelters (Café)")
        ('food', 'pantry', 'men', 'shelter', 'cafe')
    """
    if not text:
        return ()
    text = text.lower().replace("\u2019", "'")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return tuple(map(_FOLDED.__getitem__, _TOKEN.findall(text)))


def _text(value: Any) -> str:
    """A cell as text: None/NaN -> "", lists joined with ", "."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, Iterable):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _as_list(value: Any) -> list[str | None]:
    """A taxonomy cell as a list: list-likes as they are, strings split on ; | or ,."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in _SPLIT_LIST.split(value.strip()) if v] if value.strip() else []
    if isinstance(value, float) and math.isnan(value):
        return []
    if isinstance(value, Iterable):
        return [None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in value]
    return [str(value)]


# --------------------------------------------------------------------------- compiled registry
@dataclass(frozen=True)
class _Compiled:
    """Everything classification needs from one registry, built once."""

    keys: tuple[str, ...]
    parent_idx: tuple[int, ...]  # -1 for top level
    bottom_up: tuple[int, ...]  # category indexes, deepest first
    depth: tuple[int, ...]
    phrases: dict[tuple[str, ...], tuple[tuple[int, int], ...]]  # n-gram -> ((cat, kind), ...)
    trie: dict[str, Any]  # token -> child node; "" -> resolved categories at a phrase end
    oe_ids: dict[str, tuple[int, ...]]  # OE id as text -> categories
    oe_names: dict[tuple[str, ...], tuple[int, ...]]  # folded OE name -> categories
    fuzzy_choices: tuple[str, ...]  # normalized OE names + keywords, for taxonomy fuzzy match
    fuzzy_owner: tuple[tuple[int, ...], ...]  # categories of each fuzzy choice
    single_words: tuple[str, ...]  # one-word keywords and synonyms, for free-text spelling
    label_index: dict[tuple[str, ...], int]  # folded key / label -> category
    taxonomy_cache: dict[tuple[str | None, str], tuple[tuple[int, float], ...]] = field(
        default_factory=dict
    )


def _resolve(
    raw: dict[tuple[str, ...], dict[int, int]],
) -> dict[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """For each phrase, the categories its sub-phrases evidence, minus negated ones.

    A phrase absorbs the words it covers, so the categories of every sub-phrase are attached to
    it; a category with a negative sub-phrase is listed with kind ``_NEGATIVE`` (no evidence),
    unless the whole phrase is itself evidence for it (the keyword "prescription drug addiction"
    of substance-use treatment outranks its negative "prescription drug").
    """
    out: dict[tuple[str, ...], tuple[tuple[int, int], ...]] = {}
    for phrase in raw:
        best: dict[int, int] = {}
        negated: set[int] = set()
        own = {c for c, kind in raw[phrase].items() if kind != _NEGATIVE}
        n = len(phrase)
        for i in range(n):
            for j in range(i + 1, n + 1):
                sub = raw.get(phrase[i:j])
                if not sub:
                    continue
                for cat, kind in sub.items():
                    if kind == _NEGATIVE:
                        if cat not in own:
                            negated.add(cat)
                    elif cat not in best or kind < best[cat]:
                        best[cat] = kind
        kept = [(c, k) for c, k in best.items() if c not in negated]
        out[phrase] = tuple(sorted(kept + [(c, _NEGATIVE) for c in negated]))
    return out


@lru_cache(maxsize=16)
def _compile(categories: NeedCategories) -> _Compiled:
    keys = categories.keys()
    index = {k: i for i, k in enumerate(keys)}
    raw: dict[tuple[str, ...], dict[int, int]] = {}

    def add(term: str, cat: int, kind: int) -> None:
        toks = normalize_tokens(term)
        if not toks:
            return
        slot = raw.setdefault(toks, {})
        # negative wins over everything for its own category; otherwise the strongest kind
        if kind == _NEGATIVE or slot.get(cat, 99) > kind:
            slot[cat] = kind if slot.get(cat) != _NEGATIVE else _NEGATIVE

    oe_ids: dict[str, list[int]] = {}
    oe_names: dict[tuple[str, ...], list[int]] = {}
    fuzzy: dict[str, set[int]] = {}
    singles: set[str] = set()
    labels: dict[tuple[str, ...], int] = {}
    for c in categories:
        i = index[c.key]
        for term in c.keywords:
            add(term, i, _KEYWORD)
        for term in c.synonyms:
            add(term, i, _SYNONYM)
        for term in c.context_keywords:
            add(term, i, _CONTEXT)
        for term in c.negative_keywords:
            add(term, i, _NEGATIVE)
        for oid in c.open_eligibility_ids:
            oe_ids.setdefault(str(oid), []).append(i)
        for name in c.open_eligibility_names:
            oe_names.setdefault(normalize_tokens(name), []).append(i)
        for term in (*c.open_eligibility_names, *c.keywords):
            toks = normalize_tokens(term)
            if len(" ".join(toks)) >= 5:
                fuzzy.setdefault(" ".join(toks), set()).add(i)
        for term in (*c.keywords, *c.synonyms):
            toks = normalize_tokens(term)
            if len(toks) == 1 and len(toks[0]) >= 5:
                singles.add(toks[0])
        labels[normalize_tokens(c.key.replace("_", " "))] = i
        labels.setdefault(normalize_tokens(c.label), i)
    phrases = _resolve(raw)
    trie: dict[str, Any] = {}
    for p, resolved in phrases.items():
        node = trie
        for tok in p:
            node = node.setdefault(tok, {})
        node[""] = resolved
    parent_idx = tuple(index[c.parent] if c.parent else -1 for c in categories)
    depth = tuple(categories.depth(k) for k in keys)
    bottom_up = tuple(sorted(range(len(keys)), key=lambda i: -depth[i]))
    fuzzy_items = sorted(fuzzy.items())
    return _Compiled(
        keys=keys,
        parent_idx=parent_idx,
        bottom_up=bottom_up,
        depth=depth,
        phrases=phrases,
        trie=trie,
        oe_ids={k: tuple(v) for k, v in oe_ids.items()},
        oe_names={k: tuple(v) for k, v in oe_names.items()},
        fuzzy_choices=tuple(k for k, _ in fuzzy_items),
        fuzzy_owner=tuple(tuple(sorted(v)) for _, v in fuzzy_items),
        single_words=tuple(sorted(singles)),
        label_index=labels,
    )


# --------------------------------------------------------------------------- scanning
def _scan(
    comp: _Compiled, tokens: Sequence[str]
) -> list[tuple[int, int, tuple[tuple[int, int], ...]]]:
    """Leftmost-longest phrase hits ``(start, end, resolved)``, walking the token trie.

    A hit lying inside an earlier hit's span is dropped (the longer phrase already accounts for
    it, including any negative keyword it contains). A hit overlapping an earlier negative
    keyword is no evidence for that keyword's category: in "credit counseling service" the
    counselling is credit counselling, so "counseling service" does not count as therapy.
    """
    hits: list[tuple[int, int, tuple[tuple[int, int], ...]]] = []
    trie = comp.trie
    end = 0
    n = len(tokens)
    negated_until: dict[int, int] = {}  # category -> end of the latest negative hit for it
    for i in range(n):
        node = trie.get(tokens[i])
        if node is None:
            continue
        best = None
        j = i
        while True:
            j += 1
            if "" in node:
                best = j
            if j >= n:
                break
            node = node.get(tokens[j])
            if node is None:
                break
        if best is not None and best > end:
            end = best
            resolved = _lookup(trie, tokens, i, best)
            if negated_until:
                resolved = tuple(r for r in resolved if negated_until.get(r[0], 0) <= i)
                if not resolved:
                    continue
            for cat, kind in resolved:
                if kind == _NEGATIVE:
                    negated_until[cat] = best
            hits.append((i, best, resolved))
    return hits


def _lookup(
    trie: dict[str, Any], tokens: Sequence[str], start: int, stop: int
) -> tuple[tuple[int, int], ...]:
    node = trie
    for k in range(start, stop):
        node = node[tokens[k]]
    resolved: tuple[tuple[int, int], ...] = node[""]
    return resolved


def _text_evidence(
    comp: _Compiled, text: str, weight: float, evidence: dict[int, list[float]], context: set[int]
) -> None:
    """Add one field's keyword/synonym evidence (and context flags) to the accumulators."""
    if not text:
        return
    tokens = normalize_tokens(text)
    hits = _scan(comp, tokens)
    if not hits:
        return
    per_cat: dict[int, dict[tuple[str, ...], float]] = {}
    for start, stop, resolved in hits:
        phrase = tuple(tokens[start:stop])
        for cat, kind in resolved:
            if kind == _NEGATIVE:
                continue
            if kind == _CONTEXT:
                context.add(cat)
                continue
            w = weight if kind == _KEYWORD else weight * _SYNONYM_FACTOR
            seen = per_cat.setdefault(cat, {})
            seen[phrase] = max(seen.get(phrase, 0.0), w)
    for cat, by_phrase in per_cat.items():
        evidence.setdefault(cat, []).extend(
            sorted(by_phrase.values(), reverse=True)[:_MAX_HITS_PER_FIELD]
        )


def _taxonomy_evidence(
    comp: _Compiled, code: str | None, name: str | None
) -> tuple[tuple[int, float], ...]:
    """Categories evidenced by one taxonomy term (code, name), cached per distinct term."""
    cache_key = (code, name or "")
    cached = comp.taxonomy_cache.get(cache_key)
    if cached is not None:
        return cached
    best: dict[int, float] = {}

    def put(cat: int, conf: float) -> None:
        if conf > best.get(cat, 0.0):
            best[cat] = conf

    if code:
        for cat in comp.oe_ids.get(code.strip(), ()):
            put(cat, _OE_ID_CONFIDENCE)
    if name:
        toks = normalize_tokens(name)
        for cat in comp.oe_names.get(toks, ()):
            put(cat, _OE_NAME_CONFIDENCE)
        negated: set[int] = set()
        for _start, _stop, resolved in _scan(comp, toks):
            for cat, kind in resolved:
                if kind == _KEYWORD:
                    put(cat, _FIELD_WEIGHT["taxonomy"])
                elif kind == _SYNONYM:
                    put(cat, _FIELD_WEIGHT["taxonomy"] * _SYNONYM_FACTOR)
                elif kind == _NEGATIVE:
                    negated.add(cat)
        joined = " ".join(toks)
        if len(joined) >= 5:
            for _choice, score, pos in process.extract(
                joined, comp.fuzzy_choices, scorer=fuzz.token_sort_ratio,
                score_cutoff=_FUZZY_CUTOFF, limit=None,
            ):
                for cat in comp.fuzzy_owner[pos]:
                    if cat not in negated:
                        put(cat, _FUZZY_FACTOR * score / 100.0)
    result = tuple(sorted(best.items()))
    comp.taxonomy_cache[cache_key] = result
    return result


def _noisy_or(values: Iterable[float]) -> float:
    miss = 1.0
    for v in values:
        miss *= 1.0 - min(max(v, 0.0), 1.0)
    return 1.0 - miss


def _combine(
    comp: _Compiled, evidence: dict[int, list[float]], context: set[int], threshold: float
) -> dict[str, float]:
    """Evidence -> confidences: noisy-or, context, child implies parent, threshold."""
    conf = [0.0] * len(comp.keys)
    for cat, values in evidence.items():
        conf[cat] = _noisy_or(values)
    for pass_ in (0, 1):
        for cat in comp.bottom_up:
            p = comp.parent_idx[cat]
            if p >= 0 and conf[cat] > conf[p]:
                conf[p] = conf[cat]
        if pass_ == 0 and context:
            for cat in context:
                p = comp.parent_idx[cat]
                if p >= 0 and conf[p] > 0.0:
                    conf[cat] = _noisy_or((conf[cat], _CONTEXT_FACTOR * conf[p]))
    return {
        comp.keys[i]: round(c, 4)
        for i, c in enumerate(conf)
        if c >= threshold and c > 0.0
    }


def _classify_compiled(
    comp: _Compiled,
    name: str,
    description: str,
    keywords: str,
    taxonomy_terms: Iterable[tuple[str | None, str | None]],
    threshold: float,
) -> dict[str, float]:
    evidence: dict[int, list[float]] = {}
    context: set[int] = set()
    _text_evidence(comp, name, _FIELD_WEIGHT["name"], evidence, context)
    _text_evidence(comp, keywords, _FIELD_WEIGHT["keywords"], evidence, context)
    _text_evidence(comp, description, _FIELD_WEIGHT["description"], evidence, context)
    for code, term in taxonomy_terms:
        for cat, c in _taxonomy_evidence(comp, code, term):
            evidence.setdefault(cat, []).append(c)
    return _combine(comp, evidence, context, threshold)


# --------------------------------------------------------------------------- public API
def classify(
    name: str,
    description: str,
    keywords: str,
    taxonomy_terms: Sequence[tuple[str | None, str]],
    categories: NeedCategories,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> dict[str, float]:
    """Need categories of one service: ``{category key: confidence in (0, 1]}``.

    ``taxonomy_terms`` are ``(code, name)`` pairs from any taxonomy; a numeric code that is an
    Open Eligibility id gives confidence 1.0, a name equal to an Open Eligibility term 0.95, a
    name containing or fuzzily matching a category keyword about 0.9. Text phrases count 0.85 in
    the name, 0.75 in the keywords field and 0.55 in the description (several phrases add up).
    Only confidences ``>= threshold`` are returned; a parent is never below its child.

    Example:
        >>> from referralmatch.needs.categories import NeedCategories
        >>> cats = NeedCategories.default()
        >>> classify("Job readiness workshop", "", "", [], cats)
        {'employment': 0.85, 'job_training': 0.85}
        >>> classify("Program", "", "", [("1130", "Food Pantry")], cats)
        {'food': 1.0}
        >>> classify("Food Safety Program", "Training for nonprofits preparing food.", "", [], cats)
        {}
    """
    comp = _compile(categories)
    return _classify_compiled(
        comp, _text(name), _text(description), _text(keywords), taxonomy_terms, threshold
    )


_COLUMNS = ("name", "description", "keywords", "taxonomy_codes", "taxonomy_names")


def classify_many(
    frame: pd.DataFrame,
    categories: NeedCategories,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """Classify many services at once: a long frame ``(service_row, category, confidence)``.

    ``frame`` has columns ``name``, ``description``, ``keywords`` (text; missing values allowed)
    and ``taxonomy_codes``, ``taxonomy_names`` (list-likes, or strings separated by ``;``, ``|`` or
    ``,``; paired by position). Missing columns are treated as empty except ``name``, which is
    required. ``service_row`` is the 0-based row position in ``frame``. Rows with identical text
    and taxonomy are classified once. Results equal :func:`classify` row by row.

    Example:
        >>> import pandas as pd
        >>> from referralmatch.needs.categories import NeedCategories
        >>> df = pd.DataFrame({"name": ["Food Pantry", "Main Library"], "description": ["", ""]})
        >>> classify_many(df, NeedCategories.default())
           service_row   category  confidence
        0            0       food        0.85
        1            1  education        0.85
    """
    if "name" not in frame.columns:
        raise ConfigurationError("classify_many needs a 'name' column")
    comp = _compile(categories)
    n = len(frame)
    cols = [frame[c].tolist() if c in frame.columns else [None] * n for c in _COLUMNS]
    rows: list[int] = []
    cats: list[str] = []
    confs: list[float] = []
    memo: dict[tuple[Any, ...], dict[str, float]] = {}
    for row, (name, desc, kw, codes, names) in enumerate(zip(*cols, strict=True)):
        code_list = _as_list(codes)
        name_list = _as_list(names)
        width = max(len(code_list), len(name_list))
        code_list += [None] * (width - len(code_list))
        name_list += [None] * (width - len(name_list))
        terms = tuple(zip(code_list, name_list, strict=True))
        key = (_text(name), _text(desc), _text(kw), terms)
        result = memo.get(key)
        if result is None:
            result = _classify_compiled(comp, key[0], key[1], key[2], terms, threshold)
            memo[key] = result
        for cat, conf in sorted(result.items(), key=lambda kv: (-kv[1], kv[0])):
            rows.append(row)
            cats.append(cat)
            confs.append(conf)
    return pd.DataFrame(
        {
            "service_row": pd.Series(rows, dtype="int64"),
            "category": pd.Series(cats, dtype="object"),
            "confidence": pd.Series(confs, dtype="float64"),
        }
    )


def match_need_text(
    text: str,
    categories: NeedCategories,
    *,
    threshold: float = 0.3,
    limit: int | None = None,
) -> list[tuple[str, float]]:
    """Rank need categories for a free-text need, best first: ``[(key, score 0-1), ...]``.

    The client-phrase lexicon is read first (:func:`referralmatch.needs.phrases.resolve_need_text`:
    people's own words in English and Spanish, misspellings, several needs in one text; a danger
    phrasing puts ``crisis`` first). Then the category vocabulary: a category key or label typed
    as the need scores 1.0; keyword phrases 0.85 each (synonyms a little less; several add up); a
    misspelled single word close to a keyword (rapidfuzz ratio >= 85) 0.68. A category found by
    both keeps the higher score; when the lexicon found any, categories found only by the
    vocabulary count 0.8 of their score (unless typed as a key or label, or a child of a lexicon
    category); lexicon categories missing from ``categories`` are left
    out.
    Parents are not added: the most specific category is ranked by its own evidence, and ties go
    to the deeper (more specific) category, then the key.

    Example:
        >>> from referralmatch.needs.categories import NeedCategories
        >>> cats = NeedCategories.default()
        >>> [k for k, _ in match_need_text("grief support group for widows", cats)][:2]
        ['grief_support', 'support_groups']
        >>> match_need_text("somewhere to sleep tonight", cats)[0][0]
        'emergency_shelter'
        >>> match_need_text("Rental assistance", cats)[0]
        ('rental_assistance', 1.0)
        >>> match_need_text("I lost my job and can't pay rent", cats)
        [('rental_assistance', 0.9), ('employment', 0.9)]
        >>> match_need_text("quiero matarme", cats)
        [('crisis', 0.97)]
    """
    from referralmatch.needs.phrases import resolve_need_text  # phrases never imports classify

    comp = _compile(categories)
    lexical = resolve_need_text(_text(text))
    tokens = normalize_tokens(_text(text))
    evidence: dict[int, list[float]] = {}
    label = comp.label_index.get(tokens)
    if label is not None:
        evidence[label] = [1.0]
    context: set[int] = set()
    weight = _FIELD_WEIGHT["need"]
    hits = _scan(comp, tokens)
    covered = [False] * len(tokens)
    for start, stop, resolved in hits:
        covered[start:stop] = [True] * (stop - start)
        for cat, kind in resolved:
            if kind == _CONTEXT:
                context.add(cat)
            elif kind != _NEGATIVE:
                w = weight if kind == _KEYWORD else weight * _SYNONYM_FACTOR
                evidence.setdefault(cat, []).append(w)
    # misspelled words: fuzzy-match uncovered tokens to one-word keywords and synonyms
    fixed: list[str] = []
    for tok, cov in zip(tokens, covered, strict=True):
        if cov or len(tok) < 5 or tok in _STOPWORDS:
            fixed.append(tok)
            continue
        best = process.extractOne(
            tok, comp.single_words, scorer=fuzz.ratio, score_cutoff=_NEED_FUZZY_CUTOFF
        )
        fixed.append(best[0] if best else tok)
    if fixed != list(tokens):
        seen = {tuple(tokens[a:b]) for a, b, _ in hits}
        for start, stop, resolved in _scan(comp, fixed):
            if tuple(fixed[start:stop]) in seen:
                continue
            for cat, kind in resolved:
                if kind in (_KEYWORD, _SYNONYM):
                    evidence.setdefault(cat, []).append(weight * _NEED_FUZZY_FACTOR)
    scores = {cat: _noisy_or(vals) for cat, vals in evidence.items()}
    for cat in context:
        p = comp.parent_idx[cat]
        if p >= 0 and scores.get(p, 0.0) > 0.0:
            scores[cat] = _noisy_or((scores.get(cat, 0.0), _CONTEXT_FACTOR * scores[p]))
    index = {k: i for i, k in enumerate(comp.keys)}
    found = {index[k] for k, _ in lexical.categories if k in index}
    if found:  # the client's own words lead: vocabulary-only categories count a little less
        ahead = found | {c for c in scores if comp.parent_idx[c] in found or c == label}
        scores = {c: s if c in ahead else s * _BEHIND_LEXICON for c, s in scores.items()}
    for key, score in lexical.categories:
        pos = index.get(key)
        if pos is not None and score > scores.get(pos, 0.0):
            scores[pos] = score
    danger = index.get("crisis") if lexical.danger else None
    ranked = sorted(
        ((comp.keys[c], round(s, 4), comp.depth[c], c == danger)
         for c, s in scores.items() if s >= threshold),
        key=lambda t: (not t[3], -t[1], -t[2], t[0]),
    )  # fmt: skip
    out = [(k, s) for k, s, _, _ in ranked]
    return out if limit is None else out[:limit]
