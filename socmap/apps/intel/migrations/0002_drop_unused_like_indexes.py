"""Drop the LIKE (varchar_pattern_ops) indexes PostgreSQL got on columns nothing searches by prefix.

Django gives every indexed varchar column on PostgreSQL a second, ``varchar_pattern_ops`` index so
that ``LIKE 'abc%'`` can use it. Statement, entity and link ids (and the entity ids links and
statements point at) are SHA-1 hex digests: nothing searches them by prefix. The entity search keys
(schema, name, sound codes, postcode, identifier) are matched exactly, with ``IN``, or case-blind
(``icontains``, ``iexact``, ``iendswith``: ``UPPER(...) LIKE``, which a pattern-ops index cannot
serve); only ``birth_date`` is searched by prefix, and keeps its index. Yet each insert paid for one
more B-tree write per column: on the statements table the two hash-id ones doubled the cost of an
insert (100,000 statements: 8.0 s with them, 3.9 s without), and ingest writes about twelve
statements and three entities per source row. The ordinary B-tree indexes all stay. SQLite has no
such indexes, so this does nothing there.
"""

from typing import Any

from django.db import migrations

# (table, column) whose "_like" index goes.
UNSEARCHED_BY_PREFIX = [
    ("intel_statement", "id"),
    ("intel_statement", "entity_id"),
    ("intel_recordentity", "id"),
    ("intel_recordentity", "schema"),
    ("intel_recordentity", "name_norm"),
    ("intel_recordentity", "surname_code"),
    ("intel_recordentity", "postcode"),
    ("intel_recordentity", "identifier"),
    ("intel_recordlink", "id"),
    ("intel_recordlink", "schema"),
    ("intel_recordlink", "source_entity_id"),
    ("intel_recordlink", "target_entity_id"),
]


def _like_index(schema_editor: Any, table: str, column: str) -> str:
    return str(schema_editor._create_index_name(table, [column], suffix="_like"))


def drop_like_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in UNSEARCHED_BY_PREFIX:
        name = schema_editor.quote_name(_like_index(schema_editor, table, column))
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_like_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in UNSEARCHED_BY_PREFIX:
        name = schema_editor.quote_name(_like_index(schema_editor, table, column))
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {schema_editor.quote_name(table)} "
            f"({schema_editor.quote_name(column)} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("intel", "0001_initial")]

    operations = [migrations.RunPython(drop_like_indexes, create_like_indexes)]
