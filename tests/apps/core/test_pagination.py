"""Pages of a query and of a list already read give the same figures."""

from __future__ import annotations

import pytest

from socmap.apps.core.models import Organisation
from socmap.apps.core.pagination import MAX_PER_PAGE, paginate


def test_a_list_is_paged_like_a_query() -> None:
    items = list(range(45))
    page = paginate(items, page=3, per_page=20)
    assert (page.items, page.total, page.pages, page.first_index, page.last_index) == (
        list(range(40, 45)),
        45,
        3,
        41,
        45,
    )
    assert paginate(items, page=99, per_page=20).number == 3  # past the end: the last page
    assert paginate([], page=2).items == [] and paginate([], page=2).first_index == 0
    assert paginate(items, per_page=10_000).per_page == MAX_PER_PAGE


@pytest.mark.django_db
def test_a_query_is_counted_and_sliced_in_the_database() -> None:
    for n in range(5):
        Organisation.objects.create(name=f"Org {n}", slug=f"org-{n}", kind="force")
    page = paginate(Organisation.objects.filter(slug__startswith="org-").order_by("slug"), page=2, per_page=2)
    assert [o.slug for o in page.items] == ["org-2", "org-3"] and page.total == 5
