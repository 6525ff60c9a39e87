"""Database roles on PostgreSQL: who may change what, so the audit log cannot be quietly removed.

Two roles. The **owner role** (``SOCMAP_OWNER_DATABASE_URL``) owns every table and runs the
migrations; nothing else uses it. The **application role** (``DATABASE_URL``) is what the web app,
the worker and the command line connect as: it reads and writes the tables it needs, but it owns
none, is no superuser, and on the append-only tables (the audit log and the judgements) may only
read and insert: no UPDATE, DELETE or TRUNCATE, no TRIGGER privilege, and (not being owner or
superuser) it can neither ``ALTER TABLE ... DISABLE TRIGGER`` nor ``SET session_replication_role``.

``socmap migrate`` migrates as the owner and then grants the application role exactly that
(``roles_grant``); ``socmap check`` connects as the application role and fails when it could
bypass the append-only rule (``roles_check``). On SQLite there are no roles: the hash chains
(``socmap audit verify``) make tampering evident instead.
"""

from __future__ import annotations

from typing import Any

APPEND_ONLY = {
    "core_auditevent": "core_auditevent_append_only",
    "resolution_judgement": "resolution_judgement_append_only",
}


def _ident(connection: Any, name: str) -> str:
    return str(connection.ops.quote_name(name))


def roles_grant(*, connection: Any, app_role: str) -> list[str]:
    """As the owner: give ``app_role`` what the application needs and nothing more. Returns the SQL run."""
    if connection.vendor != "postgresql":
        return []
    role = _ident(connection, app_role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        tables = sorted(row[0] for row in cursor.fetchall())
        cursor.execute(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema()"
        )
        sequences = sorted(row[0] for row in cursor.fetchall())
        statements = [
            f"GRANT USAGE ON SCHEMA {_ident(connection, 'public')} TO {role}",
            f"REVOKE CREATE ON SCHEMA {_ident(connection, 'public')} FROM {role}",
        ]
        for table in tables:
            name = _ident(connection, table)
            statements.append(f"REVOKE ALL ON TABLE {name} FROM {role}")
            if table in APPEND_ONLY:
                statements.append(f"GRANT SELECT, INSERT ON TABLE {name} TO {role}")
            else:
                statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {name} TO {role}")
        statements += [
            f"GRANT USAGE, SELECT, UPDATE ON SEQUENCE {_ident(connection, s)} TO {role}" for s in sequences
        ]
        for sql in statements:
            cursor.execute(sql)
    return statements


def roles_check(*, connection: Any) -> list[str]:
    """As the application role: every way it could bypass the append-only tables, in words.

    An empty list means the audit log and the judgements are safe from this role.
    """
    if connection.vendor != "postgresql":
        return []
    problems: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        user, superuser = cursor.fetchone()
        if superuser:
            problems.append(
                f"the application connects as {user}, a superuser: it can switch triggers and replication "
                "off. Connect as a role of its own and migrate as the owner (SOCMAP_OWNER_DATABASE_URL)"
            )
        cursor.execute("SHOW server_version_num")
        version = int(cursor.fetchone()[0])
        if version >= 150000:
            cursor.execute("SELECT has_parameter_privilege(current_user, 'session_replication_role', 'SET')")
            if cursor.fetchone()[0] and not superuser:
                problems.append(f"{user} may SET session_replication_role, which switches triggers off")
        for table, trigger in APPEND_ONLY.items():
            cursor.execute(
                "SELECT tableowner, pg_has_role(current_user, tableowner, 'MEMBER') FROM pg_tables "
                "WHERE schemaname = current_schema() AND tablename = %s",
                [table],
            )
            found = cursor.fetchone()
            if found is None:
                problems.append(f"{table} does not exist: run socmap migrate")
                continue
            owner, member = found
            if member:
                problems.append(
                    f"{user} owns {table} (or acts as its owner {owner}): it can disable its trigger"
                )
            for privilege in ("TRUNCATE", "TRIGGER", "UPDATE", "DELETE"):
                cursor.execute("SELECT has_table_privilege(current_user, %s, %s)", [table, privilege])
                if cursor.fetchone()[0]:
                    problems.append(f"{user} has {privilege} on {table}")
            cursor.execute(
                "SELECT tgenabled FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass",
                [trigger, table],
            )
            state = cursor.fetchone()
            if state is None or state[0] == "D":
                problems.append(f"the append-only trigger on {table} is missing or disabled")
    return problems
