"""The audit log and the judgements are hash-chained: a row changed, removed or slipped in behind the
service's back is reported by ``socmap audit verify``, on SQLite as on PostgreSQL."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from socmap.apps.core.audit import audit_record
from socmap.apps.core.chain import (
    AUDIT_CHAIN,
    GENESIS,
    JUDGEMENT_CHAIN,
    ChainSpec,
    _ContentText,
    chain_verify,
    link_hash,
)
from socmap.apps.core.models import AuditAction, AuditEvent, User
from socmap.apps.resolution.models import Decision, Judgement
from socmap.cli import app

runner = CliRunner()


@contextmanager
def behind_the_services_back(table: str) -> Iterator[object]:
    """Raw SQL on the table, as someone with the database file (SQLite) or the owner role would."""
    trigger = {"core_auditevent": "core_auditevent_append_only"}.get(
        table, "resolution_judgement_append_only"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


def _events(analyst: User, n: int = 4) -> list[AuditEvent]:
    return [
        audit_record(
            AuditAction.CONSULTATION, actor=analyst, object_type="x", object_id=str(i), detail={"i": i}
        )
        for i in range(n)
    ]


@pytest.mark.django_db
def test_every_event_is_a_link_in_one_chain(analyst: User) -> None:
    events = _events(analyst)
    stored = list(AuditEvent.objects.order_by("chain_seq"))
    assert [e.chain_seq for e in stored] == list(range(1, len(stored) + 1))
    assert stored[0].chain_prev == GENESIS
    assert all(b.chain_prev == a.chain_hash for a, b in itertools.pairwise(stored))
    report = chain_verify(AUDIT_CHAIN)
    assert report.intact and report.rows == len(stored) and report.head_hash == events[-1].chain_hash


@pytest.mark.django_db
def test_a_changed_event_is_reported_by_socmap_audit_verify(analyst: User) -> None:
    events = _events(analyst)
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    target = AuditEvent.objects.get(pk=events[2].pk)
    with behind_the_services_back("core_auditevent") as cursor:
        cursor.execute(  # type: ignore[attr-defined]
            "UPDATE core_auditevent SET justification = %s WHERE id = %s",
            ["rewritten", target.pk.hex] if connection.vendor == "sqlite" else ["rewritten", target.pk],
        )
    report = chain_verify(AUDIT_CHAIN)
    assert (report.broken_seq, report.broken_id) == (target.chain_seq, str(target.pk))
    assert report.problem == "was changed after it was written"
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"audit: broken at link {target.chain_seq}" in result.output
    assert "was changed after it was written" in result.output


@pytest.mark.django_db
def test_a_removed_event_breaks_the_chain_where_it_was(analyst: User) -> None:
    events = _events(analyst)
    gone = AuditEvent.objects.get(pk=events[1].pk)
    with behind_the_services_back("core_auditevent") as cursor:
        cursor.execute(  # type: ignore[attr-defined]
            "DELETE FROM core_auditevent WHERE chain_seq = %s", [gone.chain_seq]
        )
    report = chain_verify(AUDIT_CHAIN)
    assert report.broken_seq == gone.chain_seq + 1 and report.problem == f"link {gone.chain_seq} is missing"


@pytest.mark.django_db
def test_removing_the_latest_events_is_caught_by_the_chain_head(analyst: User) -> None:
    _events(analyst)
    last = AuditEvent.objects.order_by("-chain_seq").first()
    assert last is not None
    with behind_the_services_back("core_auditevent") as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE chain_seq = %s", [last.chain_seq])  # type: ignore[attr-defined]
    report = chain_verify(AUDIT_CHAIN)
    assert not report.intact and "links were removed" in report.problem


@pytest.mark.django_db
def test_judgements_are_chained_and_a_rewritten_decision_is_reported(analyst: User) -> None:
    first = Judgement.objects.create(
        left_id="a", right_id="b", decision=Decision.MATCH, user=analyst, reason="x"
    )
    second = Judgement.objects.create(left_id="a", right_id="c", decision=Decision.NO_MATCH, user=analyst)
    assert (first.chain_seq, second.chain_seq) == (1, 2) and second.chain_prev == first.chain_hash
    assert chain_verify(JUDGEMENT_CHAIN).intact
    with behind_the_services_back("resolution_judgement") as cursor:
        cursor.execute(  # type: ignore[attr-defined]
            "UPDATE resolution_judgement SET decision = 'no_match' WHERE id = %s", [first.pk]
        )
    report = chain_verify(JUDGEMENT_CHAIN)
    assert report.broken_seq == 1 and report.problem == "was changed after it was written"


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            # Often one value in every row (a run's decision and model), "%" included: the
            # template's constants.
            st.one_of(st.sampled_from(["match", "50%", "%s"]), st.text(max_size=12)),
            st.one_of(
                st.none(),
                st.integers(),
                st.booleans(),
                st.floats(allow_nan=False),
                st.sampled_from([0.0, -0.0, 1, 1.0]),
                st.text(max_size=8),
            ),
            st.one_of(st.none(), st.datetimes(timezones=st.just(UTC)), st.dates()),
            st.one_of(st.none(), st.dictionaries(st.text(max_size=4), st.integers(), max_size=3)),
        ),
        max_size=12,
    ),
    repeat=st.integers(min_value=1, max_value=3),
)
def test_bulk_links_hash_as_link_hash_words_them(rows: list[tuple[object, ...]], repeat: int) -> None:
    """chain_extend builds the links' texts a column at a time (a run's 700,000 judgements), the
    values all rows share written once: the hashes are link_hash's own, whatever the values,
    repeated or not."""
    spec = ChainSpec(name="t", label="core.auditevent", fields=("b", "a", "when", "detail", "absent"))
    batch = rows * repeat
    texts = _ContentText(spec, ["a", "b", "when", "detail"]).texts(batch)
    assert len(texts) == len(batch)
    for row, content_text in zip(batch, texts, strict=True):
        content = {"a": row[0], "b": row[1], "when": row[2], "detail": row[3], "absent": None}
        expected = link_hash(7, "f" * 64, content)
        words = f'{{"content":{content_text},"prev":"{"f" * 64}","seq":7}}'
        assert hashlib.sha256(words.encode()).hexdigest() == expected
