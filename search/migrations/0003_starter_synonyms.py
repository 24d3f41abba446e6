"""A starter list of synonyms: the everyday words, Albanian and English, for the
catalogue's shelves. Staff edit them in the back office (Kërkimi › Sinonimet)."""

from django.db import migrations

STARTER = {
    # Phones
    "celular": "telefon, smartfon, smartphone",
    "telefon": "smartfon, smartphone",
    "phone": "smartphone, smartfon, telefon",
    "mobile": "smartphone, smartfon",
    "cellphone": "smartphone, smartfon",
    # Televisions and screens
    "tv": "televizor, television",
    "television": "televizor, tv",
    "ekran": "televizor, monitor",
    # Fridges
    "frigo": "frigorifer",
    "frigider": "frigorifer",
    "fridge": "frigorifer, refrigerator",
    "refrigerator": "frigorifer, fridge",
    "ngrirës": "freezer, frigorifer",
    # Washing machines and dishwashers
    "makinë larëse": "lavatriçe, washing machine",
    "makinë rrobash": "lavatriçe",
    "washer": "lavatriçe, washing machine",
    "lavastovilje": "pjatalarëse, dishwasher",
    "makinë pjatash": "pjatalarëse, dishwasher",
    "dishwasher": "pjatalarëse",
    # Laptops and computers
    "kompjuter": "laptop, computer",
    "computer": "laptop, kompjuter",
    "pc": "laptop, kompjuter",
    "notebook": "laptop",
    "llaptop": "laptop",
    # Air conditioners
    "klimë": "kondicioner, air conditioner",
    "klimatizues": "kondicioner, air conditioner",
    "kondicionier": "kondicioner",
    "ac": "kondicioner, air conditioner",
    "aircon": "kondicioner, air conditioner",
    "air conditioner": "kondicioner",
    # Audio
    "headphones": "kufje, earbuds",
    "earphones": "kufje, earbuds",
    "dëgjuese": "kufje",
    "bokse": "altoparlant, soundbar, speaker",
    "speaker": "altoparlant, soundbar",
    # Watches
    "smartwatch": "orë inteligjente",
    "orë dore": "orë inteligjente, smartwatch",
    "watch": "smartwatch, orë inteligjente",
    # Coffee, kitchen and cooking
    "kafe": "makinë kafeje, espresso, coffee machine",
    "coffee": "makinë kafeje, espresso",
    "kafetierë": "makinë kafeje, espresso",
    "furrë": "sobë, oven",
    "cooker": "sobë",
    "oven": "furrë",
    "mikrovalë": "microwave",
    "microwave": "mikrovalë",
    "air fryer": "fritezë",
    "fritezë": "air fryer",
    # Cleaning and personal care
    "aspirator": "fshesë me korrent, vacuum cleaner",
    "vacuum": "fshesë me korrent",
    "fshesë elektrike": "fshesë me korrent, vacuum cleaner",
    "fen": "tharëse flokësh, hair dryer",
    "hair dryer": "tharëse flokësh",
    "brisk": "makinë rroje, shaver",
    "shaver": "makinë rroje",
}


def add_starter(apps, schema_editor):
    synonym = apps.get_model("search", "Synonym")
    for term, expansions in STARTER.items():
        synonym.objects.get_or_create(term=term, defaults={"expansions": expansions})


def remove_starter(apps, schema_editor):
    apps.get_model("search", "Synonym").objects.filter(term__in=list(STARTER)).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_indexes")]

    operations = [migrations.RunPython(add_starter, remove_starter)]
