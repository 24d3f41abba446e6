"""Search reads: the products a query finds, "did you mean", and suggestions as one types.

Matching runs on the stored index of each product's SearchDocument, never on text
computed per query: PostgreSQL's GIN-indexed tsvector (ranked by ts_rank over the
weights A–D), SQLite's FTS5 table (ranked by bm25 with the same order of weights).
Typos are caught by trigrams: pg_trgm's GIN index on PostgreSQL, an FTS5 trigram
table on SQLite, each only narrowing the candidates; the word suggested is chosen
by the same Python on both (search.query.closest_word).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.db.models import Case, F, FloatField, QuerySet, Value, When

from catalog.models import Category, Product
from catalog.selectors import product_on_sale
from search.models import SearchDocument, Synonym
from search.query import (
    ParsedQuery,
    SynonymMap,
    closest_word,
    fts5_text,
    matches,
    parse,
    stem,
    stems,
    synonym_map,
    trigrams,
    tsquery_text,
)

SEARCH_CONFIG = "simple"
SYNONYMS_CACHE_SECONDS = 3600
# With fewer results than this, the search also looks for a likelier spelling.
FEW_RESULTS = 3
# How many documents' words a typed word is compared with, and how alike they must
# be for PostgreSQL to consider them (pg_trgm word_similarity; the choice is closest_word's).
CANDIDATE_DOCUMENTS = 40
WORD_SIMILARITY_FLOOR = 0.3
CANDIDATE_TIMEOUT = "50ms"
# SQLite ranks in Python; a query matching more rows than this keeps its best ones.
SQLITE_MAX_MATCHES = 2000
# Stems whose matches are read in one statement (SQLite joins at most 500 SELECTs).
TERMS_PER_STATEMENT = 100
# How much a match counts in each of SearchDocument's texts: names, brand and category,
# the categories above, codes. A word found only in a category above ("kompjuter" in a
# monitor's "Laptopë & kompjuterë") finds the product but ranks it last. PostgreSQL
# lists them D, C, B, A; SQLite's bm25 takes them per FTS5 column, A to D.
POSTGRES_WEIGHTS = [0.1, 0.02, 0.4, 1.0]
SQLITE_WEIGHTS = (10.0, 4.0, 0.2, 1.0)


@dataclass(frozen=True)
class SearchOutcome:
    """What a search found, and for which words.

    ``corrected`` is the likelier spelling when the words as typed found too little;
    when they found nothing, ``products`` are those of the corrected words.
    """

    products: QuerySet[Product]
    parsed: ParsedQuery
    corrected: str = ""
    showing_corrected: bool = False


def search_synonyms(*, revision: int) -> SynonymMap:
    """Return the synonyms as the parser uses them, cached per catalogue revision."""
    key = f"search:synonyms:{revision}"
    mapping: SynonymMap | None = cache.get(key)
    if mapping is None:
        mapping = synonym_map(
            (synonym.term, synonym.expansion_list()) for synonym in Synonym.objects.all()
        )
        cache.set(key, mapping, SYNONYMS_CACHE_SECONDS)
    return mapping


def _postgres_match(products: QuerySet[Product], parsed: ParsedQuery) -> QuerySet[Product]:
    query = SearchQuery(tsquery_text(parsed), search_type="raw", config=SEARCH_CONFIG)
    return products.filter(search_document__vector=query).annotate(
        rank=SearchRank(F("search_document__vector"), query, weights=POSTGRES_WEIGHTS)
    )


def _sqlite_match(products: QuerySet[Product], parsed: ParsedQuery) -> QuerySet[Product]:
    weights = ", ".join(str(weight) for weight in SQLITE_WEIGHTS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, -bm25(search_fts, {weights}) FROM search_fts "  # noqa: S608
            "WHERE search_fts MATCH %s ORDER BY 2 DESC LIMIT %s",
            [fts5_text(parsed), SQLITE_MAX_MATCHES],
        )
        scores = dict(cursor.fetchall())
    if not scores:
        return products.none().annotate(rank=Value(0.0))
    return products.filter(pk__in=list(scores)).annotate(
        rank=Case(
            *(When(pk=pk, then=Value(score)) for pk, score in scores.items()),
            default=Value(0.0),
            output_field=FloatField(),
        )
    )


def product_search(
    *, query: str | ParsedQuery, synonyms: SynonymMap | None = None
) -> QuerySet[Product]:
    """Return visible products matching ``query``, annotated with ``rank`` (higher: better).

    Every word must be found, as written or inflected (televizorët), without ë/ç, as the
    start of a word, or by one of its synonyms; names count most, then brand and
    category, then the categories above, then the SKU.
    """
    parsed = query if isinstance(query, ParsedQuery) else parse(query, synonyms=synonyms)
    # Bare rows: a listing reads a page's ids from this, and whole products only for
    # the cards it has not kept (catalog.views.product_cards_of_page).
    products = product_on_sale()
    if not parsed:
        return products.none().annotate(rank=Value(0.0))
    if connection.vendor == "postgresql":
        return _postgres_match(products, parsed)
    return _sqlite_match(products, parsed)


def _matching(parsed: ParsedQuery) -> tuple[str, str, list[str | int]]:
    """Return the id column, the FROM and WHERE of the visible products matching
    ``parsed`` on the stored index, and its parameters: unranked, one indexed lookup."""
    catalogue = Product._meta.db_table
    if connection.vendor == "postgresql":
        documents = SearchDocument._meta.db_table
        clause = (
            f"FROM {documents} d JOIN {catalogue} p ON p.id = d.product_id "
            "WHERE p.is_active AND d.vector @@ to_tsquery(%s, %s)"
        )
        return "d.product_id", clause, [SEARCH_CONFIG, tsquery_text(parsed)]
    clause = (
        f"FROM search_fts f JOIN {catalogue} p ON p.id = f.rowid "
        "WHERE search_fts MATCH %s AND p.is_active"
    )
    return "f.rowid", clause, [fts5_text(parsed)]


def search_match_ids(*, parsed: ParsedQuery, limit: int) -> list[int]:
    """Return the ids of up to ``limit`` visible products matching ``parsed``, unranked."""
    if not parsed:
        return []
    column, clause, params = _matching(parsed)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} {clause} LIMIT %s", [*params, limit])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _candidate_words_postgres(word: str) -> list[str]:
    documents, catalogue = SearchDocument._meta.db_table, Product._meta.db_table
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('statement_timeout')")
            (previous_timeout,) = cursor.fetchone()
            # Local to this transaction: the GIN index answers `<%` at this threshold,
            # and a lookup that would take long (a fragment of many model codes) gives
            # no suggestion rather than a slow page.
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true), "
                "set_config('statement_timeout', %s, true)",
                [str(WORD_SIMILARITY_FLOOR), CANDIDATE_TIMEOUT],
            )
            cursor.execute(
                f"SELECT d.words FROM {documents} d JOIN {catalogue} p ON p.id = d.product_id "  # noqa: S608
                "WHERE p.is_active AND %s <%% d.words "
                "ORDER BY word_similarity(%s, d.words) DESC, d.product_id LIMIT %s",
                [word, word, CANDIDATE_DOCUMENTS],
            )
            found = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous_timeout])
    except OperationalError:  # cancelled by the timeout; the savepoint undid the settings
        return []
    return found


def _candidate_words_sqlite(word: str) -> list[str]:
    # FTS5's trigram tokenizer has no padding; a word's inner trigrams are enough.
    grams = sorted(gram for gram in trigrams(word) if " " not in gram)
    if not grams:
        return []
    documents, catalogue = SearchDocument._meta.db_table, Product._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.words FROM search_trigram t "  # noqa: S608
            f"JOIN {documents} d ON d.product_id = t.rowid "
            f"JOIN {catalogue} p ON p.id = d.product_id "
            "WHERE search_trigram MATCH %s AND p.is_active ORDER BY t.rank, t.rowid LIMIT %s",
            [" OR ".join(f'"{gram}"' for gram in grams), CANDIDATE_DOCUMENTS],
        )
        return [row[0] for row in cursor.fetchall()]


def _candidate_words(word: str) -> Iterable[str]:
    if connection.vendor == "postgresql":
        found = _candidate_words_postgres(word)
    else:
        found = _candidate_words_sqlite(word)
    return (candidate for text in found for candidate in text.split())


def _correctable(word: str, synonym_stems: set[str]) -> bool:
    # Words with digits (models, sizes), short words and synonyms are left as typed.
    return word.isalpha() and len(word) >= 3 and stem(word) not in synonym_stems


def _word_key(word: str, revision: int | None) -> str:
    return f"search:word:{revision}:{hashlib.sha256(word.encode()).hexdigest()}"


def _term_key(term: str, revision: int) -> str:
    return f"search:term:{revision}:{hashlib.sha256(term.encode()).hexdigest()}"


def _terms_of(*queries: ParsedQuery) -> set[str]:
    return {term for query in queries for group in query.groups for alt in group for term in alt}


def _term_ids_read(terms: Collection[str]) -> dict[str, frozenset[int]]:
    """Return the ids of the visible products each stem finds on its own, as the start of a
    word: one statement (per TERMS_PER_STATEMENT stems) on the stored index."""
    found: dict[str, set[int]] = {term: set() for term in terms}
    ordered = sorted(terms)
    for start in range(0, len(ordered), TERMS_PER_STATEMENT):
        selects: list[str] = []
        params: list[str | int] = []
        for index, term in enumerate(ordered[start : start + TERMS_PER_STATEMENT], start=start):
            column, clause, term_params = _matching(ParsedQuery(groups=(((term,),),), words=()))
            selects.append(f"SELECT {index}, {column} {clause}")  # noqa: S608
            params += term_params
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            for index, product_id in cursor.fetchall():
                found[ordered[index]].add(product_id)
    return {term: frozenset(ids) for term, ids in found.items()}


def _term_ids(terms: Collection[str], *, revision: int | None) -> dict[str, frozenset[int]]:
    """Return each stem's matches, kept per catalogue ``revision`` (a stem, not a query)."""
    if revision is None:
        return _term_ids_read(terms)
    keys = {_term_key(term, revision): term for term in terms}
    known: dict[str, frozenset[int]] = {
        keys[key]: ids for key, ids in cache.get_many(list(keys)).items()
    }
    missing = set(terms) - known.keys()
    if missing:
        read = _term_ids_read(missing)
        cache.set_many(
            {_term_key(term, revision): ids for term, ids in read.items()},
            SYNONYMS_CACHE_SECONDS,
        )
        known.update(read)
    return known


def _matched_ids(parsed: ParsedQuery, term_ids: dict[str, frozenset[int]]) -> set[int]:
    """Return the ids ``parsed`` finds, from its stems' own matches, as the index would:
    every group, by any of its alternatives, each with all of its stems."""
    matched: set[int] | None = None
    for group in parsed.groups:
        in_group: set[int] = set()
        for alternative in group:
            in_group |= frozenset.intersection(*(term_ids[term] for term in alternative))
        matched = in_group if matched is None else matched & in_group
        if not matched:
            return set()
    return matched or set()


def _match_probe(
    *, parsed: ParsedQuery, words: Iterable[str], revision: int | None
) -> tuple[int, dict[str, bool]]:
    """Return how many products ``parsed`` finds (up to FEW_RESULTS), and which ``words``
    find anything on their own.

    Answered from each stem's matches, kept per catalogue revision: a search nobody made
    before, of stems searched before, asks the database nothing here; new stems cost one
    statement together. Most such searches find nothing, and their page is then made
    without another query.
    """
    # A word that parses to nothing (a stopword) finds nothing on its own.
    alone = {word: parse(word) for word in words}
    alone = {word: parsed_word for word, parsed_word in alone.items() if parsed_word}
    term_ids = _term_ids(_terms_of(parsed, *alone.values()), revision=revision)
    found = min(len(_matched_ids(parsed, term_ids)), FEW_RESULTS)
    return found, {word: bool(_matched_ids(query, term_ids)) for word, query in alone.items()}


def search_correction(
    *,
    parsed: ParsedQuery,
    synonyms: SynonymMap | None = None,
    revision: int | None = None,
    known: dict[str, bool] | None = None,
) -> str:
    """Return the query with each unknown word replaced by the likeliest known one, or "".

    Words with digits (models, sizes), short words and synonyms are left as typed. With
    the catalogue ``revision``, each word's answer is remembered for that revision: a
    new query made of words asked before costs no index lookup. ``known`` says which
    words were already found to match something on their own.
    """
    synonym_stems = {stem_ for key in (synonyms or {}) for stem_ in key}
    corrected: list[str] = []
    changed = False
    for word in parsed.words:
        if not _correctable(word, synonym_stems):
            corrected.append(word)
            continue
        better = _word_correction(word, revision=revision, known=(known or {}).get(word))
        corrected.append(better or word)
        changed = changed or bool(better)
    return " ".join(corrected) if changed else ""


def _word_correction(word: str, *, revision: int | None, known: bool | None = None) -> str:
    """Return the likeliest known word for an unknown ``word``, "" for a known one or none."""
    key = _word_key(word, revision)
    if revision is not None:
        remembered: str | None = cache.get(key)
        if remembered is not None:
            return remembered
    if known is None:
        known = bool(search_match_ids(parsed=parse(word), limit=1))
    better = "" if known else closest_word(word, _candidate_words(word)) or ""
    if revision is not None:
        cache.set(key, better, SYNONYMS_CACHE_SECONDS)
    return better


def search_run(
    *, query: str, synonyms: SynonymMap | None = None, revision: int | None = None
) -> SearchOutcome:
    """Search for ``query``; with too little found, look for a likelier spelling.

    When the words as typed find nothing, the products are those of the correction.
    """
    parsed = parse(query, synonyms=synonyms)
    if not parsed:
        return SearchOutcome(products=product_search(query=parsed), parsed=parsed)
    synonym_stems = {stem_ for key in (synonyms or {}) for stem_ in key}
    correctable = {word for word in parsed.words if _correctable(word, synonym_stems)}
    if revision is not None and correctable:
        keys = {_word_key(word, revision): word for word in correctable}
        correctable -= {keys[key] for key in cache.get_many(list(keys))}
    found, known = _match_probe(parsed=parsed, words=sorted(correctable), revision=revision)
    if revision is not None and any(known.values()):
        cache.set_many(
            {_word_key(word, revision): "" for word, is_known in known.items() if is_known},
            SYNONYMS_CACHE_SECONDS,
        )
    if found >= FEW_RESULTS:
        return SearchOutcome(products=product_search(query=parsed), parsed=parsed)
    corrected = search_correction(parsed=parsed, synonyms=synonyms, revision=revision, known=known)
    if found:
        return SearchOutcome(
            products=product_search(query=parsed), parsed=parsed, corrected=corrected
        )
    if not corrected:
        # Known to match nothing (most searches nobody made before): the listing then
        # counts, facets and pages without building or running another query.
        return SearchOutcome(
            products=Product.objects.none().annotate(rank=Value(0.0)), parsed=parsed
        )
    return SearchOutcome(
        products=product_search(query=corrected, synonyms=synonyms),
        parsed=parsed,
        corrected=corrected,
        showing_corrected=True,
    )


def category_matches(*, parsed: ParsedQuery, categories: Iterable[Category]) -> list[Category]:
    """Return the categories whose name (either language) answers ``parsed``, in menu order."""
    return [
        category
        for category in categories
        if matches(parsed, stems(f"{category.name_sq} {category.name_en}"))
    ]
