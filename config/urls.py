from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import URLPattern, URLResolver, include, path, re_path

from core.access_matrix import Outcome, audience, everyone
from core.media import media_serve
from staff.admin_audience import admin_audience
from support.webhooks import InboundMailView

admin.site.site_header = "3VFejzo — zyra"
admin.site.site_title = "3VFejzo"
admin.site.index_title = "Administrimi"


def _moved_to_rights(request: HttpRequest, rest: str) -> HttpResponsePermanentRedirect:
    """The rights models moved from the privacy app: links in mails already sent still work,
    in the language they were sent in."""
    moved = request.get_full_path().replace("/zyra/privacy/", "/zyra/rights/", 1)
    return HttpResponsePermanentRedirect(moved)


urlpatterns: list[URLPattern | URLResolver] = [
    path("_dev/mail/", include("mail.urls")),
    # robots.txt and sitemap.xml, at the root whatever the language.
    path("", include("catalog.seo_urls")),
    # The contractors' JSON API (P10): one stable address, whatever the language.
    path("api/kontraktoret/v1/", include("contractor_api.urls")),
    # /_health/ and /_metrics/ for the load balancer and the monitor (ops).
    path("", include("ops.urls")),
]

if settings.FEJZO_SERVE_MEDIA:
    # Product photos from the default storage (core.media); a web server may take over.
    # The authorisation matrix asks for a customer's support photo here, which shares the
    # storage: nobody gets it (core.media serves only the public folders).
    urlpatterns.append(
        audience(
            path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", media_serve),
            everyone(Outcome.NOT_FOUND),
        )
    )

# Mail to info@ from Mailgun's inbound route, signed (support.webhooks).
urlpatterns.append(
    audience(
        path("ndihma/email/mailgun/", InboundMailView.as_view(), name="support_inbound_mailgun"),
        everyone(Outcome.METHOD_NOT_ALLOWED),
    )
)

if settings.ANYMAIL_ESP:
    # Provider webhooks: bounces and complaints suppress marketing (mail.receivers).
    urlpatterns.append(
        audience(path("anymail/", include("anymail.urls")), everyone(Outcome.METHOD_NOT_ALLOWED))
    )

urlpatterns += i18n_patterns(
    path("", include("policy.urls")),
    path("", include("catalog.urls")),
    path("", include("search.urls")),
    path("", include("rights.urls")),
    path("", include("legal.urls")),
    path("", include("consent.urls")),
    path("", include("subscriptions.urls")),
    path("llogaria/ndihma/", include("support.urls")),
    path("kontakt/", include("support.contact_urls")),
    path("llogaria/", include("accounts.urls")),
    path("shporta/", include("cart.urls")),
    path("porosite/", include("orders.urls")),
    path("kontraktoret/", include("contractors.urls")),
    audience(
        re_path(
            r"^zyra/privacy/(?P<rest>(erasurerequest|erasureevent|legalhold|dataexport)/.*)$",
            _moved_to_rights,
        ),
        everyone(Outcome.REDIRECT),
    ),
    # Every back-office page, by one rule beside the admin site (staff.admin_audience).
    audience(path("zyra/", admin.site.urls), admin_audience),
    prefix_default_language=False,
)

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
