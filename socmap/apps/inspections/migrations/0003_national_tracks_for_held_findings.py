"""Findings already held that were made to every force become that force's track of one national finding.

Before national recommendations were stored once, a recommendation such as "All forces should…" could
only be imported as a finding about one force. Each such finding keeps everything it holds (text,
recommendations, timeline, status, links to actions) and is linked to a national finding created from
its words; two forces' findings with the same words share one. Nothing is deleted or rewritten.

The wording test and the key are copied here as they stood when this migration was written: a
migration must not change meaning when the importer's own rules change later.
"""

import hashlib
import re
import unicodedata

from django.db import migrations

_ALL_FORCES = (
    r"(?:all|every|each)\s+(?:of\s+the\s+)?(?:(?:43|home\s+office|territorial)\s+)?(?:police\s+)?"
    r"(?:forces?|constabular(?:y|ies)|chief\s+constables?|chief\s+officers?)"
    r"(?:\s+in\s+England\s+and\s+Wales)?"
)
_NATIONAL = re.compile(
    rf"\b{_ALL_FORCES}(?:\s*,?\s+(?:and|with|together\s+with)\s+[^.;:]{{1,60}}?)?\s*,?\s+"
    r"(?:should|must|shall|need\s+to|are\s+to|is\s+to|will\s+need\s+to)\b"
    rf"|\bwe\s+recommend\s+that\s+{_ALL_FORCES}\b"
    r"|(?:^|(?<=[.:;]\s)|(?<=,\s))(?:police\s+)?forces\s+(?:in\s+England\s+and\s+Wales\s+)?should\b"
    r"|(?:^|(?<=[.:;]\s)|(?<=,\s))chief\s+constables\s+should\b",
    re.I | re.M,
)


def _wording(kind, text):
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text).casefold())
    return hashlib.sha256(f"{kind}|{' '.join(words)}".encode()).hexdigest()


def link_national(apps, schema_editor):
    Finding = apps.get_model("inspections", "Finding")
    NationalFinding = apps.get_model("inspections", "NationalFinding")
    held = Finding.objects.filter(parent__isnull=True, national__isnull=True).order_by("created_at", "pk")
    for finding in held.iterator():
        children = list(Finding.objects.filter(parent=finding).order_by("number", "pk"))
        intro = children[0].intro if children else ""
        if not _NATIONAL.search(" ".join(f"{finding.text}\n{intro}".split())):
            continue
        # The national text holds the recommendation whole: its words, then its list as bullets.
        listed = [intro] if intro else []
        listed += [f"• {child.text}" for child in children]
        text = "\n\n".join(p for p in (finding.text, "\n".join(listed)) if p)
        wording = _wording(finding.kind, text)
        national = NationalFinding.objects.filter(wording=wording).first()
        if national is None:
            reference = finding.reference
            if reference.startswith("page-") or NationalFinding.objects.filter(reference=reference).exists():
                reference = f"national-{wording[:10]}"
            national = NationalFinding.objects.create(
                inspection_id=finding.inspection_id,
                kind=finding.kind,
                reference=reference,
                wording=wording,
                title=finding.title,
                text=text,
                url="",
                imported_from=finding.imported_from,
                created_by_id=finding.created_by_id,
            )
        finding.national_id = national.pk
        finding.save(update_fields=["national"])


class Migration(migrations.Migration):
    dependencies = [("inspections", "0002_national_findings_and_withdrawal")]

    # Going back leaves the links: they mean the same in the earlier schema, and national findings
    # imported since may have tracks of their own.
    operations = [migrations.RunPython(link_national, migrations.RunPython.noop)]
