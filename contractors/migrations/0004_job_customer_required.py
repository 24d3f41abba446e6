"""Every job names its customer, and is for an order or a repair case, never both (P10).

Apart from 0003, so that PostgreSQL changes the table after the jobs' customers are
written and committed, not in the transaction that wrote them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("contractors", "0003_repair_jobs")]

    operations = [
        migrations.AlterField(
            model_name="job",
            name="customer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="Klienti",
            ),
        ),
        migrations.AlterField(
            model_name="job",
            name="order",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orders.order",
                verbose_name="Porosia",
            ),
        ),
        migrations.AddConstraint(
            model_name="job",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("appliance__isnull", True),
                        ("case__isnull", True),
                        ("order__isnull", False),
                    ),
                    models.Q(("case__isnull", False), ("order__isnull", True)),
                    _connector="OR",
                ),
                name="job_for_an_order_or_a_case",
                violation_error_message="Zgjidhni ose një porosi, ose një rast riparimi: njërën.",
            ),
        ),
    ]
