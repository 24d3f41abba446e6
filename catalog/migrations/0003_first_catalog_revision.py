from django.db import migrations


def create_revision(apps, schema_editor):
    apps.get_model("catalog", "CatalogRevision").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_catalog_revision")]
    operations = [migrations.RunPython(create_revision, migrations.RunPython.noop)]
