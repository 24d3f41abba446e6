"""What the search keeps: synonyms staff edit, and one indexed document per product."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from search.query import MAX_PHRASE_WORDS, words

MAX_EXPANSIONS = 10


def split_expansions(text: str) -> list[str]:
    """Return the expansions written in one box, separated by commas or new lines."""
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


class Synonym(models.Model):
    """A word shoppers use and the words the catalogue uses for it: celular → telefon."""

    term = models.CharField(
        _("Fjala që kërkohet"),
        max_length=60,
        unique=True,
        help_text=_("Si e shkruajnë blerësit, p.sh. celular. Shkronjat ë/ç nuk kanë rëndësi."),
    )
    expansions = models.TextField(
        _("Kërkohet edhe si"),
        max_length=600,
        help_text=_(
            "Fjalët e katalogut që i përgjigjen, të ndara me presje, p.sh. telefon, smartfon."
        ),
    )
    updated_at = models.DateTimeField(_("Ndryshuar më"), auto_now=True)

    class Meta:
        verbose_name = _("sinonim")
        verbose_name_plural = _("sinonimet")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.term = " ".join(self.term.split())
        term_words = words(self.term)
        if not term_words:
            errors["term"] = str(_("Shkruani një fjalë me shkronja ose shifra."))
        elif len(term_words) > MAX_PHRASE_WORDS:
            errors["term"] = str(
                _("Fjala mund të ketë deri në %(count)d pjesë.") % {"count": MAX_PHRASE_WORDS}
            )
        expansions = split_expansions(self.expansions)
        if not any(words(expansion) for expansion in expansions):
            errors["expansions"] = str(_("Shkruani të paktën një fjalë të katalogut."))
        elif len(expansions) > MAX_EXPANSIONS:
            errors["expansions"] = str(
                _("Shkruani deri në %(count)d fjalë, të ndara me presje.")
                % {"count": MAX_EXPANSIONS}
            )
        elif any(len(words(expansion)) > MAX_PHRASE_WORDS for expansion in expansions):
            errors["expansions"] = str(
                _("Çdo fjalë mund të ketë deri në %(count)d pjesë; ndajini me presje.")
                % {"count": MAX_PHRASE_WORDS}
            )
        if errors:
            raise ValidationError(errors)
        self.expansions = ", ".join(expansions)

    def expansion_list(self) -> list[str]:
        return split_expansions(self.expansions)


class SearchDocument(models.Model):
    """What a product is found by, folded and stemmed (search.query), one row per product.

    The database indexes it its own way, kept in step by triggers made in migration 0002:
    on PostgreSQL a weighted tsvector in ``vector`` (GIN) and a trigram index on
    ``words``; on SQLite two FTS5 tables, one by words and one by trigrams.
    """

    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    # Weighted A to D in the index: the product's names, then brand and its own category,
    # then the categories above it, then its codes.
    name_text = models.TextField(default="", blank=True)
    meta_text = models.TextField(default="", blank=True)
    parent_text = models.TextField(default="", blank=True)
    code_text = models.TextField(default="", blank=True)
    # Folded words as written (not stemmed): what "did you mean" may suggest.
    words = models.TextField(default="", blank=True)
    # Filled by the database (PostgreSQL only); always NULL on SQLite.
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("dokument kërkimi")
        verbose_name_plural = _("dokumentet e kërkimit")

    def __str__(self) -> str:
        return str(self.product_id)
