from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.i18n import set_language

from cases.photo_views import public_photo
from cases.sitemaps import CaseSitemap
from config.api import api, openapi_schema
from config.api_docs import open_data
from config.health import health
from core.body_limits import SMALL_FORM, body_limit
from core.cross_origin import cross_origin_protected
from petitions import log_views
from petitions.sitemaps import PetitionSitemap

SITEMAPS = {"petitions": PetitionSitemap, "cases": CaseSitemap}

urlpatterns = [
    # Posted from every page, the cached petition page among them (no token there).
    path("i18n/setlang/", body_limit(SMALL_FORM)(cross_origin_protected(set_language)), name="set_language"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("api/v1/openapi.json", openapi_schema, name="api_schema"),
    path("api/v1/", api.urls),
    # For load balancers; outside the language prefixes, so it never redirects.
    path("health/", health, name="health"),
    # Published photos: one URL for every language, so each is cached once.
    path("photos/<slug:key>/<str:filename>", public_photo, name="public_photo"),
    # Each petition's transparency log, at its origin's address (c2sp.org/tlog-tiles).
    path("petition-logs/<int:pk>/checkpoint", log_views.log_checkpoint, name="log_checkpoint"),
    path("petition-logs/<int:pk>/tile/<path:path>", log_views.log_tile, name="log_tile"),
    path("petition-logs/<int:pk>/cosign", log_views.log_cosign, name="log_cosign"),
]
urlpatterns += i18n_patterns(
    # First: in a surge nearly every request is a petition page.
    path("", include("petitions.urls")),
    path("cases/", include("cases.urls")),
    path("open-data/", open_data, name="open_data"),
    path("accounts/", include("accounts.urls")),
    path("organisers/invitations/", include("accounts.invitation_urls")),
    path("organisers/", include("organisers.urls")),
    path("admin/", admin.site.urls),
)

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
