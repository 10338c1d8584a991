"""The site's URLs plus the bare views the benchmark figures are divided by:
the hello yardstick and the signing floor (bench/floor.py), which confirms
any pending signature by id without a check. Served only under
bench.settings."""

from django.urls import path

from bench import floor
from bench.hello import hello
from config import urls as site

urlpatterns = [
    path("_bench/hello/", hello),
    path("_bench/floor/<slug:slug>/sign/", floor.insert),
    path("_bench/floor/confirm/<int:pk>/", floor.confirm),
    *site.urlpatterns,
]

handler400 = site.handler400
handler403 = site.handler403
handler404 = site.handler404
handler500 = site.handler500
