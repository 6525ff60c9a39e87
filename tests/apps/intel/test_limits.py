"""Upload size per source, and a zip-bomb workbook refused whole with the reason, nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from socmap.apps.intel import services
from socmap.apps.intel.models import Batch, BatchStatus, QuarantinedRow, Record, Source
from socmap.errors import InvalidInput
from tests.engines.ingest.test_limits import _zip_bomb


def _source(owner: object, mapping: str, **extra: object) -> Source:
    return Source.objects.create(
        owner=owner,
        name=f"src-{mapping[:6]}",
        title="Custody extract",
        kind="custody",
        mapping_name=mapping,
        **extra,
    )


@pytest.mark.django_db
def test_a_file_over_its_sources_upload_limit_is_refused_naming_file_and_limit(
    analyst: object, tmp_path: Path
) -> None:
    source = _source(analyst.organisation, "safeguarding.yaml", max_upload_bytes=1024 * 1024)  # type: ignore[attr-defined]
    path = tmp_path / "referrals.csv"
    path.write_bytes(b"x" * (2 * 1024 * 1024))
    with pytest.raises(InvalidInput) as caught:
        services.batch_create(actor=analyst, source=source, path=path, file_name="referrals.csv")  # type: ignore[arg-type]
    assert (
        "referrals.csv is 2,097,152 bytes, larger than the 1 MB Custody extract accepts"
        in caught.value.message
    )
    assert caught.value.fields == {"file": ["referrals.csv is over 1 MB"]}
    assert not Batch.objects.exists()


@pytest.mark.django_db
def test_a_zip_bomb_uploaded_to_a_source_is_refused_and_stores_nothing(
    analyst: object, tmp_path: Path
) -> None:
    source = _source(analyst.organisation, "custody.yaml")  # type: ignore[attr-defined]
    bomb = _zip_bomb(tmp_path / "custody.xlsx", 16 * 1024 * 1024)
    start = services.batch_create(actor=analyst, source=source, path=bomb, file_name="custody.xlsx")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        services.batch_run(batch_id=start.batch.pk)
    batch = Batch.objects.get(pk=start.batch.pk)
    assert batch.status == BatchStatus.REFUSED
    assert (
        "custody.xlsx: part xl/worksheets/sheet1.xml unpacks" in batch.message and "zip bomb" in batch.message
    )
    assert not Record.objects.exists() and not QuarantinedRow.objects.exists()
