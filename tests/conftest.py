from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import factories

# Property tests: a bounded number of cases, and no deadline or speed check, since the machines
# that run them are shared and their speed varies.
hypothesis_settings.register_profile(
    "socmap", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("socmap")


@pytest.fixture(autouse=True)
def _test_settings(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"  # type: ignore[attr-defined]
    settings.VAR_DIR = tmp_path / "var"  # type: ignore[attr-defined]  # model files and the like
    # Password hashing is deliberately slow; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    # Background tasks run in the test's own process, through the real task framework.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]


@pytest.fixture
def force(db: None) -> object:
    return factories.organisation("force", name="Gloucestershire Constabulary")


@pytest.fixture
def council(db: None) -> object:
    return factories.organisation("partner", "council", name="Cheltenham Borough Council")


@pytest.fixture
def analyst(force: object) -> object:
    return factories.user(force, "analyst", username="analyst")  # type: ignore[arg-type]


@pytest.fixture
def partner_user(council: object) -> object:
    return factories.user(council, "partner", username="partner")  # type: ignore[arg-type]


@pytest.fixture
def auditor(force: object) -> object:
    return factories.user(force, "auditor", username="auditor")  # type: ignore[arg-type]


@contextmanager
def committed() -> Iterator[None]:
    """For a module that builds its data once and commits it (inside ``django_db_blocker.unblock()``):
    at the end the data is flushed and the rows the migrations made (the audit log's compartment,
    say) are put back, so the modules that run after it find the database as migrated."""
    saved = connection.creation.serialize_db_to_string()
    try:
        yield
    finally:
        # As Django's serialized rollback does: no post-migrate signal (it would make the content
        # types the saved rows bring back), then the saved rows. Sequences are left where they are:
        # the saved rows keep their ids, and a sequence restarted at 1 would hand them out again.
        call_command(
            "flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False
        )
        connection.creation.deserialize_db_from_string(saved)


def signed_in(user: object, purpose: str = "Test enquiry") -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    if purpose:
        session = client.session
        session["socmap_purpose"] = purpose
        session.save()
    return client
