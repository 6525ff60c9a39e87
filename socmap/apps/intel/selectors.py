"""Every read of the intel app, through the viewer's visibility. Reading a person is a consultation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import jellyfish
from django.db.models import Prefetch, Q, QuerySet, Sum
from rapidfuzz import fuzz

from socmap.apps.core.audit import audit_record
from socmap.apps.core.bulk import IN_LIST, chunks
from socmap.apps.core.models import AuditAction, User
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.core.refusal import refuse
from socmap.apps.core.visibility import consult, decide, filter_visible
from socmap.apps.intel.models import (
    Batch,
    QuarantinedRow,
    QuarantineStatus,
    Record,
    RecordEntity,
    RecordLink,
    RecordTally,
    Source,
    Statement,
)
from socmap.errors import InvalidInput
from socmap.model.types import clean_phone, clean_vrm

SEARCH_LIMIT = 50
CANDIDATES = 5000


def source_list(*, viewer: User) -> QuerySet[Source]:
    return filter_visible(Source.objects.select_related("owner"), viewer).order_by("title")


def source_get(*, viewer: User, name: str) -> Source:
    source = source_list(viewer=viewer).filter(name=name).first()
    if source is None:
        hidden = Source.objects.filter(name=name).first()
        raise refuse(
            viewer, f"No source called {name!r}", obj=hidden, object_type="intel.source", object_id=name[:80]
        )
    return source


def ingestable_sources(*, viewer: User) -> QuerySet[Source]:
    """Sources the viewer's organisation owns: only the owner sends extracts into a source."""
    return Source.objects.filter(owner_id=viewer.organisation_id).order_by("title")


def batch_list(*, viewer: User, page: int = 1) -> Page[Batch]:
    qs = Batch.objects.filter(source__in=source_list(viewer=viewer)).select_related("source", "created_by")
    return paginate(qs.order_by("-created_at", "-id"), page=page, per_page=25)


def batch_statements(*, viewer: User) -> int:
    """Statements added by the batches the viewer may list (what the batch list shows, summed)."""
    batches = Batch.objects.filter(source__in=source_list(viewer=viewer))
    total = batches.aggregate(n=Sum("statements_new"))["n"]
    return int(total or 0)


def batch_get(*, viewer: User, batch_id: int) -> Batch:
    batch = Batch.objects.select_related("source", "created_by").filter(pk=batch_id).first()
    if batch is None or not decide(viewer, batch.source).visible:
        raise refuse(viewer, "No such batch", obj=batch, object_type="intel.batch", object_id=str(batch_id))
    return batch


def quarantine_list(
    *, viewer: User, batch_id: int | None = None, status: str = "open", page: int = 1
) -> Page[QuarantinedRow]:
    qs = filter_visible(QuarantinedRow.objects.select_related("batch", "source"), viewer)
    if batch_id:
        qs = qs.filter(batch_id=batch_id)
    if status:
        qs = qs.filter(status=status)
    return paginate(qs.order_by("-batch_id", "row"), page=page, per_page=50)


def quarantine_get(*, viewer: User, row_id: int) -> QuarantinedRow:
    row = QuarantinedRow.objects.select_related("batch", "batch__source").filter(pk=row_id).first()
    if row is None or not decide(viewer, row).visible:
        raise refuse(
            viewer, "No such row", obj=row, object_type="intel.quarantinedrow", object_id=str(row_id)
        )
    return row


@dataclass(frozen=True)
class PersonQuery:
    name: str = ""
    birth_date: str = ""
    postcode: str = ""
    phone: str = ""
    vrm: str = ""

    @property
    def words(self) -> str:
        """The search as a person would say it, for the audit log: "name John Smith, postcode GL1 1AA"."""
        labels = (
            ("name", self.name),
            ("born", self.birth_date),
            ("postcode", self.postcode),
            ("phone", self.phone),
            ("registration", self.vrm),
        )
        return ", ".join(f"{label} {value.strip()}" for label, value in labels if value.strip())

    @property
    def empty(self) -> bool:
        return not any(
            (self.name.strip(), self.birth_date, self.postcode.strip(), self.phone.strip(), self.vrm.strip())
        )


def search_audit(*, actor: User, query: PersonQuery, justification: str, results: int, of: str = "") -> None:
    """Log a search as one consultation, in the words the searcher used (records, or ``of`` people)."""
    audit_record(
        AuditAction.CONSULTATION,
        actor=actor,
        object_type="search",
        object_id="person",
        object_repr=query.words[:300],
        justification=justification,
        detail={"results": results, "of": of} if of else {"results": results},
    )


@dataclass(frozen=True)
class Hit:
    entity: RecordEntity
    score: int
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _norm_postcode(text: str) -> str:
    compact = "".join(text.upper().split())
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def _identifier_match(value: str, label: str) -> Q:
    """Entities that are the phone or vehicle ``value`` names. Cleaned as ingest cleans it (E.164, upper case
    without spaces), it is asked for exactly, through the identifier index. A phone of fewer than
    ten digits (the last digits someone remembers) is matched by its ending, which reads the table."""
    wanted = "".join(value.split()).upper()
    if label == "phone":
        if sum(ch.isdigit() for ch in value) >= 10:
            try:
                return Q(identifier=clean_phone(value))
            except ValueError:
                pass
        return Q(identifier__iendswith=wanted[-9:])
    try:
        return Q(identifier=clean_vrm(value))
    except ValueError:
        return Q(identifier__iexact=wanted)


_BIRTH_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_LIMITS = {"name": 200, "birth_date": 10, "postcode": 10, "phone": 30, "vrm": 12}


def query_check(query: PersonQuery) -> None:
    """Refuse a search the API or a page could not have meant: a control character (a NUL matched
    every phone), a value too long for its field, a date of birth that is not YYYY[-MM[-DD]]."""
    problems: dict[str, list[str]] = {}
    for name, limit in _LIMITS.items():
        value: str = getattr(query, name)
        if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
            problems[name] = ["Remove the control characters: type letters, digits and spaces only"]
        elif len(value) > limit:
            problems[name] = [f"Use {limit} characters or fewer"]
    if "birth_date" not in problems and query.birth_date and not _BIRTH_DATE.fullmatch(query.birth_date):
        problems["birth_date"] = ["Enter a date of birth like 1990-03-27, 1990-03 or 1990"]
    if problems:
        raise InvalidInput("The search cannot be run: see the fields", fields=problems)


def person_search(*, viewer: User, query: PersonQuery) -> list[Hit]:
    """People by name (typos and word order tolerated), date of birth, postcode, phone or VRM."""
    query_check(query)
    if query.empty:
        raise InvalidInput(
            "Enter a name, date of birth, postcode, phone number or registration",
            fields={"name": ["Enter something to search for"]},
        )
    people = filter_visible(RecordEntity.objects.filter(schema="Person"), viewer).select_related(
        "record", "record__source"
    )
    reasons: list[str] = []
    if query.birth_date:
        people = people.filter(birth_date__startswith=query.birth_date)
        reasons.append(f"born {query.birth_date}")
    if query.postcode.strip():
        people = people.filter(postcode=_norm_postcode(query.postcode))
        reasons.append(f"postcode {_norm_postcode(query.postcode)}")
    for value, label in ((query.phone, "phone"), (query.vrm, "registration")):
        if value.strip():
            # The phones or vehicles first, then the links to them: asked in one query, the planner
            # misjudged how many links the visibility rule keeps and read them all (3 s on 1.3M).
            targets = list(
                RecordEntity.objects.filter(_identifier_match(value, label)).values_list("id", flat=True)[
                    :CANDIDATES
                ]
            )
            linked = filter_visible(RecordLink.objects.filter(target_entity_id__in=targets), viewer).values(
                "record_id", "source_entity_id"
            )
            people = people.filter(pk__in=[r["source_entity_id"] for r in linked[:CANDIDATES]])
            reasons.append(f"{label} {value.strip()}")
    name = " ".join(query.name.lower().split())
    if name:
        codes = {jellyfish.metaphone(t)[:8] for t in name.replace(",", " ").split() if t}
        people = people.filter(
            Q(surname_code__in=codes) | Q(forename_code__in=codes) | Q(name_norm__icontains=name)
        )
    hits = []
    for entity in people[:CANDIDATES]:
        score = int(fuzz.token_sort_ratio(name, entity.name_norm)) if name else 100
        if name and score < 60:
            continue
        hits.append(Hit(entity, score, tuple(reasons + ([f"name {score}% alike"] if name else []))))
    hits.sort(key=lambda h: (-h.score, h.entity.name_norm, h.entity.pk))
    return hits[:SEARCH_LIMIT]


@dataclass(frozen=True)
class RecordView:
    record: Record
    conditions: tuple[str, ...]
    entities: list[RecordEntity]
    links: list[RecordLink]


def record_get(*, viewer: User, record_id: int, justification: str) -> RecordView:
    """A record with every statement, its source, grading and handling: a logged consultation."""
    found = (
        Record.objects.select_related("source", "owner", "batch")
        .prefetch_related(
            Prefetch(
                "entities",
                queryset=RecordEntity.objects.prefetch_related(
                    Prefetch("statements", queryset=Statement.objects.order_by("prop", "value"))
                ),
            )
        )
        .filter(pk=record_id)
        .first()
    )
    record, conditions = consult(viewer, found, label="record", justification=justification)
    links = list(record.links.select_related("source_entity", "target_entity"))
    return RecordView(record, conditions, list(record.entities.all()), links)


def record_counts(*, viewer: User, statements: bool = True) -> dict[str, int]:
    """Records, open quarantined rows and (unless ``statements`` is false: counting a region's
    millions of statements is most of the cost) statements the viewer may see."""
    # The tally (kept by the database at every write of records) has the three columns the rule
    # reads, so the same filter picks the rows the viewer may see: a sum of tens of rows.
    tallied = filter_visible(RecordTally.objects.all(), viewer).aggregate(n=Sum("records"))["n"]
    counts = {
        "records": int(tallied or 0),
        "quarantined": filter_visible(
            QuarantinedRow.objects.filter(status=QuarantineStatus.OPEN), viewer
        ).count(),
    }
    if statements:
        counts["statements"] = filter_visible(Statement.objects.all(), viewer).count()
    return counts


def measure_sources_ingested(organisation_id: int, as_of: object) -> int:
    """Sources with at least one completed batch by the date (a live measure)."""
    return (
        Source.objects.filter(
            owner_id=organisation_id, batches__status="done", batches__finished_at__lte=as_of
        )
        .distinct()
        .count()
    )


def measure_records_90_days(organisation_id: int, as_of: object) -> int:
    from datetime import timedelta

    return Record.objects.filter(
        owner_id=organisation_id,
        first_seen__lte=as_of,
        first_seen__gt=as_of - timedelta(days=90),  # type: ignore[operator]
    ).count()


@dataclass(frozen=True)
class CustodyRow:
    """A prison record's custody period: who (the prisoner's record entity), where, and until when."""

    record_id: int
    entity_id: str
    caption: str
    establishment: str
    prison_number: str
    received_on: str  # ISO dates as stored; "" when the record has none
    expected_release_on: str
    owner_id: int
    handling: str
    compartment_id: int | None
    conditions: str


def custody_rows(*, job: str, since: object = None) -> list[CustodyRow]:
    """Custody periods in the prison records (reception and expected release), for a named system job
    (lifetime management keeps its custody periods from them). Audited as that job's consultation of
    the store; each row keeps its record's owner, handling and compartment, so what users see of it
    still goes through the visibility rule."""
    from socmap.apps.core.audit import audit_record
    from socmap.apps.core.models import AuditAction

    reports = RecordEntity.objects.filter(
        schema="PrisonReport", record__erased_at__isnull=True, record__withdrawn_at__isnull=True
    )
    if since is not None:
        reports = reports.filter(record__last_seen__gte=since)
    heads = {
        e.id: e
        for e in reports.only(
            "id", "record_id", "owner_id", "handling", "compartment_id", "conditions"
        ).iterator(chunk_size=5000)
    }
    ids = sorted(heads)
    props: dict[str, dict[str, str]] = {}
    prisoner: dict[str, str] = {}
    for chunk in chunks(ids, IN_LIST):
        for entity_id, prop, value in Statement.objects.filter(
            entity_id__in=chunk, prop__in=("establishment", "reception_date", "expected_release_date")
        ).values_list("entity_id", "prop", "value"):
            props.setdefault(entity_id, {}).setdefault(prop, value)
        prisoner.update(
            RecordLink.objects.filter(target_entity_id__in=chunk, schema="SubjectOf").values_list(
                "target_entity_id", "source_entity_id"
            )
        )
    people = sorted(set(prisoner.values()))
    captions: dict[str, str] = {}
    numbers: dict[str, str] = {}
    for chunk in chunks(people, IN_LIST):
        captions.update(RecordEntity.objects.filter(id__in=chunk).values_list("id", "caption"))
        numbers.update(
            Statement.objects.filter(entity_id__in=chunk, prop="prison_number").values_list(
                "entity_id", "value"
            )
        )
    rows = []
    for report_id in ids:
        person = prisoner.get(report_id)
        values = props.get(report_id, {})
        if person is None or not values.get("expected_release_date"):
            continue
        head = heads[report_id]
        rows.append(
            CustodyRow(
                record_id=head.record_id,
                entity_id=person,
                caption=captions.get(person, ""),
                establishment=values.get("establishment", ""),
                prison_number=numbers.get(person, ""),
                received_on=values.get("reception_date", ""),
                expected_release_on=values["expected_release_date"],
                owner_id=head.owner_id,
                handling=head.handling,
                compartment_id=head.compartment_id,
                conditions=head.conditions,
            )
        )
    audit_record(
        AuditAction.CONSULTATION,
        object_type="job",
        object_id=job[:80],
        object_repr=f"Custody periods read from {len(rows)} prison records",
        username="system",
        detail={"records": len(rows), "since": str(since or "")},
    )
    return rows
