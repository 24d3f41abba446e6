"""Browser journeys through the real storefront: acceptance tests, not unit tests.

Each test drives headless Chromium (Debian's ``/usr/bin/chromium``, through the
Playwright sync API) against pytest-django's live server, delivers mail through
the outbox task worker to a real SMTP server (aiosmtpd) started inside the test,
and reads the messages that arrive there.

Run them with::

    .venv/bin/pytest e2e -q -p no:cacheprovider

or leave them out of a quick run with ``-m "not browser"``. Without Chromium
they are skipped locally (``apt-get install chromium``) and fail when ``CI=true``.
Never run ``playwright install``: the tests use the system browser.
"""
