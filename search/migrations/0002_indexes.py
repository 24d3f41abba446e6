"""Index the search documents, each database its own way, kept in step by triggers.

PostgreSQL: a trigger fills the weighted tsvector from the row (names A, brand and
category B, the categories above C, codes D); a GIN index on it answers the search;
pg_trgm's GIN index on `words` finds the words a typo was meant to be.

SQLite: two FTS5 tables reading their text from the documents table (external
content), kept in step by triggers as FTS5's documentation shows: `search_fts`
(unicode61 tokens, prefix queries: the same matching as PostgreSQL's `:*`) and
`search_trigram` (the trigram tokenizer, SQLite 3.34+, for typos).

A later migration that makes SQLite rebuild search_searchdocument (most column
changes do) drops its triggers: create them again there.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

POSTGRES_FORWARDS = [
    """
    CREATE FUNCTION search_document_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.vector :=
        setweight(to_tsvector('simple'::regconfig, coalesce(NEW.name_text, '')), 'A') ||
        setweight(to_tsvector('simple'::regconfig, coalesce(NEW.meta_text, '')), 'B') ||
        setweight(to_tsvector('simple'::regconfig, coalesce(NEW.parent_text, '')), 'C') ||
        setweight(to_tsvector('simple'::regconfig, coalesce(NEW.code_text, '')), 'D');
      RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER search_document_vector BEFORE INSERT OR UPDATE
    ON search_searchdocument FOR EACH ROW EXECUTE FUNCTION search_document_vector()
    """,
    "CREATE INDEX search_document_vector_gin ON search_searchdocument USING gin (vector)",
    "CREATE INDEX search_document_words_trgm ON search_searchdocument "
    "USING gin (words gin_trgm_ops)",
    # Rows written before the trigger existed.
    "UPDATE search_searchdocument SET words = words",
]
POSTGRES_BACKWARDS = [
    "DROP INDEX IF EXISTS search_document_words_trgm",
    "DROP INDEX IF EXISTS search_document_vector_gin",
    "DROP TRIGGER IF EXISTS search_document_vector ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_document_vector()",
]

_FTS_COLUMNS = "name_text, meta_text, parent_text, code_text"
_NEW = ", ".join(f"new.{c}" for c in _FTS_COLUMNS.split(", "))
_OLD = ", ".join(f"old.{c}" for c in _FTS_COLUMNS.split(", "))

SQLITE_FORWARDS = [
    f"""
    CREATE VIRTUAL TABLE search_fts USING fts5(
      {_FTS_COLUMNS},
      content='search_searchdocument', content_rowid='product_id', tokenize='unicode61'
    )
    """,
    """
    CREATE VIRTUAL TABLE search_trigram USING fts5(
      words, content='search_searchdocument', content_rowid='product_id', tokenize='trigram'
    )
    """,
    f"""
    CREATE TRIGGER search_document_ai AFTER INSERT ON search_searchdocument BEGIN
      INSERT INTO search_fts(rowid, {_FTS_COLUMNS}) VALUES (new.product_id, {_NEW});
      INSERT INTO search_trigram(rowid, words) VALUES (new.product_id, new.words);
    END
    """,
    f"""
    CREATE TRIGGER search_document_ad AFTER DELETE ON search_searchdocument BEGIN
      INSERT INTO search_fts(search_fts, rowid, {_FTS_COLUMNS})
        VALUES ('delete', old.product_id, {_OLD});
      INSERT INTO search_trigram(search_trigram, rowid, words)
        VALUES ('delete', old.product_id, old.words);
    END
    """,
    f"""
    CREATE TRIGGER search_document_au AFTER UPDATE ON search_searchdocument BEGIN
      INSERT INTO search_fts(search_fts, rowid, {_FTS_COLUMNS})
        VALUES ('delete', old.product_id, {_OLD});
      INSERT INTO search_trigram(search_trigram, rowid, words)
        VALUES ('delete', old.product_id, old.words);
      INSERT INTO search_fts(rowid, {_FTS_COLUMNS}) VALUES (new.product_id, {_NEW});
      INSERT INTO search_trigram(rowid, words) VALUES (new.product_id, new.words);
    END
    """,
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    "INSERT INTO search_trigram(search_trigram) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_trigram",
    "DROP TABLE IF EXISTS search_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, None)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        # Skipped by Django on any database but PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARDS, "sqlite": SQLITE_FORWARDS}),
            _run({"postgresql": POSTGRES_BACKWARDS, "sqlite": SQLITE_BACKWARDS}),
        ),
    ]
