"""Pagination that never counts more rows than a person would page through.

An exact COUNT(*) over a million signatures is a full scan on every page
view; past a few thousand, "more than 10,000" tells an organiser as much.
"""

from functools import cached_property
from typing import cast

from django.core.paginator import Paginator
from django.db.models import QuerySet


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows; `capped` says whether there are more.
    Pages beyond the cap are not reachable: narrow the filter instead."""

    def __init__(self, object_list, per_page, *, cap: int, counted: int | None = None, **kwargs):
        """`counted`: the rows already counted (up to cap + 1) by whoever
        made `object_list`, so they are not counted again."""
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.counted = counted

    @cached_property
    def _capped_count(self) -> int:
        if self.counted is not None:
            return min(self.counted, self.cap + 1)
        # SELECT COUNT(*) FROM (... LIMIT cap + 1): stops scanning at the cap.
        # Unordered: an ORDER BY would make the database walk rows in order.
        # Only ever given querysets; the stubs type object_list as any sequence.
        return cast(QuerySet, self.object_list).order_by()[: self.cap + 1].count()

    @cached_property
    def capped(self) -> bool:
        return self._capped_count > self.cap

    @cached_property
    def count(self) -> int:
        return min(self._capped_count, self.cap)
