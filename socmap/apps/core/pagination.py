"""Every list is paginated in the selector; nothing unbounded reaches a template or an API response."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet

T = TypeVar("T")
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first_index(self) -> int:
        return 0 if self.total == 0 else (self.number - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.number * self.per_page)


def paginate(queryset: QuerySet[Any] | Sequence[T], *, page: int = 1, per_page: int = 50) -> Page[Any]:
    """One page of a query (counted in the database) or of a list already read."""
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    total = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    last = max(1, -(-total // per_page))
    number = max(1, min(int(page), last))
    start = (number - 1) * per_page
    return Page(items=list(queryset[start : start + per_page]), number=number, per_page=per_page, total=total)
