"""Importing inspectorate pages: one page, or many files in one run each refused or imported alone.

A page about one force becomes that force's finding (with its recommendations as findings of their
own). A page made to every force becomes one national finding, stored once; a force's own page for it
becomes that force's track: its status and timeline against the national text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from django.db import transaction
from django.db.models import Q

from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Organisation, Role, User
from socmap.apps.core.selectors import police_organisation_list
from socmap.apps.core.services import require_role
from socmap.apps.inspections.models import (
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
    NationalFinding,
)
from socmap.apps.inspections.services.common import (
    MANAGERS,
    diagnostics_of,
    events_import,
    refuse,
    status_refresh,
)
from socmap.engines.inspections import ParsedFinding, parse_recommendation_page, wording_key
from socmap.errors import Conflict, InvalidInput, SocmapError

Outcome = Literal["imported", "updated", "unchanged", "refused"]
OUTCOME_WORDS: dict[str, str] = {
    "imported": "Imported",
    "updated": "Already held; updated",
    "unchanged": "Already held; nothing new",
    "refused": "Refused",
}


@dataclass
class ImportResult:
    finding: Finding | None  # the force's finding: its own, or its track of a national finding
    national: NationalFinding | None  # the finding made to every force, when the page is one
    created: bool
    events_added: int
    events_known: int
    recommendations_added: int
    parsed: ParsedFinding
    changed: bool = False  # an already-held finding took the page's newer text

    @property
    def outcome(self) -> Outcome:
        if self.created:
            return "imported"
        return "updated" if self.changed or self.events_added or self.recommendations_added else "unchanged"


@dataclass(frozen=True)
class FileOutcome:
    """What became of one file of a many-file import."""

    name: str
    outcome: Outcome
    result: ImportResult | None = None
    reason: str = ""  # why it was refused


def _as_text(data: str | bytes) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _resolve_subject(parsed: ParsedFinding, subject: Organisation | None) -> Organisation:
    if subject is not None:
        return subject
    slug = (parsed.force_slug or "").strip().lower()
    if slug:
        candidates = police_organisation_list().filter(
            Q(slug__startswith=slug) | Q(name__istartswith=slug.replace("-", " "))
        )
        if candidates.count() == 1:
            return candidates.get()
    raise InvalidInput(
        "Say which force or unit this finding is about: the page does not name one socmap knows"
        + (f" (it says {slug!r})" if slug else ""),
        fields={"subject": ["Choose the force or unit the finding is about"]},
    )


def _subject_for(parsed: ParsedFinding, subject: Organisation | None) -> Organisation | None:
    """Whose finding the page is: a national page naming no force is nobody's but the nation's."""
    if parsed.national and subject is None and not parsed.force_slug:
        return None
    return _resolve_subject(parsed, subject)


def _report_inspection(actor: User, parsed: ParsedFinding) -> Inspection | None:
    """The inspection a listing page names by its report's title, found or recorded."""
    title = (parsed.report_title or "").strip()[:300]
    if not title:
        return None
    inspection, made = Inspection.objects.get_or_create(title=title, defaults={"kind": InspectionKind.OTHER})
    if made:
        audit_record(AuditAction.COLLECTION, actor=actor, obj=inspection, detail={"from": "listing page"})
    return inspection


def finding_import(
    *,
    actor: User,
    data: str | bytes,
    source: str,
    subject: Organisation | None = None,
    inspection: Inspection | None = None,
) -> ImportResult:
    """Import one inspectorate recommendation page.

    The same page imported again changes nothing; an updated page adds only its new timeline events;
    a listing copy and the recommendation's own page give the same finding (by the inspectorate's
    number). Nothing the parser could not place is lost: it is kept with its diagnostics.
    """
    require_role(actor, *MANAGERS, Role.ANALYST, action="import inspection findings")
    parsed = parse_recommendation_page(data, source=source)
    subject = _subject_for(parsed, subject)
    if subject is not None and actor.organisation_id != subject.pk and not actor.has_role(Role.ADMINISTRATOR):
        refuse(
            actor,
            subject,
            f"You can import findings about your own organisation only; this page is about {subject.name}",
        )
    with transaction.atomic():
        inspection = inspection or _report_inspection(actor, parsed)
        national, national_made, national_changed = (
            _national_upsert(actor, parsed, data, source, inspection, for_subject=subject is not None)
            if parsed.national
            else (None, False, False)
        )
        if subject is None:
            assert national is not None  # a page naming no force is national (see _subject_for)
            added, known = events_import(national, parsed, source)
            status_refresh(national)
            result = ImportResult(None, national, national_made, added, known, 0, parsed, national_changed)
        else:
            result = _finding_upsert(actor, parsed, data, source, subject, inspection, national)
            result.created = result.created or national_made
        audit_record(
            AuditAction.COLLECTION if result.created else AuditAction.ALTERATION,
            actor=actor,
            obj=result.finding or national,
            justification=f"imported from {source}",
            detail={
                "events_added": result.events_added,
                "events_known": result.events_known,
                "recommendations_added": result.recommendations_added,
                "diagnostics": len(parsed.diagnostics),
                "national": national.pk if national is not None else None,
            },
        )
    return result


def _national_upsert(
    actor: User,
    parsed: ParsedFinding,
    data: str | bytes,
    source: str,
    inspection: Inspection | None,
    *,
    for_subject: bool,
) -> tuple[NationalFinding, bool, bool]:
    """The national finding a page is about, found by the inspectorate's number or by its wording."""
    wording = wording_key(parsed.kind, parsed.text)
    held = NationalFinding.objects.select_for_update()
    national = (held.filter(reference=parsed.reference).first() if parsed.reference else None) or held.filter(
        wording=wording
    ).first()
    if national is not None and national.withdrawn_at is not None:
        raise Conflict(
            f"National {national.get_kind_display().lower()} {national.reference} was withdrawn on "
            f"{national.withdrawn_at:%d %B %Y}: {national.withdrawn_reason}",
            fields={"file": ["The finding was withdrawn; it is kept withdrawn"]},
        )
    if national is None:
        national = NationalFinding.objects.create(
            inspection=inspection,
            kind=parsed.kind,
            reference=parsed.reference or f"national-{wording[:10]}",
            wording=wording,
            title=parsed.title[:300],
            text=parsed.text,
            url="" if for_subject else parsed.url or "",  # a force's copy has that force's address
            fingerprint=parsed.fingerprint,
            diagnostics=diagnostics_of(parsed),
            unplaced_text=parsed.unplaced_text,
            imported_from=source[:300],
            source_text=_as_text(data),
            created_by=actor,
        )
        audit_record(
            AuditAction.COLLECTION, actor=actor, obj=national, justification=f"imported from {source}"
        )
        return national, True, False
    changed = False
    if national.inspection is None and inspection is not None:
        national.inspection, changed = inspection, True
    if not for_subject and national.fingerprint != parsed.fingerprint:
        # The national page itself, updated: its newest words, and what could not be placed from each.
        national.text, national.fingerprint, national.source_text = (
            parsed.text,
            parsed.fingerprint,
            _as_text(data),
        )
        national.diagnostics = [*national.diagnostics, *diagnostics_of(parsed)]
        if not NationalFinding.objects.filter(wording=wording).exclude(pk=national.pk).exists():
            national.wording = wording
        if parsed.unplaced_text and parsed.unplaced_text not in national.unplaced_text:
            national.unplaced_text = "\n\n".join(
                t for t in (national.unplaced_text, parsed.unplaced_text) if t
            )
        changed = True
    if changed:
        national.save()
    return national, False, changed


def _finding_upsert(
    actor: User,
    parsed: ParsedFinding,
    data: str | bytes,
    source: str,
    subject: Organisation,
    inspection: Inspection | None,
    national: NationalFinding | None,
) -> ImportResult:
    reference = parsed.reference or (national.reference if national else f"page-{parsed.fingerprint[:10]}")
    held = Finding.objects.select_for_update().filter(subject=subject)
    finding = (held.filter(national=national).first() if national else None) or held.filter(
        reference=reference
    ).first()
    if finding is not None and finding.withdrawn_at is not None:
        raise Conflict(
            f"{finding.get_kind_display()} {finding.reference} was withdrawn on "
            f"{finding.withdrawn_at:%d %B %Y}: {finding.withdrawn_reason}",
            fields={"file": ["The finding was withdrawn; it is kept withdrawn"]},
        )
    created = finding is None
    changed = False
    if finding is None:
        finding = Finding.objects.create(
            owner=subject,
            subject=subject,
            inspection=inspection,
            national=national,
            kind=parsed.kind,
            reference=reference,
            title=parsed.title[:300],
            text=parsed.text,
            url=parsed.url or "",
            fingerprint=parsed.fingerprint,
            diagnostics=diagnostics_of(parsed),
            unplaced_text=parsed.unplaced_text,
            imported_from=source[:300],
            source_text=_as_text(data),
            created_by=actor,
        )
    else:
        if finding.fingerprint != parsed.fingerprint:
            # An updated page: keep the newest text, and what could not be placed from every version.
            finding.text = parsed.text
            finding.fingerprint = parsed.fingerprint
            finding.source_text = _as_text(data)
            finding.diagnostics = [*finding.diagnostics, *diagnostics_of(parsed)]
            if parsed.unplaced_text and parsed.unplaced_text not in finding.unplaced_text:
                finding.unplaced_text = "\n\n".join(
                    t for t in (finding.unplaced_text, parsed.unplaced_text) if t
                )
            changed = True
        # A listing copy names the report; the recommendation's own page gives its address.
        for name, value in (("inspection", inspection), ("national", national), ("url", parsed.url or "")):
            if value and not getattr(finding, name):
                setattr(finding, name, value)
                changed = True
        if changed:
            finding.save()
    recs_added = _recommendations_import(finding, parsed, actor, source)
    added, known = events_import(finding, parsed, source)
    status_refresh(finding)
    return ImportResult(finding, national, created, added, known, recs_added, parsed, changed and not created)


def _recommendations_import(finding: Finding, parsed: ParsedFinding, actor: User, source: str) -> int:
    added = 0
    for rec in parsed.recommendations:
        _, made = Finding.objects.get_or_create(
            subject=finding.subject,
            reference=f"{finding.reference}-{rec.number}",
            defaults={
                "owner": finding.owner,
                "inspection": finding.inspection,
                "kind": FindingKind.RECOMMENDATION,
                "parent": finding,
                "number": rec.number,
                "title": rec.text.split("\n", 1)[0][:300],
                "text": rec.text,
                "intro": rec.intro,
                "url": finding.url,
                "imported_from": source[:300],
                "created_by": actor,
            },
        )
        added += int(made)
    return added


def finding_import_files(
    *,
    actor: User,
    files: Iterable[tuple[str, Callable[[], bytes]]],
    subject: Organisation | None = None,
    inspection: Inspection | None = None,
) -> list[FileOutcome]:
    """Import many pages, each in its own transaction: a refused file stores nothing and stops nothing.

    ``files`` gives each file's name and a function reading its bytes, so that files are read one at a
    time and a file that cannot be read is refused like any other.
    """
    outcomes = []
    for name, read in files:
        try:
            result = finding_import(
                actor=actor, data=read(), source=name, subject=subject, inspection=inspection
            )
        except SocmapError as exc:
            reason = exc.message.removeprefix(f"{name}: ")
            outcomes.append(FileOutcome(name, "refused", reason=reason[:1].upper() + reason[1:]))
            continue
        outcomes.append(FileOutcome(name, result.outcome, result))
    return outcomes


def outcome_summary(outcome: FileOutcome) -> str:
    """One line saying, in words, what became of a file: what was stored, what to check, or why not."""
    result = outcome.result
    if result is None:
        return outcome.reason
    record = result.finding or result.national
    what = f"{record.get_kind_display().lower()} {record.reference}" if record else "finding"
    if result.finding is None:
        what = f"national {what}"
    elif result.national is not None:
        what += " (made to every force)"
    entries = result.events_added
    line = (
        f"{OUTCOME_WORDS[outcome.outcome]} {what}: "
        f"{entries} new timeline entr{'y' if entries == 1 else 'ies'}, "
        f"{result.events_known} already held, {result.recommendations_added} recommendations added, "
        f"{len(result.parsed.diagnostics)} diagnostics"
    )
    errors = sum(d.severity == "error" for d in result.parsed.diagnostics)
    return line + (f" ({errors} to check)" if errors else "")
