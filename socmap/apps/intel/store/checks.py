"""The foreign keys the bulk tables keep without constraints (see models.py), counted."""

from __future__ import annotations

from django.db import connection

ORPHANS = {
    "entity without its record": (
        "intel_recordentity c LEFT JOIN intel_record p ON p.id = c.record_id WHERE p.id IS NULL"
    ),
    "statement without its record": (
        "intel_statement c LEFT JOIN intel_record p ON p.id = c.record_id WHERE p.id IS NULL"
    ),
    "statement without its entity, or of another record's entity": (
        "intel_statement c LEFT JOIN intel_recordentity p ON p.id = c.entity_id "
        "WHERE p.id IS NULL OR p.record_id <> c.record_id"
    ),
    "statement without its batch": (
        "intel_statement c LEFT JOIN intel_batch p ON p.id = c.batch_id WHERE p.id IS NULL"
    ),
    "link without its record": (
        "intel_recordlink c LEFT JOIN intel_record p ON p.id = c.record_id WHERE p.id IS NULL"
    ),
    "link without one of its entities": (
        "intel_recordlink c LEFT JOIN intel_recordentity s ON s.id = c.source_entity_id "
        "LEFT JOIN intel_recordentity t ON t.id = c.target_entity_id WHERE s.id IS NULL OR t.id IS NULL"
    ),
    "record without its batch": (
        "intel_record c LEFT JOIN intel_batch p ON p.id = c.batch_id "
        "LEFT JOIN intel_batch q ON q.id = c.last_batch_id WHERE p.id IS NULL OR q.id IS NULL"
    ),
    **{
        f"{table[6:]} without its {what}": (
            f"{table} c LEFT JOIN {parent} p ON p.id = c.{column} "
            f"WHERE c.{column} IS NOT NULL AND p.id IS NULL"
        )
        for table in ("intel_record", "intel_recordentity", "intel_statement", "intel_recordlink")
        for what, parent, column in (
            ("owner", "core_organisation", "owner_id"),
            ("compartment", "core_compartment", "compartment_id"),
        )
    },
}


def orphans() -> dict[str, int]:
    """Rows of the bulk tables whose parent is missing, by kind: empty when all is well.

    A full scan of each table: for tests and occasional checks, not for the hot path.
    """
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for kind, query in ORPHANS.items():
            cursor.execute(f"SELECT COUNT(*) FROM {query}")  # noqa: S608 - our own fixed queries  # nosec B608
            (count,) = cursor.fetchone()
            if count:
                found[kind] = int(count)
    return found
