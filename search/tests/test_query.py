"""Query understanding: folding, the Albanian stemmer, synonyms, and the two syntaxes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.query import (
    MAX_TERMS,
    closest_word,
    edit_distance,
    fold,
    fts5_text,
    matches,
    parse,
    similarity,
    stem,
    stems,
    synonym_map,
    tsquery_text,
    words,
)

# Each row: forms a shopper or a product name uses for one thing.
INFLECTIONS = [
    ["televizor", "televizorë", "televizorët", "televizorin", "televizorëve", "televizori"],
    ["frigorifer", "frigoriferë", "frigoriferët", "frigoriferi", "frigoriferin", "frigoriferit"],
    ["telefon", "telefona", "telefonat", "telefoni", "telefonin", "telefonave"],
    ["lavatriçe", "lavatriçet", "lavatriçen", "lavatriçja", "lavatriçeve", "lavatrice"],
    ["kompjuter", "kompjuterë", "kompjuterët", "kompjuteri", "kompjuterat"],
    ["kondicioner", "kondicionerë", "kondicionerët", "kondicioneri"],
    ["laptop", "laptopë", "laptopët", "laptopi", "laptops"],
    ["smartfon", "smartfonë", "smartfonët", "smartfoni"],
    ["pjatalarëse", "pjatalarëset", "pjatalarësen", "pjatalarese"],
    ["kufje", "kufjet", "kufjeve"],
    ["phone", "phones"],
    ["machine", "machines"],
    ["tablet", "tablets", "tabletë", "tabletet"],
    ["tv", "tvs", "TV"],
]


@pytest.mark.parametrize("forms", INFLECTIONS, ids=lambda forms: forms[0])
def test_inflected_forms_share_one_stem(forms: list[str]) -> None:
    assert len({stem(fold(form)) for form in forms}) == 1


@pytest.mark.parametrize("word", ["samsung", "lg", "tv", "ore", "bosch", "glass", "bus", "55"])
def test_short_words_names_and_numbers_stay_as_typed(word: str) -> None:
    assert stem(word) == word


def test_words_with_digits_are_not_stemmed() -> None:
    assert stems("UE55CU7172U Galaxy S24") == ["ue55cu7172u", "galaxy", "s24"]


def test_folding_drops_diacritics_and_case() -> None:
    assert fold("Lavatriçe TELEVIZORË Ëndërr Çaj") == "lavatrice televizore enderr caj"
    assert words("3VF-LAV-00201, De'Longhi") == ["3vf", "lav", "00201", "de", "longhi"]


@given(st.text(max_size=30))
def test_folding_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzëç", min_size=1, max_size=20))
def test_stemming_is_idempotent_and_never_grows(word: str) -> None:
    folded = fold(word)
    once = stem(folded)
    assert stem(once) == once
    assert folded.startswith(once)
    assert len(once) >= min(len(folded), 2)


@given(st.text(max_size=300))
def test_any_input_parses_into_safe_bounded_syntax(text: str) -> None:
    parsed = parse(text)
    assert len(parsed.groups) <= MAX_TERMS
    for rendered in (tsquery_text(parsed), fts5_text(parsed)):
        # Only stems (letters and digits) inside quotes, and the operators around them.
        quoted = re.sub(r"'[^\W_]+'|\"[^\W_]+\"", "", rendered)
        assert set(quoted) <= set(" &|():*ANDOR"), rendered


def test_stopwords_go_unless_nothing_else_is_left() -> None:
    assert parse("frigorifer me dy dyer").words == ("frigorifer", "dy", "dyer")
    assert parse("me").words == ("me",)


def test_synonyms_widen_a_word_or_a_phrase() -> None:
    synonyms = synonym_map(
        [("celular", ["telefon", "smartfon"]), ("washing machine", ["lavatriçe"])]
    )
    parsed = parse("Celularë samsung", synonyms=synonyms)
    assert parsed.groups[0] == (("celular",), ("telefon",), ("smartfon",))
    assert parsed.groups[1] == (("samsung",),)
    washing = parse("washing machines beko", synonyms=synonyms)
    assert washing.groups[0] == (("washing", "mach"), ("lavatric",))
    assert tsquery_text(washing) == "(('washing':* & 'mach':*) | 'lavatric':*) & ('beko':*)"
    assert fts5_text(washing) == '(("washing"* AND "mach"*) OR "lavatric"*) AND ("beko"*)'


def test_synonyms_skip_empty_entries_and_themselves() -> None:
    assert synonym_map([("!!", ["telefon"]), ("tv", ["", "TV", "televizor"])]) == {
        ("tv",): (("televizor",),)
    }


def test_matching_by_prefix_of_stems() -> None:
    category = stems("Televizorë Televisions")
    assert matches(parse("televizorët"), category)
    assert matches(parse("telev"), category)
    assert not matches(parse("frigorifer"), category)
    assert not matches(parse(""), category)


def test_typos_find_the_closest_known_word() -> None:
    assert edit_distance("samsnug", "samsung") == 1
    assert edit_distance("kitten", "sitting") == 3
    assert similarity("samsnug", "samsung") >= 0.3
    assert closest_word("samsnug", ["sony", "samsung", "smart"]) == "samsung"
    assert closest_word("frigorifr", ["frigorifer", "freezer"]) == "frigorifer"
    assert closest_word("samsung", ["samsung", "sony"]) is None  # known already
    assert closest_word("xyzzy", ["samsung", "sony"]) is None
