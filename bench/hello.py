"""The yardstick for bench/: the cheapest page Django can serve through our
middleware. Mounted only by bench/urls.py (bench.settings)."""

from django.http import HttpRequest, HttpResponse


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello", content_type="text/plain")
