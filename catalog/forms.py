"""Validation of the listing filters and the search box; bad values are dropped, not fatal.

Also the back office's product form, whose specifications box says what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from catalog.selectors import SEARCH_MAX_LENGTH, ProductFilters, ProductSort

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PRICE_LIMIT = 100_000_000
MAX_BRANDS = 50

LISTING_SORTS = [
    ProductSort.POPULAR,
    ProductSort.PRICE_ASC,
    ProductSort.PRICE_DESC,
    ProductSort.NEWEST,
    ProductSort.NAME,
]


PRICE_ERRORS = {
    "min_price": {
        "invalid": _("Çmimi minimal duhet të jetë numër i plotë lekësh; filtri u hoq."),
        "min_value": _("Çmimi minimal nuk mund të jetë negativ; filtri u hoq."),
        "max_value": _("Çmimi minimal është shumë i madh; filtri u hoq."),
    },
    "max_price": {
        "invalid": _("Çmimi maksimal duhet të jetë numër i plotë lekësh; filtri u hoq."),
        "min_value": _("Çmimi maksimal nuk mund të jetë negativ; filtri u hoq."),
        "max_value": _("Çmimi maksimal është shumë i madh; filtri u hoq."),
    },
}


def _price_field(*, label: StrOrPromise, name: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=PRICE_LIMIT,
        error_messages=PRICE_ERRORS[name],
    )


class ProductFilterForm(forms.Form):
    """The sidebar of a product listing; read from the query string."""

    brand = forms.MultipleChoiceField(
        label=_("Marka"),
        required=False,
        error_messages={
            "invalid_choice": _("Një nga markat e zgjedhura nuk ekziston; filtri i markës u hoq."),
            "invalid_list": _("Filtri i markës nuk është i vlefshëm dhe u hoq."),
        },
    )
    min_price = _price_field(label=_("Çmimi nga (L)"), name="min_price")
    max_price = _price_field(label=_("Çmimi deri (L)"), name="max_price")
    in_stock = forms.BooleanField(label=_("Vetëm produktet në gjendje"), required=False)
    sort = forms.ChoiceField(
        label=_("Rendit sipas"),
        required=False,
        error_messages={
            "invalid_choice": _("Renditja e zgjedhur nuk ekziston; u përdor ajo e zakonshmja.")
        },
    )

    default_sort = ProductSort.POPULAR
    sorts: Sequence[ProductSort] = LISTING_SORTS

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, brand_choices: list[tuple[str, str]]
    ) -> None:
        super().__init__(data)
        brand_field = self.fields["brand"]
        assert isinstance(brand_field, forms.MultipleChoiceField)
        # Called only when a brand is asked for: most requests carry none, and the list
        # of every brand need not be walked for them.
        brand_field.choices = lambda: brand_choices
        sort_field = self.fields["sort"]
        assert isinstance(sort_field, forms.ChoiceField)
        sort_field.choices = [(sort.value, sort.label) for sort in self.sorts]

    def clean_brand(self) -> list[str]:
        brands: list[str] = self.cleaned_data.get("brand") or []
        if len(brands) > MAX_BRANDS:
            raise forms.ValidationError(
                _("Zgjidhni deri në %(count)d marka; filtri i markës u hoq."),
                params={"count": MAX_BRANDS},
            )
        return brands

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_price",
                _("Çmimi maksimal nuk mund të jetë më i vogël se minimali; filtri u hoq."),
            )
        return cleaned

    def filters(self) -> ProductFilters:
        """Return the valid part of the submitted filters; call after is_valid()."""
        data = getattr(self, "cleaned_data", {})
        sort = data.get("sort") or self.default_sort
        return ProductFilters(
            brands=tuple(data.get("brand") or ()),
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            in_stock=bool(data.get("in_stock")),
            sort=ProductSort(sort),
        )

    def error_messages_flat(self) -> list[str]:
        """Return every error as one sentence, for the notice above the results."""
        return [str(message) for errors in self.errors.values() for message in errors]


class ProductSearchForm(ProductFilterForm):
    """The search box plus the listing filters; results default to relevance."""

    q = forms.CharField(
        label=_("Kërko"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "Teksti i kërkimit mund të ketë deri në %(limit_value)d shkronja; "
                "shkurtojeni dhe provoni sërish."
            )
        },
    )

    default_sort = ProductSort.RELEVANCE
    sorts = [ProductSort.RELEVANCE, *LISTING_SORTS]

    def query(self) -> str:
        """Return the valid search text, or "" when there is none."""
        return str(getattr(self, "cleaned_data", {}).get("q") or "")


class SpecificationsField(forms.JSONField):
    """The specifications box: an empty box means no specifications, not JSON null."""

    default_error_messages = {
        "invalid": _(
            "Specifikimet nuk janë JSON i vlefshëm; kontrolloni thonjëzat, presjet dhe "
            'kllapat, p.sh. [{"sq": "Ekrani", "en": "Screen", "value": "55 inç"}].'
        )
    }

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return []
        try:
            return super().to_python(value)
        except RecursionError:
            # Nested deeper than the parser goes: no specification is shaped like that.
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def bound_data(self, data: Any, initial: Any) -> Any:
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return InvalidJSONInput(data)


class ProductAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """The product page of the back office; the model's validators check every value."""

    class Meta:
        model = Product
        fields = [
            "sku",
            "slug",
            "category",
            "brand",
            "is_active",
            "name_sq",
            "description_sq",
            "name_en",
            "description_en",
            "price",
            "stock",
            "popularity",
            "image",
            "specifications",
        ]
        field_classes = {"specifications": SpecificationsField}
