"""The demo category tree: top-level departments and the shelves under them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoCategory:
    slug: str
    name_sq: str
    name_en: str
    image: str
    parent: str | None = None
    sku_code: str = ""


def _img(name: str) -> str:
    return f"catalog/img/{name}.svg"


CATEGORIES: list[DemoCategory] = [
    DemoCategory("tv-audio", "TV & Audio", "TV & Audio", _img("tv")),
    DemoCategory("televizore", "Televizorë", "Televisions", _img("tv"), "tv-audio", "TV"),
    DemoCategory(
        "soundbar-audio",
        "Soundbar & audio",
        "Soundbars & audio",
        _img("soundbar"),
        "tv-audio",
        "AUD",
    ),
    DemoCategory("kufje", "Kufje", "Headphones", _img("headphones"), "tv-audio", "KUF"),
    DemoCategory("telefona-tablete", "Telefona & tabletë", "Phones & tablets", _img("phone")),
    DemoCategory("smartfone", "Smartfonë", "Smartphones", _img("phone"), "telefona-tablete", "TEL"),
    DemoCategory("tablete", "Tabletë", "Tablets", _img("tablet"), "telefona-tablete", "TAB"),
    DemoCategory(
        "ore-inteligjente",
        "Orë inteligjente",
        "Smartwatches",
        _img("smartwatch"),
        "telefona-tablete",
        "ORE",
    ),
    DemoCategory(
        "laptope-kompjutere", "Laptopë & kompjuterë", "Laptops & computers", _img("laptop")
    ),
    DemoCategory("laptope", "Laptopë", "Laptops", _img("laptop"), "laptope-kompjutere", "LAP"),
    DemoCategory("monitore", "Monitorë", "Monitors", _img("monitor"), "laptope-kompjutere", "MON"),
    DemoCategory(
        "pajisje-te-medha", "Pajisje të mëdha shtëpiake", "Large appliances", _img("fridge")
    ),
    DemoCategory(
        "frigorifere", "Frigoriferë", "Refrigerators", _img("fridge"), "pajisje-te-medha", "FRI"
    ),
    DemoCategory(
        "lavatrice",
        "Lavatriçe",
        "Washing machines",
        _img("washing-machine"),
        "pajisje-te-medha",
        "LAV",
    ),
    DemoCategory(
        "pjatalarese", "Pjatalarëse", "Dishwashers", _img("dishwasher"), "pajisje-te-medha", "PJA"
    ),
    DemoCategory(
        "soba-furra", "Sobë & furra", "Cookers & ovens", _img("oven"), "pajisje-te-medha", "SOB"
    ),
    DemoCategory(
        "kondicionere", "Kondicionerë", "Air conditioners", _img("air-conditioner"), None, "KON"
    ),
    DemoCategory(
        "pajisje-te-vogla", "Pajisje të vogla shtëpiake", "Small appliances", _img("kitchen")
    ),
    DemoCategory(
        "pajisje-kuzhine",
        "Pajisje të vogla kuzhine",
        "Small kitchen appliances",
        _img("kitchen"),
        "pajisje-te-vogla",
        "KUZ",
    ),
    DemoCategory(
        "makina-kafeje",
        "Makina kafeje",
        "Coffee machines",
        _img("coffee"),
        "pajisje-te-vogla",
        "KAF",
    ),
    DemoCategory(
        "fshesa-me-korrent",
        "Fshesa me korrent",
        "Vacuum cleaners",
        _img("vacuum"),
        "pajisje-te-vogla",
        "FSH",
    ),
    DemoCategory(
        "kujdes-personal",
        "Kujdes personal",
        "Personal care",
        _img("hair-dryer"),
        "pajisje-te-vogla",
        "KUJ",
    ),
]

CATEGORY_BY_SLUG = {category.slug: category for category in CATEGORIES}
