"""Splink's parsing of column names and level SQL, remembered per string.

Every ``Linker``, EM session and prediction builds Splink's settings objects again, and each
column reference and comparison level is parsed with sqlglot on the way: about 1,000 parses per
train-and-score of the person model (28 columns, 9 comparisons, 60 levels), a fifth of the CPU
a FEBRL4 resolution takes. The answers depend on the string and the SQL dialect alone, so they
are kept: a column reference's builder (a frozen dataclass, shared safely), its SQL, and the
fact that a level's SQL parses (the parse tree itself is never kept: Splink callers modify trees).
"""

from __future__ import annotations

import functools
from typing import Any


def install() -> None:
    """Memoise the three parses (idempotent)."""
    from splink.internals.comparison_level import ComparisonLevel
    from splink.internals.input_column import SqlglotColumnTreeBuilder

    if getattr(SqlglotColumnTreeBuilder, "socmap_memo", False):
        return
    parse_reference = SqlglotColumnTreeBuilder.from_raw_column_name_or_column_reference.__func__  # type: ignore[attr-defined]

    @functools.lru_cache(maxsize=4096)
    def reference(input_str: str, sqlglot_dialect: str | None) -> Any:
        return parse_reference(SqlglotColumnTreeBuilder, input_str, sqlglot_dialect)

    def from_reference(cls: type, input_str: str, sqlglot_dialect: str | None) -> Any:
        if cls is not SqlglotColumnTreeBuilder:
            return parse_reference(cls, input_str, sqlglot_dialect)
        return reference(input_str, sqlglot_dialect)

    to_sql = SqlglotColumnTreeBuilder.sql.fget  # type: ignore[attr-defined]
    sql_of = functools.lru_cache(maxsize=16384)(to_sql)

    validate = ComparisonLevel._validate_sql
    valid: set[tuple[str, str | None]] = set()

    def validate_once(level: Any) -> bool:
        key = (str(level.sql_condition), level.sqlglot_dialect)
        if key not in valid:
            validate(level)  # type: ignore[no-untyped-call]
            valid.add(key)
        return True

    SqlglotColumnTreeBuilder.from_raw_column_name_or_column_reference = classmethod(from_reference)  # type: ignore[method-assign,assignment]
    SqlglotColumnTreeBuilder.sql = property(sql_of)  # type: ignore[method-assign,assignment]
    ComparisonLevel._validate_sql = validate_once  # type: ignore[method-assign]
    SqlglotColumnTreeBuilder.socmap_memo = True  # type: ignore[attr-defined]
