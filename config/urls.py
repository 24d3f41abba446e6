from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

admin.site.site_header = "3VFejzo — zyra"
admin.site.site_title = "3VFejzo"
admin.site.index_title = "Administrimi"

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("_dev/mail/", include("mail.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("core.urls")),
    path("", include("policy.urls")),
    path("", include("catalog.urls")),
    path("", include("privacy.urls")),
    path("", include("consent.urls")),
    path("llogaria/", include("accounts.urls")),
    path("shporta/", include("cart.urls")),
    path("porosite/", include("orders.urls")),
    path("zyra/", admin.site.urls),
    prefix_default_language=False,
)

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
