"""axe-core finds no accessibility violation on the storefront, account and back-office pages.

axe-core is vendored (`make vendor` copies the version package-lock.json pins into
e2e/vendor/), so the test needs no npm. Each page of `e2e.checked_pages` is scanned
in one Chromium, at 1280×800 and at 375×812, with the cookie banner open (a first
visit) and shut (a choice made); the back office shows no banner and is scanned once
per size. The rules are WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best
practices but those `RULES_OFF` names with its reason. Any violation fails the test,
named by rule, impact, element and help.

How axe gets into the page, under our Content-Security-Policy: `page.add_script_tag`
inserts its source as an inline script, which the policy rightly blocks (tried: the
browser refuses it). It is loaded instead with `context.add_init_script`, once per
context, before each page's own scripts; and while it runs its checks axe sets inline
styles, which the policy blocks too. The scan's contexts therefore open with
Playwright's `bypass_csp=True`: the pages still send the policy, only its enforcement
is lifted for the checker. That the pages keep the policy is proved by the other
browser tests, whose contexts enforce it and fail on any violation.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from e2e.checked_pages import Reader, client_for, pages_seed, session_cookies

if TYPE_CHECKING:
    from e2e.conftest import PageOpener

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Best practices (not WCAG) left off, each with its reason.
RULES_OFF = {
    # Django's tabular inline template leaves the header of its row-link and delete
    # columns empty (minor); naming them means copying that whole template.
    "empty-table-header": {"enabled": False},
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}
RUN = """async ([tags, rulesOff]) => {
  const results = await axe.run(document, {
    runOnly: { type: 'tag', values: tags }, rules: rulesOff, resultTypes: ['violations'],
  });
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}"""


def _violations(page: Any, url: str) -> list[str]:
    page.goto(url)
    found = page.evaluate(RUN, [TAGS, RULES_OFF])
    return [
        f"{url} {v['id']} ({v['impact']}): {', '.join(v['targets'][:5])} — {v['help']}"
        for v in found
    ]


@pytest.mark.parametrize("banner", [True, False], ids=["banner-open", "banner-shut"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_pages_have_no_axe_violations(
    open_page: PageOpener, live_server: Any, viewport: str, banner: bool
) -> None:
    # given the shop, and a browser for each reader at this size
    assert AXE.exists(), "axe-core is not vendored: make vendor"
    shop = pages_seed()
    size = VIEWPORTS[viewport]
    pages: dict[Reader, Any] = {}
    for reader in Reader:
        page = open_page(
            viewport=size,
            is_mobile=viewport == "phone",
            has_touch=viewport == "phone",
            bypass_csp=True,
        )
        page.context.add_init_script(path=str(AXE))
        page.context.add_cookies(
            session_cookies(client_for(shop, reader, banner=banner), live_server.url)
        )
        pages[reader] = page
    checked = [page for page in shop.pages if page.in_browser and (banner or page.has_banner)]
    started = time.monotonic()

    # when axe scans every page
    problems = [
        problem
        for checked_page in checked
        for problem in _violations(pages[checked_page.reader], live_server.url + checked_page.path)
    ]

    # then it finds nothing
    assert problems == [], f"{len(problems)} violations:\n" + "\n".join(problems)
    assert time.monotonic() - started < 60, "the scans took too long"
