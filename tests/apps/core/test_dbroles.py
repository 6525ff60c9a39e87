"""As the application's database role, the audit log and the judgements cannot be truncated, their
triggers cannot be switched off, and replication mode cannot be turned on; ``socmap check`` says so,
and fails for a role that could.

On PostgreSQL the test creates the application role itself (CI reaches PostgreSQL as the superuser
``postgres`` with trust authentication) and drops it afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection
from typer.testing import CliRunner

from socmap.apps.core.audit import audit_record
from socmap.apps.core.dbroles import roles_check, roles_grant
from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.cli import app

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's")
PASSWORD = "app-role-test-password"


@pytest.fixture
def app_role(transactional_db: None) -> Iterator[psycopg.Connection]:
    """A fresh application role granted by roles_grant, and a connection to the test database as it."""
    role = f"socmap_app_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER PASSWORD %s", [PASSWORD])
    roles_grant(connection=connection, app_role=role)
    settings = connection.settings_dict
    conn = psycopg.connect(
        dbname=connection.cursor().connection.info.dbname,
        user=role,
        password=PASSWORD,
        host=settings.get("HOST") or "127.0.0.1",
        port=settings.get("PORT") or 5432,
        autocommit=True,
    )
    try:
        yield conn
    finally:
        conn.close()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


ATTACKS = [
    "TRUNCATE core_auditevent",
    "TRUNCATE resolution_judgement CASCADE",
    "SET session_replication_role = replica",
    "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only",
    "ALTER TABLE resolution_judgement DISABLE TRIGGER ALL",
    "UPDATE core_auditevent SET justification = 'rewritten'",
    "DELETE FROM resolution_judgement",
    "DROP TABLE core_auditevent",
    "CREATE TRIGGER quiet BEFORE INSERT ON core_auditevent FOR EACH ROW "
    "EXECUTE FUNCTION suppress_redundant_updates_trigger()",
]


@postgres_only
def test_the_application_role_cannot_remove_or_silence_the_audit_log(
    app_role: psycopg.Connection, analyst: object
) -> None:
    audit_record(AuditAction.CONSULTATION, actor=analyst, object_type="x", object_id="1")
    allowed = []
    for attack in ATTACKS:
        try:
            app_role.execute(attack)
        except psycopg.errors.InsufficientPrivilege:
            continue
        allowed.append(attack)
    assert not allowed, f"the application role may: {allowed}"
    assert AuditEvent.objects.filter(object_type="x").count() == 1


@postgres_only
def test_the_application_role_still_reads_and_appends(app_role: psycopg.Connection) -> None:
    app_role.execute("SELECT count(*) FROM core_auditevent").fetchone()
    app_role.execute("SELECT count(*) FROM resolution_judgement").fetchone()
    app_role.execute("UPDATE core_organisation SET region = region")  # ordinary tables stay writable


@postgres_only
def test_roles_check_passes_the_application_role_and_fails_a_superuser(app_role: psycopg.Connection) -> None:
    problems = roles_check(connection=connection)  # the test's own connection: the superuser
    assert any("superuser" in p for p in problems)
    assert any("TRUNCATE on core_auditevent" in p for p in problems)

    class AsAppRole:
        """roles_check through the application role's own connection."""

        vendor = "postgresql"

        def cursor(self) -> object:
            return app_role.cursor()

    assert roles_check(connection=AsAppRole()) == []


@postgres_only
@pytest.mark.django_db
def test_socmap_check_fails_when_the_application_role_could_bypass_the_triggers() -> None:
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 1
    assert "superuser" in result.output


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's answer")
@pytest.mark.django_db
def test_socmap_check_on_sqlite_points_to_the_hash_chains() -> None:
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 0
    assert "socmap audit verify" in result.output
