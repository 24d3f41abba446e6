from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog.forms import ProductAdminForm
from catalog.models import Brand, Category, Product


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


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductAdminForm
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

    def view_on_site(self, obj: Product) -> str | None:
        """Link a product on sale to its page; one withdrawn from sale has no page to show."""
        return obj.get_absolute_url() if obj.is_active else None
