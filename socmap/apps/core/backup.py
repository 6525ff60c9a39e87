"""Backup and restore: the whole service in one file, and proof that what came back is what went.

A backup is a gzipped tar holding ``manifest.json``, the database (``database.dump``, PostgreSQL's
custom format from ``pg_dump``, or ``database.sqlite3`` from SQLite's online backup API) and the
uploaded files under ``uploads/``. The manifest lists every member with its size and SHA-256, and
a *fingerprint* of the database taken from the same snapshot the dump was taken from: for every
table of socmap's apps its row count and a digest of its rows in key order (the statements, the
audit log and the judgements among them), and the head of every hash chain.

A restore refuses an archive that is not one (a member it does not expect, a path outside the
archive, a link, a size or digest that disagrees with the manifest, another database engine) before
it touches anything; it refuses a database that already holds data unless told to replace it. After
loading it takes the fingerprint again and walks the hash chains: ``RestoreReport.equal`` says
whether every table's count and digest and every chain came back as they were.

Both are audited: a backup as a disclosure (everything leaves the service), recorded before its
snapshot so that the backup holds it; a restore as an alteration (everything is replaced), recorded
after the comparison so that it does not disturb it.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 # pg_dump and pg_restore, with argument lists, never a shell
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction

from socmap.apps.core.audit import audit_record
from socmap.apps.core.chain import CHAINS, canonical, chain_verify
from socmap.apps.core.models import AuditAction
from socmap.errors import InvalidInput

FORMAT = "socmap-backup/1"
MANIFEST = "manifest.json"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
UPLOADS = "uploads"
CHUNK = 5000


@dataclass(frozen=True)
class TableFingerprint:
    rows: int
    digest: str


@dataclass
class RestoreReport:
    """What a restore found: tables whose count or digest changed, chains that do not verify."""

    tables: int = 0
    rows: int = 0
    files: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.differences


def _models() -> list[type[models.Model]]:
    """Every table of socmap's apps, many-to-many tables included, in a stable order."""
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m.__module__.startswith("socmap.") and not m._meta.proxy and m._meta.managed
    ]
    return sorted(found, key=lambda m: m._meta.db_table)


def _plain(value: Any, name: str) -> Any:
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return canonical(value, name)


def _table_fingerprint(model: type[models.Model]) -> TableFingerprint:
    names = [f.attname for f in model._meta.concrete_fields]
    digest = hashlib.sha256()
    rows = 0
    query = model._base_manager.order_by("pk").values_list(*names)
    for row in query.iterator(chunk_size=CHUNK):
        values = [_plain(v, n) for n, v in zip(names, row, strict=True)]
        digest.update(json.dumps(values, sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\n")
        rows += 1
    return TableFingerprint(rows=rows, digest=digest.hexdigest())


def fingerprint() -> dict[str, Any]:
    """Counts and digests of every table, and the head of every hash chain, as the database holds them."""
    tables = {m._meta.db_table: _table_fingerprint(m) for m in _models()}
    chains = {}
    for spec in CHAINS:
        report = chain_verify(spec)
        chains[spec.name] = {"rows": report.rows, "head": report.head_hash, "intact": report.intact}
    return {
        "tables": {name: {"rows": f.rows, "digest": f.digest} for name, f in tables.items()},
        "chains": chains,
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _uploads() -> Iterator[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, f"{UPLOADS}/{path.relative_to(root).as_posix()}"


def _pg_args(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump and pg_restore; the password travels in the environment."""
    args = ["--dbname", str(settings_dict["NAME"])]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [option, str(settings_dict[key])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise InvalidInput(f"{command[0]} is not installed: it is needed to {what}")
    # An argument list to a tool found on PATH, never a shell: names in it are not interpreted.
    done = subprocess.run(  # noqa: S603  # nosec B603
        [tool, *command[1:]], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise InvalidInput(f"{command[0]} could not {what}: {done.stderr.strip()[:2000]}")


def _dump_database(target: Path) -> dict[str, Any]:
    """Dump the database to ``target`` and fingerprint it, both from one snapshot."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            args, env = _pg_args(connection.settings_dict)
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                 "--file", str(target), *args],
                env,
                "dump the database",
            )
            return fingerprint()
    if connection.vendor == "sqlite":
        with transaction.atomic():
            found = fingerprint()  # the read transaction holds this snapshot while the copy is made
            connection.ensure_connection()
            destination = sqlite3.connect(target)
            try:
                connection.connection.backup(destination)
            finally:
                destination.close()
            return found
    raise InvalidInput(f"Backups of a {connection.vendor} database are not supported")


def backup_create(path: Path) -> dict[str, Any]:
    """Write the backup to ``path`` (through a temporary file, so a failed backup leaves nothing
    behind and an existing file is replaced only by a complete one). Returns the manifest."""
    path = Path(path)
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder: name the backup file to write")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Recorded before the snapshot, so the backup holds the event of its own taking.
    audit_record(
        AuditAction.DISCLOSURE,
        object_type="backup",
        object_repr=f"Backup of the whole service to {path.name}",
        detail={"file": str(path), "operator": _operator()},
    )
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".socmap-backup-") as work:
        dump = Path(work) / DUMPS.get(connection.vendor, "database")
        found = _dump_database(dump)
        members = {dump.name: dump}
        members.update({name: file for file, name in _uploads()})
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "vendor": connection.vendor,
            "members": {
                name: {"bytes": file.stat().st_size, "sha256": _sha256(file)}
                for name, file in members.items()
            },
            **found,
        }
        manifest_file = Path(work) / MANIFEST
        manifest_file.write_text(json.dumps(manifest, indent=1, sort_keys=True))
        partial = Path(work) / "backup.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(manifest_file, arcname=MANIFEST)
            for name, file in members.items():
                archive.add(file, arcname=name)
        os.replace(partial, path)
    return manifest


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _read_manifest(archive: tarfile.TarFile, source: Path) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        raise InvalidInput(f"{source}: not a socmap backup (no {MANIFEST})") from None
    handle = archive.extractfile(member)
    if handle is None or member.size > 50 * 1024 * 1024:
        raise InvalidInput(f"{source}: {MANIFEST} is not a readable file")
    try:
        manifest: dict[str, Any] = json.loads(handle.read())
    except ValueError as exc:
        raise InvalidInput(f"{source}: {MANIFEST} is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidInput(f"{source}: {MANIFEST} is not a {FORMAT} manifest")
    return manifest


def _check_members(archive: tarfile.TarFile, manifest: dict[str, Any], source: Path) -> None:
    """Every member is a plain file the manifest lists, inside the archive, nothing missing."""
    listed: dict[str, Any] = manifest.get("members") or {}
    seen = set()
    for member in archive.getmembers():
        name = member.name
        if name == MANIFEST:
            continue
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or not member.isfile():
            raise InvalidInput(f"{source}: member {name!r} is not a plain file inside the archive; refused")
        if name not in listed:
            raise InvalidInput(f"{source}: member {name!r} is not in the manifest; refused")
        if member.size != listed[name].get("bytes"):
            raise InvalidInput(
                f"{source}: member {name!r} is {member.size} bytes, not what the manifest says"
            )
        seen.add(name)
    missing = sorted(set(listed) - seen)
    if missing:
        raise InvalidInput(f"{source}: the manifest lists {', '.join(missing[:5])}, missing from the archive")


def _extract(archive: tarfile.TarFile, manifest: dict[str, Any], work: Path, source: Path) -> None:
    for name, facts in manifest["members"].items():
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = archive.extractfile(name)
        if handle is None:
            raise InvalidInput(f"{source}: member {name!r} cannot be read")
        with target.open("wb") as out:
            shutil.copyfileobj(handle, out)
        if _sha256(target) != facts.get("sha256"):
            raise InvalidInput(f"{source}: member {name!r} does not match its digest in the manifest")


def _holds_data() -> bool:
    tables = set(connection.introspection.table_names())
    return any(m._meta.db_table in tables and m._base_manager.exists() for m in _models())


def _load_database(dump: Path) -> None:
    if connection.vendor == "postgresql":
        from django.db import connections

        # pg_restore drops and recreates the tables: only their owner may (the application role
        # may not, by design), so it runs as the owner role where one is configured.
        target = connections["owner"] if "owner" in settings.DATABASES else connection
        args, env = _pg_args(target.settings_dict)
        connection.close()
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--exit-on-error", *args, str(dump)],
            env,
            "restore the database",
        )
        if target is not connection:
            from socmap.apps.core.dbroles import roles_grant

            roles_grant(connection=target, app_role=str(connection.settings_dict["USER"]))
        return
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_uploads(work: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    incoming = work / UPLOADS
    if root.exists():
        shutil.rmtree(root)
    if incoming.is_dir():
        shutil.copytree(incoming, root)
        return sum(1 for p in root.rglob("*") if p.is_file())
    root.mkdir(parents=True, exist_ok=True)
    return 0


def compare(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """Every way ``found`` differs from ``expected``, in words (empty when they are equal)."""
    differences = []
    for name, want in sorted(expected.get("tables", {}).items()):
        got = found["tables"].get(name)
        if got is None:
            differences.append(f"table {name} is missing")
        elif got["rows"] != want["rows"]:
            differences.append(f"table {name} holds {got['rows']:,} rows, the backup {want['rows']:,}")
        elif got["digest"] != want["digest"]:
            differences.append(f"table {name}: the same number of rows, different content")
    for name, want in sorted(expected.get("chains", {}).items()):
        got = found["chains"].get(name, {})
        if not got.get("intact"):
            differences.append(f"the {name} chain does not verify")
        elif (got.get("rows"), got.get("head")) != (want.get("rows"), want.get("head")):
            differences.append(f"the {name} chain ends elsewhere than in the backup")
    return differences


def backup_restore(path: Path, *, replace: bool = False) -> RestoreReport:
    """Restore the backup at ``path`` into this database and folder of uploads, then prove it."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"{path}: no such backup file")
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 (closed by the with below)
    except (tarfile.TarError, OSError) as exc:
        raise InvalidInput(f"{path}: not a socmap backup ({exc})") from None
    with archive, tempfile.TemporaryDirectory(prefix=".socmap-restore-") as work_dir:
        manifest = _read_manifest(archive, path)
        _check_members(archive, manifest, path)
        vendor = manifest.get("vendor")
        if vendor != connection.vendor or DUMPS.get(vendor) not in manifest["members"]:
            raise InvalidInput(
                f"{path}: a backup of a {vendor} database cannot be restored into {connection.vendor}"
            )
        if not replace and _holds_data():
            raise InvalidInput(
                "This database already holds data: restore with --replace to replace all of it"
            )
        work = Path(work_dir)
        _extract(archive, manifest, work, path)
        _load_database(work / DUMPS[vendor])
        files = _restore_uploads(work)
    found = fingerprint()
    report = RestoreReport(
        tables=len(found["tables"]),
        rows=sum(t["rows"] for t in found["tables"].values()),
        files=files,
        differences=compare(manifest, found),
    )
    audit_record(
        AuditAction.ALTERATION,
        object_type="backup",
        object_repr=f"Whole service restored from {path.name}",
        detail={
            "file": str(path),
            "operator": _operator(),
            "backup_taken": manifest.get("created_at", ""),
            "equal": report.equal,
        },
    )
    return report
