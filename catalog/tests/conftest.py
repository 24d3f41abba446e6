from __future__ import annotations

from dataclasses import dataclass

import pytest

from catalog.models import Brand, Category, Product
from catalog.tests.factories import BrandFactory, CategoryFactory, ProductFactory


@dataclass
class Catalogue:
    tv_audio: Category
    televisions: Category
    oled: Category
    appliances: Category
    washers: Category
    samsung: Brand
    lg: Brand
    beko: Brand
    samsung_tv: Product
    lg_oled: Product
    beko_washer: Product
    samsung_washer: Product


@pytest.fixture
def catalogue(db: None) -> Catalogue:
    """Return a small tree: TV & Audio › Televizorë › OLED, and Pajisje › Lavatriçe."""
    tv_audio = CategoryFactory(slug="tv-audio", name_sq="TV & Audio", name_en="TV & Audio")
    televisions = CategoryFactory(
        slug="televizore", name_sq="Televizorë", name_en="Televisions", parent=tv_audio
    )
    oled = CategoryFactory(slug="oled", name_sq="OLED", name_en="OLED", parent=televisions)
    appliances = CategoryFactory(
        slug="pajisje", name_sq="Pajisje shtëpiake", name_en="Home appliances"
    )
    washers = CategoryFactory(
        slug="lavatrice", name_sq="Lavatriçe", name_en="Washing machines", parent=appliances
    )
    samsung = BrandFactory(name="Samsung", slug="samsung")
    lg = BrandFactory(name="LG", slug="lg")
    beko = BrandFactory(name="Beko", slug="beko")
    return Catalogue(
        tv_audio=tv_audio,
        televisions=televisions,
        oled=oled,
        appliances=appliances,
        washers=washers,
        samsung=samsung,
        lg=lg,
        beko=beko,
        samsung_tv=ProductFactory(
            sku="3VF-TV-00101",
            slug="samsung-55-crystal-uhd",
            category=televisions,
            brand=samsung,
            name_sq='Televizor Smart Samsung 55" Crystal UHD 4K UE55CU7172U',
            name_en='Samsung 55" Crystal UHD 4K Smart TV UE55CU7172U',
            price=64_900,
            stock=12,
            popularity=900,
            specifications=[
                {"sq": "Madhësia e ekranit", "en": "Screen size", "value": '55" (140 cm)'},
                {"sq": "Rezolucioni", "en": "Resolution", "value": "3840 × 2160"},
            ],
        ),
        lg_oled=ProductFactory(
            sku="3VF-TV-00102",
            slug="lg-oled-c4",
            category=oled,
            brand=lg,
            name_sq='Televizor Smart LG 65" OLED evo C4',
            name_en='LG 65" OLED evo C4 Smart TV',
            price=219_900,
            stock=2,
            popularity=500,
        ),
        beko_washer=ProductFactory(
            sku="3VF-LAV-00201",
            slug="beko-lavatrice-8kg",
            category=washers,
            brand=beko,
            name_sq="Lavatriçe Beko 8 kg 1200 rpm WUE8612XSW",
            name_en="Beko 8 kg 1200 rpm Washing Machine WUE8612XSW",
            price=36_990,
            stock=0,
            popularity=700,
        ),
        samsung_washer=ProductFactory(
            sku="3VF-LAV-00202",
            slug="samsung-lavatrice-9kg",
            category=washers,
            brand=samsung,
            name_sq="Lavatriçe Samsung 9 kg 1400 rpm WW90T534DAW",
            name_en="Samsung 9 kg 1400 rpm Washing Machine WW90T534DAW",
            price=61_900,
            stock=25,
            popularity=100,
        ),
    )
