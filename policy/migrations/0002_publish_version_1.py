"""Publish the company's policy and terms as version 1, dated 1 Mars 2021.

The Albanian privacy text is the company's own, unchanged; English renderings are
translations, and the Albanian text prevails.
"""

import datetime
from pathlib import Path

from django.db import migrations

TEXTS = Path(__file__).resolve().parent.parent / "texts"
EFFECTIVE = datetime.date(2021, 3, 1)
DOCUMENTS = [
    ("privacy", "sq", "Politikat e Privatësisë", "privacy-v1.sq.txt", False),
    ("privacy", "en", "Privacy Policy", "privacy-v1.en.txt", True),
    ("terms", "sq", "Kushtet e Shërbimit", "terms-v1.sq.txt", False),
    ("terms", "en", "Terms of Service", "terms-v1.en.txt", True),
]


def publish(apps, schema_editor):
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    for kind, language, title, filename, is_translation in DOCUMENTS:
        PolicyVersion.objects.update_or_create(
            kind=kind,
            version=1,
            language=language,
            defaults={
                "title": title,
                "effective_date": EFFECTIVE,
                "body": (TEXTS / filename).read_text(encoding="utf-8"),
                "is_translation": is_translation,
            },
        )


def unpublish(apps, schema_editor):
    apps.get_model("policy", "PolicyVersion").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(publish, unpublish)]
