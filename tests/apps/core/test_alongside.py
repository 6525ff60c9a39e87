"""Work beside a long job: in a thread of its own on PostgreSQL outside a transaction, inline
otherwise; its result and its errors reach the caller either way."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from socmap.apps.core.alongside import alongside, beside_allowed
from socmap.apps.core.models import Organisation
from tests import factories


def _where() -> tuple[str, int]:
    """The thread the work ran in, and how many organisations its connection sees."""
    return threading.current_thread().name, Organisation.objects.count()


@pytest.mark.django_db(transaction=True)
def test_work_runs_beside_on_postgresql_and_sees_committed_rows() -> None:
    factories.organisation(name="Beside")
    with alongside(_where) as result:
        name, seen = result()
    if connection.vendor == "postgresql":
        assert beside_allowed()
        assert name.startswith("socmap-alongside")
    else:
        assert not beside_allowed()  # SQLite has one writer: the work waits for its result
        assert name == threading.current_thread().name
    assert seen == Organisation.objects.count() >= 1


@pytest.mark.django_db
def test_inside_a_transaction_the_work_runs_inline_and_sees_its_rows() -> None:
    with transaction.atomic():
        factories.organisation(name="Inline")
        assert not beside_allowed()
        with alongside(_where) as result:
            name, seen = result()
        assert name == threading.current_thread().name
        assert seen == Organisation.objects.count()


@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_work_reaches_the_caller() -> None:
    def broken() -> int:
        raise ValueError("no identifiers")

    with pytest.raises(ValueError, match="no identifiers"), alongside(broken) as result:
        result()


@pytest.mark.django_db(transaction=True)
def test_leaving_the_block_waits_for_the_work() -> None:
    finished = threading.Event()

    def slow() -> None:
        finished.wait(0.2)
        finished.set()

    with alongside(slow):
        pass
    # Inline work that nobody asked for does not run; a thread's has ended.
    assert finished.is_set() == beside_allowed()
