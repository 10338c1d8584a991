"""The case list's filters, read from a query string that anyone can type."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass

from django.http import QueryDict
from django.utils.http import urlencode

from cases.models import Case, CaseQuerySet
from core.search_query import clean_query


@dataclass(frozen=True, kw_only=True)
class CaseFilters:
    q: str = ""
    status: str = ""
    ethnicity: str = ""
    prefecture: str = ""
    country: str = ""

    @classmethod
    def from_query(cls, params: QueryDict, *, prefectures: Collection[str], countries: Collection[str]) -> CaseFilters:
        """Keep only values we offer; anything else (unknown, overlong, odd
        Unicode) is ignored rather than refused, so a bad link still shows people."""

        def chosen(name: str, allowed: Collection[str]) -> str:
            value = params.get(name, "")
            return value if value in allowed else ""

        return cls(
            q=clean_query(params.get("q")),
            status=chosen("status", Case.Status.values),
            ethnicity=chosen("ethnicity", Case.Ethnicity.values),
            prefecture=chosen("prefecture", prefectures),
            country=chosen("country", countries),
        )

    @property
    def active(self) -> bool:
        return any(asdict(self).values())

    def apply(self, cases: CaseQuerySet) -> CaseQuerySet:
        if self.status:
            cases = cases.filter(status=self.status)
        if self.ethnicity:
            cases = cases.filter(ethnicity=self.ethnicity)
        if self.prefecture:
            cases = cases.filter(hometown_prefecture=self.prefecture)
        if self.country:
            cases = cases.filter(family_country=self.country)
        if self.q:
            cases = cases.search(self.q)
        return cases

    def querystring(self) -> str:
        """The filters for links to other pages of the same list, without `page`."""
        return urlencode({name: value for name, value in asdict(self).items() if value})
