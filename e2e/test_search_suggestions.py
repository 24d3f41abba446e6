"""Suggestions under the search box as one types, usable by keyboard; the plain form
still works without JavaScript."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

if TYPE_CHECKING:
    from e2e.conftest import Catalogue, PageOpener

pytestmark = pytest.mark.browser


def test_suggestions_appear_as_one_types_and_open_by_keyboard(
    live_server: Any, catalogue: Catalogue, open_page: PageOpener
) -> None:
    page = open_page()
    page.goto(live_server.url + "/")
    box = page.get_by_role("combobox", name="Kërko produkte")
    # when: a shopper types part of a word, with the marks left out
    box.press_sequentially("galax", delay=30)
    # then: the list opens under the box with the matching products
    listbox = page.get_by_role("listbox")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option", name=re.compile("Galaxy S24"))).to_be_visible()
    expect(listbox.get_by_role("option", name=re.compile("Televizor"))).to_have_count(0)
    # when: they choose one with the arrow keys and Enter
    for _ in range(listbox.get_by_role("option").count()):
        box.press("ArrowDown")
        chosen = box.get_attribute("aria-activedescendant") or ""
        if "S24" in (page.locator(f"#{chosen}").text_content() or ""):
            break
    box.press("Enter")
    # then: that product's page opens
    expect(page).to_have_url(re.compile(r"/produkt/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Galaxy S24")
    # and: Escape closes an open list
    box = page.get_by_role("combobox", name="Kërko produkte")
    box.fill("")
    box.press_sequentially("sams", delay=30)
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")


def test_without_javascript_the_form_searches_and_keeps_the_query(
    live_server: Any, catalogue: Catalogue, open_page: PageOpener
) -> None:
    page = open_page(java_script_enabled=False)
    page.goto(live_server.url + "/")
    box = page.get_by_role("searchbox", name="Kërko produkte")
    box.fill("samsnug")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/kerko/\?q=samsnug"))
    expect(page.get_by_role("link", name="samsung", exact=True)).to_be_visible()  # "A mos kërkonit"
    expect(page.get_by_role("searchbox", name="Kërko produkte")).to_have_value("samsnug")
