"""Understand what a shopper typed: fold, split, stem and widen by synonyms.

Pure functions, the same for the text a product is indexed under and for a query, so
that both meet in the middle: "Televizorët" and "televizore" both become "televizor".
Every database gets the same parsed query; only the syntax it is written in differs
(`tsquery_text` for PostgreSQL, `fts5_text` for SQLite).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MAX_QUERY_LENGTH = 100
MAX_TERMS = 10
# A synonym's key may be a phrase ("washing machine"); no key is longer than this.
MAX_PHRASE_WORDS = 3

_WORD = re.compile(r"[^\W_]+")

# Albanian inflections (definite, plural, genitive/dative/ablative, accusative) and the
# English plural, longest first. Stripped again until nothing more comes off, so
# "televizorëve", "televizorët", "televizorin" and "televizor" share one stem. The stem
# keeps at least three letters, so short words ("tv", "ore", "lg") stay as typed.
SUFFIXES = ("eve", "ave", "et", "at", "it", "in", "en", "es", "ja", "e", "a", "i", "s")
MIN_STEM = 3
# "tvs" → "tv", but "bus", "glass" and "iris" keep their "s".
_PLURAL_S_KEEPS_AFTER = ("s", "u", "i")

# Words that join others; dropped unless the query has nothing else.
STOPWORDS = frozenset(
    {
        "e",
        "i",
        "te",
        "ne",
        "me",
        "per",
        "dhe",
        "nga",
        "se",
        "a",
        "an",
        "the",
        "for",
        "with",
        "and",
        "of",
    }
)

Alternative = tuple[str, ...]  # stems that must all be there
Group = tuple[Alternative, ...]  # one of these must be there
SynonymMap = Mapping[Alternative, tuple[Alternative, ...]]


@dataclass(frozen=True)
class ParsedQuery:
    """A query as the search understands it: every group must match, by any alternative."""

    groups: tuple[Group, ...]
    words: tuple[str, ...]  # the folded words as typed, for "did you mean"

    def __bool__(self) -> bool:
        return bool(self.groups)


def fold(text: str) -> str:
    """Return ``text`` in lower case without diacritics: "Lavatriçe" → "lavatrice"."""
    # Compatibility forms first (𝘼 → A), then case, then once more: casefolding can
    # itself give a letter that decomposes.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """Return the folded words of ``text``: letters and digits, split at anything else."""
    return _WORD.findall(fold(text))


def _strip_once(word: str) -> str:
    for suffix in SUFFIXES:
        if not word.endswith(suffix):
            continue
        root = word[: -len(suffix)]
        if suffix == "s":
            if len(root) >= 2 and not root.endswith(_PLURAL_S_KEEPS_AFTER):
                return root
        elif len(root) >= MIN_STEM:
            return root
    return word


def stem(word: str) -> str:
    """Return the stem of one folded word; words with digits (models, sizes) stay whole."""
    if not word.isalpha():
        return word
    while True:
        shorter = _strip_once(word)
        if shorter == word:
            return word
        word = shorter


def stems(text: str) -> list[str]:
    """Return the stems of every word of ``text``."""
    return [stem(word) for word in words(text)]


def synonym_map(entries: Iterable[tuple[str, Iterable[str]]]) -> dict[Alternative, Group]:
    """Return the synonyms as the parser uses them, keyed and valued by stems.

    ``entries`` are (term, expansions) as staff typed them; a term or expansion that
    folds to nothing is skipped, and a term's own stems are never its expansion.
    """
    result: dict[Alternative, list[Alternative]] = {}
    for term, expansions in entries:
        key = tuple(stems(term))[:MAX_PHRASE_WORDS]
        if not key:
            continue
        known = result.setdefault(key, [])
        for expansion in expansions:
            alternative = tuple(stems(expansion))[:MAX_PHRASE_WORDS]
            if alternative and alternative != key and alternative not in known:
                known.append(alternative)
    return {key: tuple(value) for key, value in result.items() if value}


def parse(text: str, *, synonyms: SynonymMap | None = None) -> ParsedQuery:
    """Return what ``text`` asks for: at most MAX_TERMS words, each widened by its synonyms."""
    typed = words(text[:MAX_QUERY_LENGTH])[:MAX_TERMS]
    meaningful = [word for word in typed if word not in STOPWORDS] or typed
    terms = [stem(word) for word in meaningful]
    synonyms = synonyms or {}
    groups: list[Group] = []
    position = 0
    while position < len(terms):
        for length in range(min(MAX_PHRASE_WORDS, len(terms) - position), 0, -1):
            key = tuple(terms[position : position + length])
            if length == 1 or key in synonyms:
                expansions = synonyms.get(key, ())
                groups.append((key, *(e for e in expansions if e != key)))
                position += length
                break
    unique = tuple(dict.fromkeys(groups))
    return ParsedQuery(groups=unique, words=tuple(dict.fromkeys(meaningful)))


def tsquery_text(query: ParsedQuery) -> str:
    """Write ``query`` for PostgreSQL's to_tsquery: every stem a prefix, quoted."""

    def alternative(stems_: Alternative) -> str:
        inner = " & ".join(f"'{term}':*" for term in stems_)
        return f"({inner})" if len(stems_) > 1 else inner

    return " & ".join(
        "(" + " | ".join(alternative(alt) for alt in group) + ")" for group in query.groups
    )


def fts5_text(query: ParsedQuery) -> str:
    """Write ``query`` for SQLite's FTS5 MATCH: every stem a quoted prefix."""

    def alternative(stems_: Alternative) -> str:
        inner = " AND ".join(f'"{term}"*' for term in stems_)
        return f"({inner})" if len(stems_) > 1 else inner

    return " AND ".join(
        "(" + " OR ".join(alternative(alt) for alt in group) + ")" for group in query.groups
    )


def matches(query: ParsedQuery, indexed: Sequence[str]) -> bool:
    """Whether stems ``indexed`` (a category's name, say) satisfy ``query`` as the index would."""
    if not query:
        return False
    return all(
        any(all(any(s.startswith(term) for s in indexed) for term in alt) for alt in group)
        for group in query.groups
    )


def trigrams(word: str) -> set[str]:
    """Return the trigrams of one word as pg_trgm counts them (two spaces before, one after)."""
    padded = f"  {word} "
    return {padded[index : index + 3] for index in range(len(padded) - 2)}


def similarity(first: str, second: str) -> float:
    """Return pg_trgm's similarity of two words: shared trigrams over all trigrams."""
    a, b = trigrams(first), trigrams(second)
    return len(a & b) / len(a | b) if a and b else 0.0


def edit_distance(first: str, second: str) -> int:
    """Return the Damerau–Levenshtein distance (with adjacent swaps): "samsnug" → 1."""
    previous_row: list[int] | None = None
    row = list(range(len(second) + 1))
    for i, char in enumerate(first, start=1):
        before, row = row, [i] + [0] * len(second)
        for j, other in enumerate(second, start=1):
            cost = 0 if char == other else 1
            row[j] = min(before[j] + 1, row[j - 1] + 1, before[j - 1] + cost)
            if (
                previous_row is not None
                and i > 1
                and j > 1
                and char == second[j - 2]
                and first[i - 2] == other
            ):
                row[j] = min(row[j], previous_row[j - 2] + 1)
        previous_row = before
    return row[-1]


# A typed word is taken for a known one when they are this alike (pg_trgm's default
# threshold) or one or two keystrokes apart.
SIMILARITY_THRESHOLD = 0.3


def closest_word(word: str, candidates: Iterable[str]) -> str | None:
    """Return the known word ``word`` was most likely meant to be, or None.

    None also when ``word`` is itself known (a candidate starts with its stem).
    """
    own = stem(word)
    best: tuple[float, int, str] | None = None
    for candidate in sorted(set(candidates)):
        if stem(candidate).startswith(own) or candidate.startswith(word):
            return None
        if not candidate.isalpha() or len(candidate) < 3:
            continue
        distance = edit_distance(word, candidate)
        score = similarity(word, candidate)
        allowed = 1 if len(word) < 7 else 2
        if score < SIMILARITY_THRESHOLD and distance > allowed:
            continue
        if best is None or (score, -distance) > (best[0], best[1]):
            best = (score, -distance, candidate)
    return best[2] if best else None
