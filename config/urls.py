from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("petitions.urls")),
)

if settings.PLEA_BENCH:
    from config.bench_views import hello

    urlpatterns.insert(0, path("_bench/hello/", hello))

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
