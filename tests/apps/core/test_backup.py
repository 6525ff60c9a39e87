"""Backup, wipe, restore: the statements, the audit chain, the judgements and the uploaded files come
back exactly, proved by counts and digests; a file that is not a socmap backup is refused before
anything is touched. Runs on SQLite and on PostgreSQL (pg_dump and pg_restore)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from typer.testing import CliRunner

from socmap.apps.core.audit import audit_record
from socmap.apps.core.backup import backup_create, backup_restore, fingerprint
from socmap.apps.core.chain import AUDIT_CHAIN, chain_verify
from socmap.apps.core.models import AuditAction, AuditEvent, Document, Organisation
from socmap.apps.intel.models import Record, Statement
from socmap.cli import app
from socmap.errors import InvalidInput
from tests import factories
from tests.apps.read_world import _build

runner = CliRunner()
# Transactional: pg_dump and pg_restore are other processes and must see committed rows. Not
# serialized_rollback: its reload of content types clashes with those a previous flush recreated.
pytestmark = pytest.mark.django_db(transaction=True)


def _world(tmp_path: Path) -> dict[str, Any]:
    sources = tmp_path / "sources"
    sources.mkdir()
    owner = _build(sources).analyst
    doc = factories.document(owner, title="Débrief — “Ölçü” 名前 =SUM(A1)")
    audit_record(AuditAction.CONSULTATION, actor=owner, obj=doc, detail={"why": "backup test"})
    content = Path(doc.file.path).read_bytes()
    return {"document": doc, "file": content, "statements": Statement.objects.count()}


def _small_world() -> None:
    """Enough for the refusals: an organisation, a user, a document and an audited consultation."""
    owner = factories.user(factories.organisation("force"), "analyst")
    doc = factories.document(owner)
    audit_record(AuditAction.CONSULTATION, actor=owner, obj=doc)


def _wipe() -> None:
    # Sequences are left where they are (as the test framework's own flush leaves them): the rows the
    # migrations made come back with their ids after each test, and a restarted sequence would
    # hand those ids out again.
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()


def test_backup_wipe_restore_gives_back_every_table_file_and_chain(tmp_path: Path) -> None:
    made = _world(tmp_path)
    assert made["statements"] > 0
    target = tmp_path / "out" / "socmap.tar.gz"
    manifest = backup_create(target)
    assert manifest["tables"]["intel_statement"]["rows"] == made["statements"]
    assert manifest["chains"]["audit"]["intact"]
    before = fingerprint()

    _wipe()
    assert Statement.objects.count() == 0 and Record.objects.count() == 0

    report = backup_restore(target)
    assert report.equal, report.differences
    after = fingerprint()
    # The restore's own audit event (and so the chain's head) comes after the comparison.
    moved = {"core_auditevent", "core_chainhead"}
    assert {k: v for k, v in after["tables"].items() if k not in moved} == {
        k: v for k, v in before["tables"].items() if k not in moved
    }
    assert Statement.objects.count() == made["statements"]
    doc = Document.objects.get(pk=made["document"].pk)
    assert doc.title == made["document"].title
    assert Path(doc.file.path).read_bytes() == made["file"]
    assert chain_verify(AUDIT_CHAIN).intact
    events = AuditEvent.objects.filter(object_type="backup").order_by("chain_seq")
    actions = list(events.values_list("action", flat=True))
    assert actions == [AuditAction.DISCLOSURE, AuditAction.ALTERATION]


def test_a_database_that_holds_data_is_replaced_only_when_asked(tmp_path: Path) -> None:
    _small_world()
    target = tmp_path / "socmap.tar.gz"
    backup_create(target)
    factories.organisation("force", name="Made after the backup")
    with pytest.raises(InvalidInput, match="already holds data"):
        backup_restore(target)
    assert backup_restore(target, replace=True).equal
    assert not Organisation.objects.filter(name="Made after the backup").exists()


def _rewrite(source: Path, target: Path, change: Any) -> Path:
    """A copy of the backup with its members changed by ``change(members) -> members``."""
    with tarfile.open(source, "r:gz") as archive:
        members = {m.name: (m, archive.extractfile(m).read()) for m in archive.getmembers() if m.isfile()}
    with tarfile.open(target, "w:gz") as out:
        for info, data in change(members):
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


def _manifest(members: dict[str, Any]) -> dict[str, Any]:
    return json.loads(members["manifest.json"][1])


def _with_manifest(members: dict[str, Any], manifest: dict[str, Any]) -> list[Any]:
    out = [(members["manifest.json"][0], json.dumps(manifest).encode())]
    return out + [v for k, v in members.items() if k != "manifest.json"]


def _traversal(members: dict[str, Any]) -> list[Any]:
    evil = tarfile.TarInfo("../../etc/evil")
    return [*members.values(), (evil, b"x")]


def _unlisted(members: dict[str, Any]) -> list[Any]:
    return [*members.values(), (tarfile.TarInfo("uploads/extra.txt"), b"extra")]


def _altered_dump(members: dict[str, Any]) -> list[Any]:
    name = next(k for k in members if k.startswith("database."))
    info, data = members[name]
    return [v for k, v in members.items() if k != name] + [(info, data[:-1] + bytes([data[-1] ^ 1]))]


def _other_vendor(members: dict[str, Any]) -> list[Any]:
    manifest = _manifest(members)
    manifest["vendor"] = "oracle"
    return _with_manifest(members, manifest)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_traversal, "not a plain file inside the archive"),
        (_unlisted, "not in the manifest"),
        (_altered_dump, "does not match its digest"),
        (_other_vendor, "cannot be restored into"),
    ],
)
def test_a_file_that_is_not_a_true_backup_is_refused_before_anything_changes(
    tmp_path: Path, change: Any, message: str
) -> None:
    _small_world()
    good = tmp_path / "good.tar.gz"
    backup_create(good)
    _wipe()
    bad = _rewrite(good, tmp_path / "bad.tar.gz", change)
    with pytest.raises(InvalidInput, match=message):
        backup_restore(bad)
    assert Document.objects.count() == 0
    assert not (Path(settings.MEDIA_ROOT).parent.parent / "etc" / "evil").exists()


def test_a_restore_that_differs_from_its_manifest_says_what_and_exits_1(tmp_path: Path) -> None:
    _small_world()
    good = tmp_path / "good.tar.gz"
    backup_create(good)
    _wipe()

    def fewer_statements(members: dict[str, Any]) -> list[Any]:
        manifest = _manifest(members)
        manifest["tables"]["core_document"]["rows"] += 1
        return _with_manifest(members, manifest)

    bad = _rewrite(good, tmp_path / "bad.tar.gz", fewer_statements)
    result = runner.invoke(app, ["restore", str(bad)])
    assert result.exit_code == 1
    assert "table core_document holds 1 rows, the backup 2" in result.output


def test_the_command_line_backs_up_and_restores(tmp_path: Path) -> None:
    made = _world(tmp_path)
    target = tmp_path / "cli.tar.gz"
    result = runner.invoke(app, ["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output and target.is_file()
    _wipe()
    result = runner.invoke(app, ["restore", str(target)])
    assert result.exit_code == 0, result.output
    assert "every count, digest and hash chain equals the backup's" in result.output
    assert Statement.objects.count() == made["statements"]
    result = runner.invoke(app, ["restore", str(tmp_path / "missing.tar.gz")])
    assert result.exit_code == 2 and "no such backup file" in result.output
    (tmp_path / "junk.tar.gz").write_bytes(b"not a tar at all")
    result = runner.invoke(app, ["restore", str(tmp_path / "junk.tar.gz"), "--replace"])
    assert result.exit_code == 2 and "not a socmap backup" in result.output
