"""Event rows name who acted by role, never by name (issue 13).

Rows written before named a staff member by their full name. Each becomes the staff
member's roles (as the groups hold them now), or "staff" when they have none or their
account is gone; rows with no label stay as they are.
"""

from django.db import migrations

ROLES = ["customer_care", "sales", "marketing", "dpo", "administrator"]


def labels_name_roles(apps, schema_editor):
    SubscriptionEvent = apps.get_model("subscriptions", "SubscriptionEvent")
    User = apps.get_model("accounts", "User")
    named = SubscriptionEvent.objects.exclude(actor_label__in=["", "system", "customer"])
    for actor_id in named.values_list("actor_id", flat=True).distinct():
        user = User.objects.filter(pk=actor_id).first() if actor_id else None
        roles = []
        if user is not None:
            roles = sorted(set(user.groups.values_list("name", flat=True)) & set(ROLES))
            if not roles and user.is_superuser:
                roles = ["administrator"]
        label = ",".join(roles) or "staff"
        named.filter(actor_id=actor_id).update(actor_label=label)


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0004_labels"),
        ("accounts", "0006_throttle_counter"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(labels_name_roles, migrations.RunPython.noop)]
