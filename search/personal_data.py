"""The search holds no personal data: product words and the synonyms staff type."""

from privacy.registry import declare
from search.models import SearchDocument, Synonym

declare(
    SearchDocument,
    fields=[],
    not_personal={"name_text": "A product's names, folded for the search; not a person's."},
)
declare(Synonym, fields=[], not_personal={})
