"""Sources, batches, records (kept as received), statements (one property value each), quarantine.

Statements are the single source of truth. Their ids are deterministic hashes of (source, record key,
entity key, property, value), so ingesting the same file twice changes nothing, and a newer extract
adds only what changed. Visibility columns (owner, handling, compartment) are copied from the record
onto its statements and entities so every list can be filtered by the one visibility rule directly.
"""

from __future__ import annotations

from django.db import models

from socmap.apps.core.models import Compartment, Governed, Organisation, User

# The bulk tables (records, entities, statements, links) hold about twenty rows for every source
# row, and PostgreSQL fires one trigger per row and foreign key, with one index probe each, when rows
# are copied in. Their foreign keys are kept by the code that writes them instead (no constraint:
# ``db_constraint=False`` below): only ``store`` and ``services`` insert these rows, always in the
# transaction that inserts or finds their record and entities, with ids that are hashes of the same
# record key; owner, compartment and batch are those of the source and batch being ingested (a
# record's source keeps its constraint); and every delete goes through the ORM (erasure), which
# still cascades, and protects organisations, compartments and batches, in Python.
# ``store.orphans`` counts any row that lost its parent; the tests run it after ingesting,
# re-ingesting, resuming, resubmitting and erasing. Measured on PostgreSQL (300,000 statements
# copied in): 9.7 s with the five constraints, 4.3 s without.


def _owner() -> models.ForeignKey[Organisation, Organisation]:
    return models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_constraint=False)


def _bulk_owner() -> models.ForeignKey[Organisation, Organisation]:
    """The owner of a row of a table ingest fills by the million (entities, statements, links).

    Those rows are read through their record or entity, and by owner only to count what a viewer
    may see: a B-tree on the owner cost 3.6 µs of every row copied in. PostgreSQL gets a BRIN index
    instead (migrations 0005 and 0006): rows arrive a batch, so an owner, at a time, and a BRIN
    index costs next to nothing to keep.
    """
    return models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )


def _compartment() -> models.ForeignKey[Compartment | None, Compartment | None]:
    # Never searched alone: the visibility rule always pairs it with the owner.
    return models.ForeignKey(
        Compartment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )


class SourceKind(models.TextChoices):
    INTELLIGENCE = "intelligence", "Intelligence reports"
    CUSTODY = "custody", "Custody"
    ANPR = "anpr", "ANPR sightings"
    COMMUNICATIONS = "communications", "Communications data"
    FINANCIAL = "financial", "Financial intelligence"
    PRISON = "prison", "Prison intelligence"
    SAFEGUARDING = "safeguarding", "Safeguarding referrals"
    HOUSING = "housing", "Housing"
    LEGACY = "legacy", "Legacy system"
    OTHER = "other", "Other"


class Source(Governed):
    """A system or partner that sends extracts. Its mapping says how rows become statements."""

    name = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    mapping_name = models.CharField(
        max_length=120, help_text="An uploaded mapping, or a mapping file under socmap/mappings/"
    )
    default_grading = models.CharField(max_length=20, default="2B")
    retention_days = models.PositiveIntegerField(default=6 * 365)
    max_upload_bytes = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="Largest file this source may send (default: SOCMAP_UPLOAD_MAX_BYTES)",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class MappingFile(models.Model):
    """A source mapping uploaded through the service (CLI, API or page), validated when it came.

    A source names its mapping by ``Source.mapping_name``: one of these by name, else a mapping
    shipped under socmap/mappings/.
    """

    name = models.CharField(max_length=120, unique=True)
    file_name = models.CharField(max_length=255)
    text = models.TextField()
    sha256 = models.CharField(max_length=64)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    REFUSED = "refused", "Refused"


class Batch(models.Model):
    """One file ingested (or being ingested) into one source."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="batches")
    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    header = models.JSONField(default=list, blank=True, help_text="Column names, for re-submitting rows")
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    message = models.TextField(blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    records_new = models.PositiveIntegerField(default=0)
    records_seen = models.PositiveIntegerField(default=0)
    statements_new = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source.name}: {self.file_name}"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == BatchStatus.DONE else 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class Record(Governed):
    """One row of one source, kept as received."""

    # Its source keeps its constraint; looked up through the (source, record key) unique index.
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="records", db_index=False)
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="records", db_constraint=False)
    record_key = models.CharField(max_length=200)
    row = models.PositiveIntegerField()
    raw = models.JSONField(help_text="The row as first received")
    raw_versions = models.JSONField(default=list, blank=True, help_text="Later versions: batch id and row")
    source_evaluation = models.CharField(max_length=2)
    intelligence_assessment = models.CharField(max_length=2)
    grading_scheme = models.CharField(max_length=10, default="3x5x2")
    original_grading = models.CharField(max_length=40, blank=True)
    observed_on = models.DateField(null=True, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    last_batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    owner = _owner()
    compartment = _compartment()

    class Meta:
        ordering = ["source__name", "record_key"]
        constraints = [models.UniqueConstraint(fields=["source", "record_key"], name="unique_source_record")]

    def __str__(self) -> str:
        return f"{self.source.name}/{self.record_key}"

    @property
    def grading(self) -> str:
        return f"{self.source_evaluation}{self.intelligence_assessment}"


class RecordEntity(Governed):
    """An entity mentioned by a record (record-local key), with search keys derived from its statements."""

    id = models.CharField(max_length=40, primary_key=True)  # hash of (source, record key, entity key)
    # Looked up by record through the (record, key) unique index, so no index of its own.
    record = models.ForeignKey(
        Record, on_delete=models.CASCADE, related_name="entities", db_constraint=False, db_index=False
    )
    key = models.CharField(max_length=80)
    schema = models.CharField(max_length=40, db_index=True)
    caption = models.CharField(max_length=300, blank=True)
    # Names are not indexed, their sound codes are (people only): the people search asks for codes.
    # Identifiers are: search cleans a phone or registration as ingest does and asks for it exactly
    # (see Meta).
    name_norm = models.CharField(max_length=300, blank=True)
    surname_code = models.CharField(max_length=8, blank=True)
    forename_code = models.CharField(max_length=8, blank=True)
    birth_date = models.CharField(max_length=10, blank=True)  # searched by prefix: see Meta
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    identifier = models.CharField(max_length=100, blank=True, help_text="Phone, VRM, account…")
    owner = _bulk_owner()  # BRIN on PostgreSQL: see _bulk_owner
    compartment = _compartment()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "key"], name="unique_record_entity")]
        # Only the pattern index: search asks for a date of birth by prefix (year, year and month);
        # it serves equality too, so the plain index PostgreSQL also got was never used.
        indexes = [
            models.Index(
                fields=["birth_date"], name="entity_birth_date_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # Only entities that have one (phones, vehicles, accounts…): people and addresses, most
            # of the table, cost ingest nothing. A phone search scanned 3M entities in 5 s without.
            models.Index(fields=["identifier"], condition=~models.Q(identifier=""), name="entity_identifier"),
            # The people search asks for sound codes: (forename, surname) pairs either way round, or
            # one code on either name. Without these it read every person of the store (76 ms of
            # "smith" on the medium demo, ten times that at a million records); people only.
            models.Index(
                fields=["surname_code", "forename_code"],
                condition=models.Q(schema="Person"),
                name="entity_person_surname_code",
            ),
            models.Index(
                fields=["forename_code"],
                condition=models.Q(schema="Person"),
                name="entity_person_forename_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schema} {self.caption}"


class Statement(Governed):
    """One property value of one entity of one record, with its grading and provenance.

    ``key`` is the statement's deterministic identity: a hash of (source, record key, entity key,
    property, value), unique within its record, so re-ingesting a file finds what it stored. The
    primary key is a plain number from a sequence: a table of millions of statements keyed by random
    hashes made every insert touch a random page of a primary-key index far larger than memory, and
    write it whole to the WAL after each checkpoint (300,000 statements into a table of 12 million:
    2.2 GB of WAL and 12-32 s; keyed by number, with the record's id leading the unique index,
    0.4 GB and 4-5 s). Nothing refers to a statement by its primary key.
    """

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=40)
    # Statements are found by entity (the (entity, key) unique index), never by record alone: one
    # index serves both the entity's page and re-ingest, where two cost a fifth more to copy into.
    record = models.ForeignKey(
        Record, on_delete=models.CASCADE, related_name="statements", db_constraint=False, db_index=False
    )
    entity = models.ForeignKey(
        RecordEntity,
        on_delete=models.CASCADE,
        related_name="statements",
        db_constraint=False,
        db_index=False,
    )
    schema = models.CharField(max_length=40)
    prop = models.CharField(max_length=60)
    value = models.TextField()
    original = models.TextField(blank=True)
    grading = models.CharField(max_length=4)
    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    owner = _bulk_owner()
    compartment = _compartment()

    class Meta:
        ordering = ["entity_id", "prop", "value"]
        constraints = [models.UniqueConstraint(fields=["entity", "key"], name="unique_entity_statement")]
        # Only the themes of events are searched by property (network analysis): a partial index
        # holds those alone, where an index on every statement's property cost 1.7 µs each.
        indexes = [models.Index(fields=["entity"], condition=models.Q(prop="theme"), name="statement_theme")]

    def __str__(self) -> str:
        return f"{self.schema}.{self.prop} = {self.value}"


class RecordLink(Governed):
    """A link a record asserts between two of its entities (lives at, uses phone, associate of…)."""

    id = models.CharField(max_length=40, primary_key=True)
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="links", db_constraint=False)
    schema = models.CharField(max_length=40)  # links are read by their ends or record, never by schema alone
    source_entity = models.ForeignKey(
        RecordEntity, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    target_entity = models.ForeignKey(
        RecordEntity, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    properties = models.JSONField(default=dict, blank=True)
    grading = models.CharField(max_length=4)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    owner = _bulk_owner()
    compartment = _compartment()

    def __str__(self) -> str:
        return f"{self.schema} {self.source_entity_id}→{self.target_entity_id}"


class QuarantineStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESUBMITTED = "resubmitted", "Fixed and re-submitted"
    DISCARDED = "discarded", "Discarded"


class QuarantinedRow(Governed):
    """A row that could not be mapped or failed validation, kept as received with the reasons."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="quarantine")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    row = models.PositiveIntegerField()
    raw_text = models.TextField()
    raw = models.JSONField(null=True, blank=True)
    errors = models.JSONField(default=list)
    status = models.CharField(max_length=12, choices=QuarantineStatus.choices, default=QuarantineStatus.OPEN)
    resolved_record = models.ForeignKey(
        Record, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch_id", "row"]
        constraints = [models.UniqueConstraint(fields=["batch", "row"], name="unique_quarantined_row")]

    def __str__(self) -> str:
        return f"{self.batch} row {self.row}"


class RecordTally(models.Model):
    """How many records there are of each owner, handling code and compartment: the three things
    (with the agreements) the visibility rule reads, so the records a viewer may see are the sum of
    the rows the rule lets them see, not a count over the record table (a second at a million rows).

    Kept by the database itself (migration 0011: triggers on the record table), in the transaction
    that inserts, updates or deletes records, whatever path writes them (ingest's COPY included).
    """

    owner = _owner()
    handling = models.CharField(max_length=1)
    compartment = _compartment()
    # The compartment's id, 0 for none: the row's key (a NULL would never equal another in a key).
    slot = models.IntegerField()
    records = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "handling", "slot"], name="record_tally_key"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id}/{self.handling}/{self.slot}: {self.records}"
