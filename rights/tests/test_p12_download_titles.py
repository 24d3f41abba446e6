"""The download names each part in the words of the person reading it, not the table's name."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.text import capfirst

from privacy.registry import registry
from rights.export.sections import export_section_titles


def test_p12_every_part_about_a_customer_has_a_plain_title() -> None:
    untitled = [d.label for d in registry.about_customers() if not d.download_title]
    assert untitled == [], "declare(..., download_title=...) for " + ", ".join(untitled)


@pytest.mark.parametrize("language", ["sq", "en"])
def test_p12_download_titles_are_not_the_back_office_table_names(language: str) -> None:
    with translation.override(language):
        table_names = {
            str(capfirst(d.model._meta.verbose_name_plural)) for d in registry.about_customers()
        }
        titles = export_section_titles()
    assert not table_names & set(titles)
    assert len(titles) == len(set(titles)), "two parts of the download share a title"


def test_p12_the_outbox_is_mail_we_sent_you() -> None:
    with translation.override("sq"):
        titles = export_section_titles()
    assert "Email-et që ju kemi dërguar" in titles
    assert "Mesazhet në dalje" not in titles
    assert "Personat e fshirë" not in titles
