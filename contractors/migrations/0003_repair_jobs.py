"""A job is for an order or for a repair case (P10); each job names the customer it serves."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def customers_copy(apps, schema_editor):
    """Give the jobs made before repairs their order's customer."""
    Job = apps.get_model("contractors", "Job")
    Order = apps.get_model("orders", "Order")
    Job.objects.update(
        customer_id=models.Subquery(
            Order.objects.filter(pk=models.OuterRef("order_id")).values("customer_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contractors", "0002_functions_seed"),
        ("orders", "0006_purpose_origin"),
        ("support", "0003_conversations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="appliance",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orders.orderline",
                verbose_name="Pajisja",
            ),
        ),
        migrations.AddField(
            model_name="job",
            name="case",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="support.supportcase",
                verbose_name="Rasti i riparimit",
            ),
        ),
        migrations.AddField(
            model_name="job",
            name="customer",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="Klienti",
            ),
        ),
        migrations.RunPython(customers_copy, migrations.RunPython.noop),
    ]
