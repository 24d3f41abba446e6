"""Pages about a person are declared once, by the app that serves them (privacy.pages)."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from catalog.seo import robots_txt
from privacy.pages import PRIVATE_SECTIONS, private_section


def test_p5_a_section_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        private_section("orders", title="Porositë", root="orders:list")


def test_p5_every_declared_page_exists() -> None:
    for section in PRIVATE_SECTIONS.values():
        for name, kwargs in section.unlisted:
            assert reverse(name, kwargs=dict(kwargs))
        try:
            reverse(section.root)
        except NoReverseMatch:
            # The development mail viewer is mounted only where it is switched on.
            assert section.namespace == "mail"


def test_p5_robots_refuses_what_the_apps_declared() -> None:
    refused = {line.removeprefix("Disallow: ") for line in robots_txt().splitlines()}
    for prefix in ("/llogaria/", "/porosite/", "/shporta/", "/zyra/", "/email/konfirmo/"):
        assert prefix in refused
        assert f"/en{prefix}" in refused
