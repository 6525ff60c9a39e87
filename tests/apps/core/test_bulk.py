"""The planner's statistics refreshed after bulk writes (PostgreSQL's ANALYZE, SQLite's optimize)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings

from socmap.apps.core.bulk import statistics_refresh
from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.core.models import Organisation


def _estimated_rows() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Organisation._meta.db_table])
        return float(cursor.fetchone()[0])


@pytest.mark.django_db
def test_small_writes_are_left_to_autovacuum_and_large_ones_refresh_the_statistics() -> None:
    build_demo_organisations()
    assert not statistics_refresh(Organisation, changed=999)
    with override_settings(SOCMAP_ANALYSE_AFTER_ROWS=10):
        assert statistics_refresh(Organisation, changed=10)
    if connection.vendor == "postgresql":  # the planner now knows the table's size
        assert _estimated_rows() == Organisation.objects.count()
