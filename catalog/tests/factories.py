from __future__ import annotations

import factory
from django.utils.text import slugify

from catalog.models import Brand, Category, Product


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"kategoria-{n}")
    name_sq = factory.Sequence(lambda n: f"Kategoria {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    position = factory.Sequence(lambda n: n)
    image = "catalog/img/placeholder.svg"


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Marka {n}")
    slug = factory.LazyAttribute(lambda brand: slugify(brand.name))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"3VF-TST-{n:05d}")
    slug = factory.Sequence(lambda n: f"produkt-prove-{n}")
    category = factory.SubFactory(CategoryFactory)
    brand = factory.SubFactory(BrandFactory)
    name_sq = factory.Sequence(lambda n: f"Produkt prove {n}")
    name_en = factory.Sequence(lambda n: f"Test product {n}")
    description_sq = "Përshkrim i shkurtër i produktit."
    description_en = "A short product description."
    specifications = factory.LazyFunction(
        lambda: [{"sq": "Klasa energjetike", "en": "Energy class", "value": "A"}]
    )
    price = 49_990
    stock = 10
    image = "catalog/img/placeholder.svg"
    is_active = True
    popularity = factory.Sequence(lambda n: n)
