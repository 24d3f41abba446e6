from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.images import validate_catalog_image
from catalog.specifications import (
    NOT_A_LIST_MESSAGE,
    specification_rows,
    validate_specifications,
)
from core.money import vat_included

IMAGE_HELP_TEXT = _(
    "Rruga e një imazhi te skedarët statikë të katalogut, p.sh. catalog/img/tv.svg."
)


def in_active_language(sq: str, en: str) -> str:
    return en if (get_language() or "sq").startswith("en") and en else sq


class Category(models.Model):
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    slug = models.SlugField(max_length=80, unique=True)
    name_sq = models.CharField(_("Emri (shqip)"), max_length=120)
    name_en = models.CharField(_("Emri (anglisht)"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    image = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_catalog_image],
        help_text=IMAGE_HELP_TEXT,
    )

    class Meta:
        verbose_name = _("kategori")
        verbose_name_plural = _("kategoritë")
        ordering = ["position", "name_sq"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", kwargs={"slug": self.slug})

    @property
    def name(self) -> str:
        return in_active_language(self.name_sq, self.name_en)


class Brand(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        verbose_name = _("markë")
        verbose_name_plural = _("markat")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A thing we sell. Prices are whole lekë with 20 % VAT included."""

    sku = models.CharField(_("SKU"), max_length=32, unique=True)
    slug = models.SlugField(max_length=160, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="products")
    name_sq = models.CharField(_("Emri (shqip)"), max_length=200)
    name_en = models.CharField(_("Emri (anglisht)"), max_length=200)
    description_sq = models.TextField(_("Përshkrimi (shqip)"), blank=True)
    description_en = models.TextField(_("Përshkrimi (anglisht)"), blank=True)
    specifications = models.JSONField(
        _("Specifikimet"),
        default=list,
        blank=True,
        help_text=_('Listë: [{"sq": "Ekrani", "en": "Screen", "value": "55\\""}]'),
        validators=[validate_specifications],
    )
    price = models.PositiveIntegerField(_("Çmimi (lekë, me TVSH)"))
    stock = models.PositiveIntegerField(_("Gjendja në magazinë"), default=0)
    image = models.CharField(
        _("Imazhi"),
        max_length=200,
        blank=True,
        validators=[validate_catalog_image],
        help_text=IMAGE_HELP_TEXT,
    )
    is_active = models.BooleanField(_("Në shitje"), default=True)
    popularity = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("produkt")
        verbose_name_plural = _("produktet")
        ordering = ["-popularity", "id"]
        indexes = [
            models.Index(fields=["is_active", "category", "price"]),
            models.Index(fields=["is_active", "brand"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gt=0), name="product_price_positive")
        ]

    def __str__(self) -> str:
        return f"{self.name_sq} ({self.sku})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A JSON null read back from the row (written past validation) would be saved
        # as SQL NULL and fail the NOT NULL column: it means no specifications, so []
        # keeps every other change (a price edited in the list) saveable.
        if self.specifications is None:
            self.specifications = []
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalog:product", kwargs={"slug": self.slug})

    @property
    def name(self) -> str:
        return in_active_language(self.name_sq, self.name_en)

    @property
    def description(self) -> str:
        return in_active_language(self.description_sq, self.description_en)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def vat_amount(self) -> int:
        return vat_included(self.price)

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Validate the fields, refusing an empty non-list (null, {}, "") for the specifications.

        Django runs no field validation on an empty value of a field that may be
        blank; ``[]`` is fine, but ``null`` would fail the NOT NULL column on save and
        ``{}`` or ``""`` are not the list the schema asks for.
        """
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if not isinstance(self.specifications, list) and "specifications" not in (exclude or ()):
            errors.setdefault("specifications", []).append(
                ValidationError(NOT_A_LIST_MESSAGE, code="not_a_list")
            )
        if errors:
            raise ValidationError(errors)

    def localized_specifications(self) -> list[tuple[str, str]]:
        """Return (label, value) pairs in the active language, only of the valid rows."""
        return [
            (in_active_language(row["sq"], row.get("en", "")), row["value"])
            for row in specification_rows(self.specifications, product_id=self.pk)
        ]


class CatalogRevision(models.Model):
    """A counter that moves whenever anything a catalogue page shows changes.

    Cached fragments of catalogue pages carry the number in their key, so a change
    committed by any process on any machine makes every stale fragment unreachable.
    """

    ROW = 1  # the one row; created by a migration, recreated on demand

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.number)


PHOTO_FOLDER = "catalog/photos/"


class ProductPhoto(models.Model):
    """A photo of a product: the cleaned original and its resized renditions, in storage.

    The original went through core.uploads.image_clean (pixels only, no EXIF); the
    renditions (``renditions``, a list of {"name", "width", "height", "format"}) are
    made in the background by catalog.tasks and stay empty until then, when pages
    show the original. Files are named by a random token, never by the uploaded name.
    """

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="photos", verbose_name=_("Produkti")
    )
    image = models.FileField(_("Fotografia"), upload_to=PHOTO_FOLDER, max_length=255)
    position = models.PositiveSmallIntegerField(
        _("Renditja"), default=0, help_text=_("Fotografia me numrin më të vogël shfaqet e para.")
    )
    alt_sq = models.CharField(
        _("Përshkrimi i fotografisë (shqip)"),
        max_length=200,
        help_text=_("Çfarë tregon fotografia, për ata që nuk e shohin, p.sh. „Pamja nga para“."),
    )
    alt_en = models.CharField(
        _("Përshkrimi i fotografisë (anglisht)"),
        max_length=200,
        blank=True,
        help_text=_("Bosh: përdoret përshkrimi në shqip."),
    )
    width = models.PositiveIntegerField(_("Gjerësia"), editable=False)
    height = models.PositiveIntegerField(_("Lartësia"), editable=False)
    renditions = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fotografi produkti")
        verbose_name_plural = _("fotografitë e produktit")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["product", "position", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(width__gt=0, height__gt=0), name="product_photo_has_size"
            )
        ]

    def __str__(self) -> str:
        return self.alt_sq or self.image.name

    @property
    def alt(self) -> str:
        return in_active_language(self.alt_sq, self.alt_en)
