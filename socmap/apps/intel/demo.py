"""Intelligence demo data: the synthetic South West region generated and ingested through the real path.

Each file of the region becomes a source owned by the organisation that would hold it in life. The
region is generated once into var/ and re-used; ingesting again adds nothing (same file hashes).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from socmap.apps.core.models import Handling, Organisation, User
from socmap.apps.intel import services
from socmap.apps.intel.models import Batch, SourceKind

DEMO_SEED = 2026

# file, source name, title, kind, mapping, owner organisation, handling, demo user who ingests
DEMO_SOURCES = [
    (
        "intel/avon_and_somerset.csv",
        "intel-avon-and-somerset",
        "Avon and Somerset intelligence reports",
        SourceKind.INTELLIGENCE,
        "intel_avon_and_somerset.yaml",
        "Avon and Somerset Constabulary",
        Handling.P,
    ),
    (
        "intel/devon_and_cornwall.csv",
        "intel-devon-and-cornwall",
        "Devon and Cornwall intelligence reports",
        SourceKind.INTELLIGENCE,
        "intel_devon_and_cornwall.yaml",
        "Devon and Cornwall Police",
        Handling.P,
    ),
    (
        "intel/dorset.csv",
        "intel-dorset",
        "Dorset intelligence reports",
        SourceKind.INTELLIGENCE,
        "intel_dorset.yaml",
        "Dorset Police",
        Handling.P,
    ),
    (
        "intel/gloucestershire.csv",
        "intel-gloucestershire",
        "Gloucestershire intelligence reports",
        SourceKind.INTELLIGENCE,
        "intel_gloucestershire.yaml",
        "Gloucestershire Constabulary",
        Handling.P,
    ),
    (
        "intel/wiltshire.csv",
        "intel-wiltshire",
        "Wiltshire intelligence reports",
        SourceKind.INTELLIGENCE,
        "intel_wiltshire.yaml",
        "Wiltshire Police",
        Handling.P,
    ),
    (
        "custody.xlsx",
        "custody",
        "Regional custody extract",
        SourceKind.CUSTODY,
        "custody.yaml",
        "South West Regional Organised Crime Unit",
        Handling.P,
    ),
    (
        "anpr.csv",
        "anpr",
        "ANPR sightings",
        SourceKind.ANPR,
        "anpr.yaml",
        "South West Regional Organised Crime Unit",
        Handling.P,
    ),
    (
        "cdr.csv",
        "cdr",
        "Call data records",
        SourceKind.COMMUNICATIONS,
        "cdr.yaml",
        "South West Regional Organised Crime Unit",
        Handling.C,
    ),
    (
        "financial.jsonl",
        "financial",
        "Suspicious activity reports",
        SourceKind.FINANCIAL,
        "financial.yaml",
        "National Crime Agency",
        Handling.C,
    ),
    (
        "prison.csv",
        "prison",
        "Prison intelligence",
        SourceKind.PRISON,
        "prison.yaml",
        "South West Regional Organised Crime Unit",
        Handling.P,
    ),
    (
        "safeguarding.csv",
        "safeguarding-cheltenham",
        "Cheltenham safeguarding referrals",
        SourceKind.SAFEGUARDING,
        "safeguarding.yaml",
        "Cheltenham Borough Council",
        Handling.P,
    ),
    (
        "housing.csv",
        "housing-cheltenham",
        "Cheltenham Borough Homes tenancies",
        SourceKind.HOUSING,
        "housing.yaml",
        "Cheltenham Borough Homes",
        Handling.P,
    ),
    (
        "legacy.csv",
        "legacy-gloucestershire",
        "Gloucestershire legacy intelligence system (5x5x5)",
        SourceKind.LEGACY,
        "legacy.yaml",
        "Gloucestershire Constabulary",
        Handling.P,
    ),
]
CONDITIONS = {
    Handling.C: "Do not disclose outside law enforcement without the owner's written consent.",
}


def region_dir() -> Path:
    return Path(settings.VAR_DIR) / "demo-region"


def generate_region(size: str = "medium", progress: Callable[[str, int, int], None] | None = None) -> Path:
    from socmap.engines.synth import SynthConfig, generate

    out = region_dir()
    if (out / "manifest.json").exists():
        return out
    generate(SynthConfig(seed=DEMO_SEED, size=size), out_dir=out, force=True, progress=progress)
    return out


def _ingest_user(owner: Organisation) -> User:
    """A user of the owning organisation who may ingest; demo partners and national agencies get one."""
    user = User.objects.filter(organisation=owner, role_grants__role__in=services.INGESTERS).first()
    if user is not None:
        return user
    from socmap.apps.core import services as core_services
    from socmap.apps.core.demo import DEMO_PASSWORD

    return core_services.user_create(
        actor=None,
        username=f"ingest.{owner.slug}"[:150],
        password=DEMO_PASSWORD,
        organisation=owner,
        roles=["partner" if owner.is_partner else "analyst"],
        check_password=False,
        first_name="Data",
        last_name="Feed",
    )


def build_demo_intel(
    *,
    size: str = "medium",
    folder: Path | None = None,
    only: set[str] | None = None,
    on_file: Callable[[str], None] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> list[Batch]:
    """Generate the region (once) and ingest every file into its source."""
    folder = folder or generate_region(size)
    batches = []
    for file, name, title, kind, mapping, owner_name, handling in DEMO_SOURCES:
        if only is not None and name not in only:
            continue
        owner = Organisation.objects.get(name=owner_name)
        source = services.sources_ensure(
            [
                {
                    "owner": owner,
                    "name": name,
                    "title": title,
                    "kind": kind,
                    "mapping_name": mapping,
                    "handling": handling,
                    "conditions": CONDITIONS.get(handling, ""),
                }
            ]
        )[0]
        user = _ingest_user(owner)
        path = folder / file
        if on_file:
            on_file(file)
        start = services.batch_create(actor=user, source=source, path=path, file_name=path.name)
        batch = (
            start.batch if start.duplicate else services.batch_run(batch_id=start.batch.pk, progress=progress)
        )
        batches.append(batch)
    return batches
