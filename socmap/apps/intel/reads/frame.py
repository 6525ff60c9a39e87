"""Bulk reads as frames: the person records entity resolution reads (the largest read of a run),
and every link a network analysis reads.

At a million source rows a run reads 420,000 people and 1.6 million of their statements. Row by
row through the ORM, with a dictionary per person, that took 51 s and over a gigabyte; here the
same querysets (so the same visibility rule) are run as plain SQL and shaped in pandas. On
PostgreSQL the rows come as one ``COPY`` of the query's CSV, parsed by Arrow: a row as a Python
tuple cost more than the query (9.1 million links at five million source rows: 404 s read row
by row, of which the SQL was 39 s).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from pyarrow import csv

from socmap.apps.intel.models import RecordEntity, RecordLink, Statement
from socmap.apps.intel.reads.rule import Reader, _scoped
from socmap.engines.resolve.types import PERSON_PROPS

#: Rows fetched from the database at a time while building the frame.
FETCH = 100_000
#: Where a person's address and phone come from: the link, the column, the target's properties
#: in order of preference.
LINKED = {"LivesAt": ("address", ("full", "line1")), "UsesPhone": ("phone", ("number",))}


def fetch_frame(
    queryset: QuerySet[Any], columns: list[str], types: dict[str, pa.DataType] | None = None
) -> pd.DataFrame:
    """A ``values_list`` queryset's rows as a frame: strings, but for the columns ``types`` gives
    an Arrow type (a date column comes as pandas' datetime on PostgreSQL, as text on SQLite)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter that selects nothing (an empty list of ids) has no SQL
        return _empty(columns)
    if connection.vendor == "postgresql":
        return _copied(sql, params, columns, types or {})
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH):
            parts.append(pd.DataFrame.from_records(rows, columns=columns))
    if not parts:
        return _empty(columns)
    return pd.concat(parts, ignore_index=True)


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _copied(sql: str, params: Any, columns: list[str], types: dict[str, pa.DataType]) -> pd.DataFrame:
    """PostgreSQL: the query's rows as CSV through ``COPY``, parsed by Arrow. CSV tells NULL (empty)
    from an empty string (quoted), and every column not in ``types`` is read as text, so a value
    that looks like a number (a phone, an id) stays as it was written."""
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy,
    ):
        data = b"".join(bytes(block) for block in copy)
    if not data:  # Arrow reads no columns from nothing
        return _empty(columns)
    table = csv.read_csv(
        pa.BufferReader(data),
        read_options=csv.ReadOptions(column_names=columns),
        parse_options=csv.ParseOptions(newlines_in_values=True),
        convert_options=csv.ConvertOptions(
            column_types={c: types.get(c, pa.string()) for c in columns},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )
    del data
    return table.to_pandas(date_as_object=False)


def _linked(ends: pd.DataFrame, values: pd.DataFrame, props: tuple[str, ...]) -> pd.Series:
    """Each person's first value of ``props`` on the targets of their links ``ends``."""
    values = values[values["prop"].isin(props)]
    if not len(ends) or not len(values):
        return pd.Series(dtype=object)
    values = values.assign(rank=values["prop"].map({p: i for i, p in enumerate(props)}))
    joined = ends.merge(values, on="target").sort_values(["record_id", "rank"], kind="stable")
    return joined.drop_duplicates("record_id").set_index("record_id")["value"]


def person_frame(*, viewer: Reader, owner_ids: list[int] | None = None) -> pd.DataFrame:
    """Every person the reader may see, one row each, in the columns the resolver reads.

    Names, dates of birth and identifiers from the person's statements (aliases joined with
    "; ", otherwise the first value of each property); address and phone from the record's
    LivesAt and UsesPhone links. Read with subqueries rather than lists of ids: the statements of
    the people, then those of their addresses and phones.
    """
    people = _scoped(RecordEntity.objects.filter(schema="Person", record__erased_at__isnull=True), viewer)
    if owner_ids is not None:
        people = people.filter(owner_id__in=owner_ids)
    frame = fetch_frame(
        people.values_list("id", "record__source__name", "postcode"), ["record_id", "source", "postcode"]
    )
    frame["postcode"] = frame["postcode"].where(frame["postcode"].astype(bool), None)
    links = RecordLink.objects.filter(schema__in=list(LINKED), source_entity__in=people.values("id"))
    ends = fetch_frame(
        links.values_list("schema", "target_entity_id", "source_entity_id"), ["schema", "target", "record_id"]
    )
    # Two reads, each a semi-join PostgreSQL can hash in batches. One read of "the people's or their
    # targets' statements" (an OR of two subqueries) planned each subquery as a hash only while it
    # fitted in work_mem: at five million rows (2.1 million people) the first no longer did, and
    # the plan searched it once per statement of the table (estimated 1.8e13, stopped after 5
    # minutes). The two reads also took 7.7 s against its 11.7 s at a million rows.
    statements = fetch_frame(
        Statement.objects.filter(
            entity_id__in=people.values("id"), prop__in=sorted(PERSON_PROPS)
        ).values_list("entity_id", "prop", "value"),
        ["record_id", "prop", "value"],
    )
    targets = fetch_frame(
        Statement.objects.filter(
            entity_id__in=links.values("target_entity_id"),
            prop__in=sorted({p for _column, linked in LINKED.values() for p in linked}),
        ).values_list("entity_id", "prop", "value"),
        ["target", "prop", "value"],
    )
    statements["column"] = statements["prop"].map(PERSON_PROPS)
    is_alias = statements["column"] == "aliases"
    columns: dict[str, pd.Series] = {}
    if bool(is_alias.any()):
        columns["aliases"] = statements[is_alias].groupby("record_id", sort=False)["value"].agg("; ".join)
    single = statements[~is_alias].drop_duplicates(["record_id", "column"])
    for column, values in single.groupby("column", sort=True):
        columns[str(column)] = values.set_index("record_id")["value"]
    for schema, (column, linked_props) in LINKED.items():
        linked = _linked(ends[ends["schema"] == schema][["target", "record_id"]], targets, linked_props)
        if len(linked):
            columns[column] = linked
    frame = frame.set_index("record_id", drop=False)
    for column, values in columns.items():
        frame[column] = values.reindex(frame.index)
    return frame.reset_index(drop=True)


def person_rows(*, viewer: Reader, owner_ids: list[int] | None = None) -> list[dict[str, object]]:
    """``person_frame`` as a list of dicts: the record id, source and postcode (None when there is
    none), and only the other columns its person has."""
    frame = person_frame(viewer=viewer, owner_ids=owner_ids)
    always = {"record_id", "source", "postcode"}
    return [
        {k: v for k, v in row.items() if k in always or (v is not None and v == v)}  # NaN != NaN
        for row in frame.to_dict("records")
    ]
