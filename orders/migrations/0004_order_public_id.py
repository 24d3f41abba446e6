import secrets

from django.db import migrations, models

import orders.models


def give_each_order_a_token(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    for order in Order.objects.filter(public_id__isnull=True).only("pk"):
        order.public_id = secrets.token_urlsafe(16)
        order.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_field_labels")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="public_id",
            field=models.CharField(editable=False, max_length=22, null=True),
        ),
        migrations.RunPython(give_each_order_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="order",
            name="public_id",
            field=models.CharField(
                default=orders.models.new_public_id, editable=False, max_length=22, unique=True
            ),
        ),
    ]
