from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.forms.renderers import BaseRenderer
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from catalog.forms import ProductAdminForm
from catalog.models import Brand, Category, Product, ProductPhoto
from catalog.permissions import CatalogPermission
from catalog.photos import (
    MAX_PHOTOS_PER_PRODUCT,
    photo_box,
    photo_src,
    product_photo_add,
    product_photo_change,
    product_photo_delete,
)
from catalog.selectors import STOCK_LOW_AT, products_low_stock, products_low_stock_count
from core.uploads import ACCEPT_ATTRIBUTE, MAX_PIXELS, MAX_UPLOAD_BYTES, CleanImage, image_clean
from staff.admin_base import DashboardPanel, Figure, Figures, Table, TableRow, dashboard_panel_add

PREVIEW_WIDTH = 160
UPLOAD_HELP = _(
    "JPEG, PNG ose WebP, deri në %(megabytes)s MB dhe %(megapixels)s megapiksel. "
    "Të dhënat e fshehura të fotografisë (vendndodhja GPS, aparati, data) hiqen."
)


class LabelledRowForm(forms.ModelForm):  # type: ignore[type-arg]
    """A form shown as a table row, its fields named for screen readers (axe: label).

    The cells of a change list's `list_editable` and of a tabular inline have no <label>,
    only the column heading: each field is named by its column, and by its row once the
    row is saved. Help text moves onto the field as its description (title): a table
    shows it only as a tooltip on the heading, without the id Django's aria-describedby
    would point at.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        row = f": {self.instance}" if self.instance.pk else ""
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label}{row}"
            if field.help_text:
                field.widget.attrs["title"] = str(field.help_text)
                field.help_text = ""


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_sq", "name_en", "parent", "position"]
    list_editable = ["position"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name_sq", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_sq"]}
    autocomplete_fields = ["parent"]
    ordering = ["parent__position", "position", "name_sq"]

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:
        return super().get_changelist_form(request, form=LabelledRowForm, **kwargs)


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class PhotoPreview(forms.Widget):
    """Show a stored photo in place of the file picker: a stored photo is not replaced,
    it is deleted and a new one added."""

    # The formset asks its first form whether to post as multipart: with a stored photo
    # first, the answer must still be yes, or the new rows' files would not be sent.
    needs_multipart_form = True

    def __init__(self, photo: ProductPhoto) -> None:
        super().__init__()
        self.photo = photo

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        width, height = photo_box(self.photo, width=PREVIEW_WIDTH)
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy" decoding="async">',
            photo_src(self.photo, width=PREVIEW_WIDTH),
            width,
            height,
            self.photo.alt_sq,
        )


class ProductPhotoForm(LabelledRowForm):
    """One photo of the product page's inline: a new one is checked by core.uploads."""

    upload = forms.FileField(
        label=_("Fotografia"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    class Meta:
        model = ProductPhoto
        fields = ["upload", "alt_sq", "alt_en", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cleaned_image: CleanImage | None = None
        # Worded here, in the language of the request, not once at import.
        self.fields["upload"].help_text = UPLOAD_HELP % {
            "megabytes": MAX_UPLOAD_BYTES // (1024 * 1024),
            "megapixels": MAX_PIXELS // 1_000_000,
        }
        # Left empty, a photo goes first (0), as the field's default says.
        self.fields["position"].required = False
        if self.instance.pk:
            upload = self.fields["upload"]
            upload.widget = PhotoPreview(self.instance)
            upload.disabled = True
            upload.help_text = ""

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if self.instance.pk:
            return None
        if not upload:
            raise forms.ValidationError(_("Zgjidhni një fotografi."), code="required")
        # Checked and stripped here, before anything is stored: a refusal stores nothing.
        self.cleaned_image = image_clean(upload)
        return upload


class ProductPhotoFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Save the photos through catalog.photos, as every other caller does."""

    actor: Any = None

    def save_new(self, form: forms.ModelForm, commit: bool = True) -> ProductPhoto:  # type: ignore[type-arg]
        assert isinstance(form, ProductPhotoForm) and form.cleaned_image is not None
        data = form.cleaned_data
        return product_photo_add(
            product=self.instance,
            image=form.cleaned_image,
            alt_sq=data["alt_sq"],
            alt_en=data.get("alt_en", ""),
            position=data.get("position") or 0,
            actor=self.actor,
        )

    def save_existing(
        self,
        form: forms.ModelForm,  # type: ignore[type-arg]
        obj: ProductPhoto,
        commit: bool = True,
    ) -> ProductPhoto:
        data = form.cleaned_data
        return product_photo_change(
            photo=obj,
            alt_sq=data["alt_sq"],
            alt_en=data.get("alt_en", ""),
            position=data.get("position") or 0,
            actor=self.actor,
        )

    def delete_existing(self, obj: ProductPhoto, commit: bool = True) -> None:
        if commit:
            product_photo_delete(photo=obj, actor=self.actor)


class ProductPhotoInline(admin.StackedInline):  # type: ignore[type-arg]
    """The product's photos: add several, order them, describe each in both languages.

    Photos are part of the product: whoever may change the product may change them.
    Stacked, so that every field has its own label.
    """

    model = ProductPhoto
    form = ProductPhotoForm
    formset = ProductPhotoFormSet
    fields = ["upload", "alt_sq", "alt_en", "position"]
    extra = 2
    max_num = MAX_PHOTOS_PER_PRODUCT
    validate_max = True
    verbose_name = _("fotografi")
    verbose_name_plural = _("Fotografitë")

    def _may_change_product(self, request: HttpRequest) -> bool:
        return request.user.has_perm(CatalogPermission.CHANGE_PRODUCT)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(CatalogPermission.VIEW_PRODUCT) or self._may_change_product(
            request
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change_product(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change_product(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change_product(request)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductAdminForm
    inlines = [ProductPhotoInline]
    list_display = ["sku", "name_sq", "brand", "category", "price", "stock", "is_active"]
    list_display_links = ["sku", "name_sq"]
    list_editable = ["price", "stock"]
    list_filter = ["category", "brand", "is_active"]
    list_select_related = ["brand", "category"]
    search_fields = ["sku", "name_sq", "name_en", "brand__name"]
    autocomplete_fields = ["brand", "category"]
    prepopulated_fields = {"slug": ["name_en"]}
    readonly_fields = ["created_at", "updated_at"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["sku", "slug", "category", "brand", "is_active"]}),
        (_("Shqip"), {"fields": ["name_sq", "description_sq"]}),
        (_("Anglisht"), {"fields": ["name_en", "description_en"]}),
        (_("Çmimi dhe gjendja"), {"fields": ["price", "stock", "popularity"]}),
        (_("Imazhi dhe specifikimet"), {"fields": ["image", "specifications"]}),
        (_("Historiku"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:
        return super().get_changelist_form(request, form=LabelledRowForm, **kwargs)

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: Any,
        change: bool,
    ) -> None:
        if isinstance(formset, ProductPhotoFormSet):
            formset.actor = request.user
        super().save_formset(request, form, formset, change)

    def view_on_site(self, obj: Product) -> str | None:
        """Link a product on sale to its page; one withdrawn from sale has no page to show."""
        return obj.get_absolute_url() if obj.is_active else None


# Low stock on the back office's landing page (the back-office helper's panel).
LOW_STOCK_LISTED = 8


def _low_stock_parts(request: HttpRequest) -> list[Figures | Table]:
    changelist = reverse("admin:catalog_product_changelist")
    rows = [
        TableRow(
            cells=[product.name_sq, product.sku, str(product.stock)],
            url=reverse("admin:catalog_product_change", args=[product.pk]),
            urgent=product.stock == 0,
        )
        for product in products_low_stock(at_most=STOCK_LOW_AT, limit=LOW_STOCK_LISTED)
    ]
    count = products_low_stock_count(at_most=STOCK_LOW_AT)
    return [
        Figures(
            items=[
                Figure(
                    label=_("Produkte me %(count)d copë ose më pak") % {"count": STOCK_LOW_AT},
                    value=str(count),
                    url=changelist,
                    urgent=bool(count),
                )
            ]
        ),
        Table(
            caption=_("Mbarojnë së pari"),
            headers=[_("Produkti"), _("SKU"), _("Në magazinë")],
            rows=rows,
            empty=_("Asnjë produkt në shitje nuk po mbaron."),
        ),
    ]


dashboard_panel_add(
    DashboardPanel(
        key="catalog-low-stock",
        title=_("Gjendje e ulët në magazinë"),
        permission=CatalogPermission.CHANGE_PRODUCT,
        parts=_low_stock_parts,
        position=30,
    )
)
