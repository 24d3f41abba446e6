"""P10: the jobs made before repair jobs keep their order and get its customer, on SQLite
and on PostgreSQL (where the table changes only after the customers are written)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from contractors.models import Job
from contractors.tests.factories import CompanyFactory
from core.testing import migrate_to, migrate_to_latest
from orders.models import Order

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("contractors", "0002_functions_seed")]
AFTER = [("contractors", "0004_job_customer_required")]


def test_p10_the_jobs_made_before_repairs_get_their_orders_customer(order: Order) -> None:
    company = CompanyFactory()
    old = migrate_to(BEFORE)
    now = timezone.now()
    # A test that empties the database before this one takes the seeded functions too.
    functions: Any = old.get_model("contractors", "ContractorFunction").objects
    function, _ = functions.get_or_create(
        slug="delivery", defaults={"name_sq": "dorëzim", "name_en": "delivery"}
    )
    job = old.get_model("contractors", "Job").objects.create(
        company_id=company.pk,
        function_id=function.pk,
        order_id=order.pk,
        window_start=now,
        window_end=now + timedelta(hours=2),
    )
    try:
        migrate_to(AFTER)
        migrated = Job.objects.get(pk=job.pk)
        assert (migrated.order_id, migrated.customer_id) == (order.pk, order.customer_id)
        assert migrated.case_id is None and migrated.appliance_id is None
    finally:
        migrate_to_latest()
