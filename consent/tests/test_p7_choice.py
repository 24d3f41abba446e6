"""P7: the choice works without JavaScript, every decision is proven, and it is asked again."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from consent.cookies import CONSENT_COOKIE, RECENTLY_VIEWED_COOKIE
from consent.models import ConsentDecision, DecisionAction, DecisionChannel
from consent.signals import consent_decided
from consent.state import ConsentState, consent_from_request, current_policy_version
from privacy.models import AccessAction, AccessEntry
from privacy.roles import Role
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

DECIDE = reverse("consent:decide")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156"


def _choose(client, choice, **toggles):  # type: ignore[no-untyped-def]
    data = {"choice": choice, "next": "/kerko/?q=tv", **{k: "on" for k, v in toggles.items() if v}}
    return client.post(DECIDE, data, HTTP_USER_AGENT=BROWSER)


def _state(client) -> ConsentState:  # type: ignore[no-untyped-def]
    state = ConsentState.from_cookie(client.cookies[CONSENT_COOKIE].value)
    assert state is not None
    return state


def test_p7_first_visit_shows_the_banner_with_three_equal_choices_and_nothing_ticked(client):
    html = client.get("/").content.decode()
    banner = html[html.index('id="consent-banner"') :]
    assert "hidden" not in banner[: banner.index(">")]
    for label in ("Prano të gjitha", "Refuzo të gjitha", "Zgjidh"):
        assert label in banner
    assert banner.count('class="button consent-button"') == 4  # three choices + save
    assert " checked" not in banner.replace("checked disabled", "")
    assert reverse("policy:privacy") in banner and reverse("consent:cookies") in banner
    assert CONSENT_COOKIE not in client.cookies


@pytest.mark.parametrize(
    ("choice", "toggles", "expected"),
    [
        ("accept_all", {}, (True, True)),
        ("reject_all", {"analytics": True}, (False, False)),
        ("save", {"personalisation": True}, (False, True)),
        ("save", {}, (False, False)),
    ],
)
def test_p7_without_javascript_a_plain_post_records_the_choice(client, choice, toggles, expected):
    response = _choose(client, choice, **toggles)
    assert response.status_code == 302 and response["Location"] == "/kerko/?q=tv"
    state = _state(client)
    assert (state.analytics, state.personalisation) == expected
    decision = ConsentDecision.objects.get()
    assert (decision.analytics, decision.personalisation) == expected
    assert decision.channel == DecisionChannel.FORM
    assert decision.banner_revision == 1 and decision.policy_version == current_policy_version()
    assert decision.consent_id == state.consent_id
    assert decision.user_agent_hash and BROWSER not in decision.user_agent_hash
    # the banner is gone from the next page
    html = client.get("/").content.decode()
    tag = html[html.index('id="consent-banner"') :]
    assert " hidden" in tag[: tag.index(">")]


def test_p7_changing_the_choice_keeps_one_consent_id_and_appends_to_the_ledger(client):
    _choose(client, "accept_all")
    first = _state(client)
    response = _choose(client, "save", analytics=False, personalisation=False)
    second = _state(client)
    assert second.consent_id == first.consent_id
    assert not second.analytics and not second.personalisation
    actions = list(ConsentDecision.objects.order_by("id").values_list("action", flat=True))
    assert actions == [DecisionAction.ACCEPT_ALL, DecisionAction.CHOOSE]
    # withdrawing deletes what was refused
    assert response.cookies[RECENTLY_VIEWED_COOKIE]["max-age"] == 0


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_p7_the_choice_is_announced_with_the_state_and_the_response(client, accept):
    # given
    sent = []

    def listen(sender, **kwargs):  # type: ignore[no-untyped-def]
        sent.append(kwargs)

    consent_decided.connect(listen)
    try:
        # when
        response = client.post(
            DECIDE, {"choice": "save", "analytics": "on", "next": "/"}, HTTP_ACCEPT=accept
        )
        client.post(DECIDE, {"choice": "nonsense"}, HTTP_ACCEPT=accept)
    finally:
        consent_decided.disconnect(listen)
    # then: once, for the choice understood, so the apps may remove what was refused
    assert len(sent) == 1
    assert sent[0]["state"].consent_id == _state(client).consent_id
    assert sent[0]["state"].analytics and not sent[0]["state"].personalisation
    assert sent[0]["response"] is response and sent[0]["request"].method == "POST"


def test_p7_withdrawing_analytics_deletes_the_ga_cookies(client):
    client.cookies["_ga"] = "GA1.1.1.1"
    client.cookies["_ga_TEST000000"] = "GS1.1.1"
    response = _choose(client, "reject_all")
    for name in ("_ga", "_ga_TEST000000"):
        assert response.cookies[name]["max-age"] == 0


def test_p7_the_javascript_path_answers_json_without_redirect(client):
    response = client.post(
        DECIDE, {"choice": "accept_all"}, HTTP_ACCEPT="application/json", HTTP_USER_AGENT=BROWSER
    )
    assert response.status_code == 200
    assert response.json() == {"analytics": True, "personalisation": True}
    assert ConsentDecision.objects.get().channel == DecisionChannel.BANNER


def test_p7_a_foreign_next_address_is_not_followed(client):
    response = client.post(DECIDE, {"choice": "reject_all", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_p7_bad_input_changes_nothing(client):
    response = client.post(DECIDE, {"choice": "all-the-things"})
    assert response.status_code == 302
    assert not ConsentDecision.objects.exists()
    assert CONSENT_COOKIE not in client.cookies or not client.cookies[CONSENT_COOKIE].value


def test_p7_a_forged_cookie_counts_as_no_choice(client, rf):
    request = rf.get("/")
    request.COOKIES[CONSENT_COOKIE] = "eyJpZCI6ICJ4IiwgImEiOiAxfQ:forged"
    assert consent_from_request(request) is None


def test_p7_a_new_banner_revision_asks_again_and_says_what_changed(client, settings):
    _choose(client, "accept_all")
    settings.CONSENT_BANNER_REVISION = 2
    settings.CONSENT_REVISION_NOTE = "Shtuam cookies për personalizimin."
    html = client.get("/").content.decode()
    tag = html[html.index('id="consent-banner"') :]
    assert " hidden" not in tag[: tag.index(">")]
    assert "Shtuam cookies për personalizimin." in html
    # and until answered, the old consent no longer counts
    settings.GA_MEASUREMENT_ID = "G-TEST000000"
    html = client.get("/").content.decode()
    assert 'data-granted="false"' in html and 'data-granted="true"' not in html
    _choose(client, "reject_all")
    assert ConsentDecision.objects.order_by("-id").first().banner_revision == 2


def test_p7_a_new_policy_version_asks_again(client, monkeypatch):
    _choose(client, "accept_all")
    monkeypatch.setattr("consent.state.current_policy_version", lambda: 2)
    html = client.get("/").content.decode()
    tag = html[html.index('id="consent-banner"') :]
    assert " hidden" not in tag[: tag.index(">")]


def test_p7_a_consent_older_than_the_limit_asks_again(client, settings):
    state = ConsentState(
        consent_id="old",
        analytics=True,
        personalisation=True,
        revision=1,
        policy_version=current_policy_version(),
        decided_at=timezone.now() - timezone.timedelta(days=400),
    )
    client.cookies[CONSENT_COOKIE] = state.to_cookie()
    html = client.get("/").content.decode()
    tag = html[html.index('id="consent-banner"') :]
    assert " hidden" not in tag[: tag.index(">")]
    settings.CONSENT_MAX_AGE_DAYS = 500
    html = client.get("/").content.decode()
    tag = html[html.index('id="consent-banner"') :]
    assert " hidden" in tag[: tag.index(">")]


def test_p7_signing_in_links_the_visitors_consent_to_the_account(client):
    _choose(client, "save", analytics=True)
    customer = UserFactory()
    response = client.post(
        reverse("accounts:login"),
        {"username": customer.email, "password": "fjalekalim-i-sigurt-42"},
        HTTP_USER_AGENT=BROWSER,
    )
    assert response.status_code == 302
    link = ConsentDecision.objects.get(action=DecisionAction.LINK_ACCOUNT)
    assert link.user == customer and link.consent_id == _state(client).consent_id
    assert link.analytics and not link.personalisation


def test_p7_the_cookie_page_lists_the_registry_and_offers_the_choice(client):
    from consent.cookies import COOKIES

    html = client.get(reverse("consent:cookies")).content.decode()
    for spec in COOKIES:
        assert f"<code>{spec.name}</code>" in html
    assert "Të domosdoshme" in html and "Analitike" in html and "Personalizim" in html
    assert "Reklam" not in html.split("cookie-category")[1]
    assert 'value="accept_all"' in html and 'value="reject_all"' in html
    english = client.get("/en" + reverse("consent:cookies")).content.decode()
    assert "Necessary" in english


def test_p7_the_footer_links_the_cookie_page_and_settings_on_every_page(client):
    html = client.get("/").content.decode()
    assert "Cilësimet e cookies" in html and f"{reverse('consent:cookies')}#cilesimet" in html


def test_p7_the_dpo_searches_and_exports_the_ledger_and_the_export_is_recorded(client):
    _choose(client, "accept_all")
    consent_id = _state(client).consent_id
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    client.force_login(dpo)
    changelist = reverse("admin:consent_consentdecision_changelist")
    html = client.get(changelist + f"?q={consent_id}").content.decode()
    assert consent_id in html
    decision = ConsentDecision.objects.get(consent_id=consent_id)
    response = client.post(changelist, {"action": "export_csv", "_selected_action": [decision.pk]})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][1] == "consent_id" and rows[1][1] == consent_id
    assert AccessEntry.objects.filter(action=AccessAction.EXPORT, actor=dpo).exists()


def test_p7_sales_cannot_read_the_ledger(client):
    client.force_login(StaffFactory(role=Role.SALES))
    response = client.get(reverse("admin:consent_consentdecision_changelist"))
    assert response.status_code == 403


def test_p7_turning_google_analytics_on_asks_again_who_agreed_to_anonymous_statistics(
    client, settings
):
    _choose(client, "accept_all")
    settings.GA_MEASUREMENT_ID = "G-TEST000000"
    html = client.get("/").content.decode()
    assert 'data-granted="false"' in html
    tag = html[html.index('id="consent-banner"') :]
    assert " hidden" not in tag[: tag.index(">")]
    _choose(client, "accept_all")
    assert ConsentDecision.objects.order_by("-id").first().google_analytics
    assert 'data-granted="true"' in client.get("/").content.decode()


def test_p7_a_newly_published_policy_version_asks_again_at_once(client):
    from policy.models import DocumentKind, PolicyVersion

    _choose(client, "accept_all")
    client.get("/")  # the version in force is now cached
    current = PolicyVersion.objects.filter(kind=DocumentKind.PRIVACY, language="sq").latest(
        "version"
    )
    PolicyVersion.objects.create(
        kind=DocumentKind.PRIVACY,
        version=current.version + 1,
        language="sq",
        effective_date=current.effective_date,
        body=current.body + "\nNdryshim.",
    )
    html = client.get("/").content.decode()
    tag = html[html.index('id="consent-banner"') :]
    assert " hidden" not in tag[: tag.index(">")]
    _choose(client, "reject_all")
    assert ConsentDecision.objects.order_by("-id").first().policy_version == current.version + 1


def test_p7_google_cookies_are_deleted_on_the_domain_google_sets_them_on(client):
    from consent.views import analytics_cookie_domain

    assert analytics_cookie_domain("www.3vfejzo.al") == ".3vfejzo.al"
    assert analytics_cookie_domain("3vfejzo.al:443") == ".3vfejzo.al"
    assert analytics_cookie_domain("127.0.0.1:8000") is None
    assert analytics_cookie_domain("localhost") is None
    client.cookies["_ga"] = "GA1.1.1.1"
    response = client.post(DECIDE, {"choice": "reject_all"}, HTTP_HOST="www.3vfejzo.al")
    assert response.cookies["_ga"]["domain"] == ".3vfejzo.al"


def test_p7_the_cookie_page_does_not_tick_a_choice_that_must_be_asked_again(client, settings):
    _choose(client, "accept_all")
    page = client.get(reverse("consent:cookies")).content.decode()
    settings_form = page[page.index('id="cilesimet"') : page.index("cookie-category")]
    assert settings_form.count(" checked>") == 2
    settings.CONSENT_BANNER_REVISION = 2
    page = client.get(reverse("consent:cookies")).content.decode()
    settings_form = page[page.index('id="cilesimet"') :]
    assert " checked>" not in settings_form


def test_p7_a_stale_choice_is_not_linked_to_the_account_at_sign_in(client, settings):
    _choose(client, "accept_all")
    settings.CONSENT_BANNER_REVISION = 2
    customer = UserFactory()
    client.post(
        reverse("accounts:login"),
        {"username": customer.email, "password": "fjalekalim-i-sigurt-42"},
    )
    assert not ConsentDecision.objects.filter(action=DecisionAction.LINK_ACCOUNT).exists()


def test_p7_a_long_return_address_does_not_lose_the_choice(client):
    response = client.post(DECIDE, {"choice": "reject_all", "next": "/?" + "u" * 3000})
    assert response["Location"] == "/"
    assert ConsentDecision.objects.count() == 1


def test_p7_the_choice_is_protected_from_other_sites():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(DECIDE, {"choice": "accept_all"})
    assert response.status_code == 403
    assert not ConsentDecision.objects.exists()


def test_p7_the_shared_banner_brings_each_page_back_to_itself(client):
    """The header (with the banner) is stored once; the address to return to is not."""
    pages = ["/produkte/", "/kerko/?q=frigorifer&sort=price", "/kerko/?q=%3Cb%3E"]
    for address in pages:
        html = client.get(address).content.decode()
        expected = address.replace("&", "&amp;")
        assert (
            f'<input type="hidden" name="next" value="{expected}" form="consent-banner-form">'
            in html
        ), address
        assert 'id="consent-banner-form"' in html
        banner = html[html.index('id="consent-banner"') : html.index("</section>")]
        assert 'name="next"' not in banner
