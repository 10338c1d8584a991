from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django_countries import countries as all_countries

from cases.charts import case_charts
from cases.filtering import CaseFilters
from cases.models import Case, Event, Statistic, Testimony

CASES_PER_PAGE = 24


def case_list(request: HttpRequest) -> HttpResponse:
    public = Case.objects.public().order_by()
    # Options come from public cases only, so a filter never reveals a draft's hometown.
    prefectures = sorted(set(public.exclude(hometown_prefecture="").values_list("hometown_prefecture", flat=True)))
    country_codes = set(public.exclude(family_country="").values_list("family_country", flat=True))
    countries = sorted(((code, all_countries.name(code)) for code in country_codes), key=lambda pair: pair[1])
    filters = CaseFilters.from_query(request.GET, prefectures=prefectures, countries=country_codes)
    cases = filters.apply(Case.objects.public()).with_names().order_by("reference")
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


def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    cases = (
        Case.objects.public()
        .with_names()
        .prefetch_related(
            "sources",
            "texts",
            Prefetch("events", queryset=Event.objects.prefetch_related("sources")),
            Prefetch(
                "testimonies",
                queryset=Testimony.objects.publishable().select_related("source"),
                to_attr="public_testimonies",
            ),
        )
    )
    case = get_object_or_404(cases, reference=reference)
    context = {
        "case": case,
        "relatives": case.related_public_cases(),
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
