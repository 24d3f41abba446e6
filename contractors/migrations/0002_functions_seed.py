"""Seed the three functions and what each sees (P10); the DPO edits the lists afterwards."""

from django.db import migrations

DELIVERY = [
    "accounts.User.first_name",
    "orders.Order.delivery_phone",
    "orders.Order.delivery_municipality",
    "orders.Order.delivery_street",
    "orders.Order.delivery_notes",
    "orders.OrderLine.product_name",
]
# Installation: the same, plus the appliance's model (the line's stock code).
INSTALLATION = [*DELIVERY, "orders.OrderLine.sku"]
REPAIR = INSTALLATION

FUNCTIONS = [
    ("delivery", "dorëzim", "delivery", DELIVERY),
    ("installation", "instalim", "installation", INSTALLATION),
    ("repair", "riparim", "repair", REPAIR),
]


def seed(apps, schema_editor):
    Function = apps.get_model("contractors", "ContractorFunction")
    Allowance = apps.get_model("contractors", "FunctionFieldAllowance")
    for slug, name_sq, name_en, fields in FUNCTIONS:
        function, _created = Function.objects.get_or_create(
            slug=slug, defaults={"name_sq": name_sq, "name_en": name_en}
        )
        for field in fields:
            Allowance.objects.get_or_create(function=function, field=field)


def unseed(apps, schema_editor):
    apps.get_model("contractors", "ContractorFunction").objects.filter(
        slug__in=[slug for slug, *_rest in FUNCTIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("contractors", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
