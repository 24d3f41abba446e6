"""Seed the three functions and what each sees (P10); the DPO edits the lists afterwards."""

from django.db import migrations

from contractors.defaults import FUNCTIONS, default_functions_ensure



def seed(apps, schema_editor):
    default_functions_ensure(
        apps.get_model("contractors", "ContractorFunction"),
        apps.get_model("contractors", "FunctionFieldAllowance"),
    )


def unseed(apps, schema_editor):
    apps.get_model("contractors", "ContractorFunction").objects.filter(
        slug__in=[slug for slug, *_rest in FUNCTIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("contractors", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
