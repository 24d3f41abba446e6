from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from policy.models import DocumentKind, PolicyVersion

pytestmark = pytest.mark.django_db

SHARED_POLICY = settings.BASE_DIR.parent / "shared" / "policy" / "privatesia-2021-03-01.sq.txt"
SHIPPED_POLICY = Path(settings.BASE_DIR) / "policy" / "texts" / "privacy-v1.sq.txt"


def test_p16_privacy_page_shows_its_date_and_contact(client):
    body = client.get("/privatesia/").content.decode()
    assert "1 Mars 2021" in body
    assert "info@3vfejzo.al" in body
    assert "<h1>Politikat e Privatësisë</h1>" in body
    assert "<h2>COOKIES DHE JAVASCRIPT</h2>" in body
    assert "<h3>PALËT E TRETA</h3>" in body


def test_p1_the_company_text_is_published_unchanged_as_version_1():
    version = PolicyVersion.objects.get(kind=DocumentKind.PRIVACY, version=1, language="sq")
    assert not version.is_translation
    assert str(version.effective_date) == "2021-03-01"
    assert version.body == SHIPPED_POLICY.read_text(encoding="utf-8")
    if SHARED_POLICY.exists():
        assert version.body == SHARED_POLICY.read_text(encoding="utf-8")


def test_every_paragraph_of_the_text_is_on_the_page(client):
    from html import unescape

    from django.utils.html import strip_tags

    page = unescape(strip_tags(client.get("/privatesia/").content.decode()))
    for paragraph in SHIPPED_POLICY.read_text(encoding="utf-8").split("\n"):
        if paragraph.strip():
            assert paragraph.strip() in page


def test_english_rendering_is_marked_as_a_translation(client):
    body = client.get("/en/privatesia/").content.decode()
    assert "Privacy Policy" in body
    assert "translation" in body.lower() or "përkthim" in body.lower()
    assert 'href="/privatesia/"' in body
    assert "1 March 2021" in body


def test_p1_terms_page_links_the_policy(client):
    body = client.get("/kushtet/").content.decode()
    assert "Kushtet e Shërbimit" in body
    assert "Politikat e Privatësisë" in body


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/privatesia/",
        "/kushtet/",
        "/shporta/",
        "/llogaria/hyr/",
        "/produkte/",
        "/nuk-ekziston/",
    ],
)
def test_p15_every_page_footer_links_policy_terms_and_contact(client, path):
    body = client.get(path).content.decode()
    assert 'href="/privatesia/"' in body
    assert 'href="/kushtet/"' in body
    assert "mailto:info@3vfejzo.al" in body
