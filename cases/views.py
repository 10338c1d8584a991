from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django_countries import countries as all_countries

from cases.charts import case_charts
from cases.filtering import CaseFilters
from cases.models import FILTER_OPTIONS_CACHE_KEY, FILTER_OPTIONS_SECONDS, Case, RetiredCaseAddress, Statistic
from cases.partial_dates import chronological

CASES_PER_PAGE = 24


def filter_options() -> tuple[list[str], set[str]]:
    """The prefectures and family countries of public cases, for the filters.
    From public cases only, so a filter never reveals a draft's hometown.
    Reading them took two scans of every public case per list view (most of
    a search's time; bench/README.md), so they are cached for a short while;
    saving or deleting a case forgets them at once (Case.save)."""
    options = cache.get(FILTER_OPTIONS_CACHE_KEY)
    if options is None:
        public = Case.objects.public().order_by()
        prefectures = public.exclude(hometown_prefecture="").values_list("hometown_prefecture", flat=True)
        countries = public.exclude(family_country="").values_list("family_country", flat=True)
        options = (sorted(prefectures.distinct()), set(countries.distinct()))
        cache.set(FILTER_OPTIONS_CACHE_KEY, options, FILTER_OPTIONS_SECONDS)
    return options


def case_list(request: HttpRequest) -> HttpResponse:
    prefectures, country_codes = filter_options()
    countries = sorted(((code, all_countries.name(code)) for code in country_codes), key=lambda pair: pair[1])
    filters = CaseFilters.from_query(request.GET, prefectures=prefectures, countries=country_codes)
    cases = filters.apply(Case.objects.public()).with_names().with_last_contact().with_portraits().order_by("reference")
    # An exact count: capping it (COUNT over LIMIT) turns PostgreSQL's hash
    # semi-join into a nested loop, 5x slower at 100,000 cases (bench/README.md).
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": filters.querystring(),
        "statuses": Case.Status.choices,
        "ethnicities": Case.Ethnicity.choices,
        "prefectures": prefectures,
        "countries": countries,
    }
    return render(request, "cases/case_list.html", context)


def case_gone(request: HttpRequest) -> HttpResponse:
    """What an old share of a person no longer public leads to: 410 Gone, so
    the link explains itself, on a page that names nobody."""
    return render(request, "cases/case_gone.html", status=410)


def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = Case.objects.public().with_public_details().filter(reference=reference).first()
    if case is None:
        if RetiredCaseAddress.objects.filter(reference=reference).exists():
            return case_gone(request)
        raise Http404
    context = {
        "case": case,
        "relatives": case.related_public_cases(),
        "timeline": chronological(case.events.all()),
        "petitions": case.petitions.published().most_signed().prefetch_related("texts"),
    }
    return render(request, "cases/case_detail.html", context)


def statistics(request: HttpRequest) -> HttpResponse:
    public = Case.objects.public()
    context = {
        "total": public.count(),
        "charts": case_charts(public),
        "figures": Statistic.objects.public().select_related("source"),
    }
    return render(request, "cases/statistics.html", context)
