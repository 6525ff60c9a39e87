"""Synthetic South West region: sources as real systems export them, with their ground truth.

``generate(SynthConfig(seed=42, size="small"), out_dir=path)`` writes force intelligence reports,
a custody extract, ANPR sightings, call data records, a financial intelligence feed, prison
intelligence, partner safeguarding and housing records and a legacy 5x5x5 source, each with its
own conventions and planted noise, plus ``truth/`` (who every record really is, the true groups
and links), a dataset ``README.md`` and ``manifest.json``. The same seed and parameters give
byte-identical files. Pure Python: no Django.
"""

from __future__ import annotations

import csv
import json
import os
import pathlib
import shutil
import time

from socmap.engines.synth.common import Context, encodings_for
from socmap.engines.synth.feeds import write_anpr, write_cdr, write_financial
from socmap.engines.synth.intel import write_intel
from socmap.engines.synth.output import FileInfo, MalformedLog, RecordsTruth, sha256_of
from socmap.engines.synth.partners import (
    write_custody,
    write_housing,
    write_legacy,
    write_prison,
    write_safeguarding,
)
from socmap.engines.synth.readme import dataset_readme
from socmap.engines.synth.truth import write_truth
from socmap.engines.synth.types import SIZES, NoiseRates, Progress, SynthConfig, SynthResult
from socmap.engines.synth.world import PERIOD_END, PERIOD_START, build_world

__all__ = ["SIZES", "NoiseRates", "Progress", "SynthConfig", "SynthResult", "generate"]

GENERATOR_VERSION = "1"

#: Each source's share of the source records; ANPR is the bulk, as in a real force.
SHARES: dict[str, float] = {
    "intel": 0.10,
    "custody": 0.05,
    "anpr": 0.55,
    "cdr": 0.12,
    "financial": 0.04,
    "prison": 0.02,
    "safeguarding": 0.03,
    "housing": 0.06,
    "legacy": 0.03,
}
SOURCE_FILES = (
    "intel/avon_and_somerset.csv",
    "intel/devon_and_cornwall.csv",
    "intel/dorset.csv",
    "intel/gloucestershire.csv",
    "intel/wiltshire.csv",
    "custody.xlsx",
    "anpr.csv",
    "cdr.csv",
    "financial.jsonl",
    "prison.csv",
    "safeguarding.csv",
    "housing.csv",
    "legacy.csv",
)


def budgets(records: int) -> dict[str, int]:
    """How many records each source gets for a total; rounding goes to ANPR."""
    shares = {name: round(records * share) for name, share in SHARES.items()}
    shares["anpr"] += records - sum(shares.values())
    return shares


def generate(
    config: SynthConfig, out_dir: pathlib.Path, *, force: bool = False, progress: Progress | None = None
) -> SynthResult:
    """Generate the synthetic region into ``out_dir``.

    Validates first and raises one ``InvalidInput`` listing every problem, writing nothing. The
    files are built in a staging folder beside ``out_dir`` and moved in only when all are done, so
    a failed run leaves no half-written dataset. With ``force`` the dataset's own files in a
    non-empty ``out_dir`` are replaced; other files there are left alone.
    """
    out_dir = pathlib.Path(out_dir)
    config.validate(out_dir, force=force)
    began = time.perf_counter()
    records = config.records
    staging = out_dir.parent / f".{out_dir.name}.synth-partial"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        result = _generate(config, records, staging, progress)
        out_dir.mkdir(parents=True, exist_ok=True)
        for info in result:
            target = out_dir / info.path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / info.path, target)
        os.replace(staging / "manifest.json", out_dir / "manifest.json")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    return SynthResult(
        out_dir=out_dir,
        files=[(f["path"], f["sha256"], f["rows"]) for f in manifest["files"]],
        counts=manifest["counts"],
        manifest_path=out_dir / "manifest.json",
        seconds=time.perf_counter() - began,
    )


def _generate(
    config: SynthConfig, records: int, root: pathlib.Path, progress: Progress | None
) -> list[FileInfo]:
    def tell(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    tell("world", 0, 1)
    world = build_world(
        config.seed, records, config.noise, config.bystander_max_offenders, group_sizes=config.group_sizes
    )
    tell("world", 1, 1)
    (root / "truth").mkdir(parents=True, exist_ok=True)
    truth = RecordsTruth(root / "truth" / "records.csv")
    ctx = Context(world, config, root, truth, MalformedLog(), progress, encodings_for(config.noise.cp1252))
    ctx.index_links()
    plan = budgets(records)
    writers = (
        ("intel", write_intel),
        ("custody", write_custody),
        ("anpr", write_anpr),
        ("cdr", write_cdr),
        ("financial", write_financial),
        ("prison", write_prison),
        ("safeguarding", write_safeguarding),
        ("housing", write_housing),
        ("legacy", write_legacy),
    )
    for number, (name, writer) in enumerate(writers):
        tell("sources", number, len(writers))
        writer(ctx, plan[name])
    tell("sources", len(writers), len(writers))
    truth.close()
    tell("truth", 0, 1)
    source_files = sorted(ctx.files, key=lambda f: SOURCE_FILES.index(f.path))
    for info in source_files:
        if info.format == "csv":
            encoding = "utf-8-sig" if info.encoding == "utf-8" else info.encoding
            with (root / info.path).open(encoding=encoding, newline="") as handle:
                info.extra["columns"] = next(
                    csv.reader(handle, delimiter=str(info.extra.get("delimiter", ",")))
                )
    truth_files = [
        FileInfo("truth/records.csv", truth.rows, "csv", "utf-8", "Who every source record really is")
    ]
    truth_files += write_truth(world, root, ctx.malformed)
    counts = {
        **world.counts(),
        "source_records": sum(f.rows for f in source_files),
        **{f"records_{f.path.replace('/', '_').rsplit('.', 1)[0]}": f.rows for f in source_files},
        "malformed_rows": len(ctx.malformed.rows),
        "truth_record_rows": truth.rows,
    }
    readme = FileInfo("README.md", 0, "markdown", "utf-8", "This dataset's documentation")
    (root / "README.md").write_text(
        dataset_readme(config, records, source_files, truth_files, counts), encoding="utf-8", newline="\n"
    )
    files = [*source_files, *truth_files, readme]
    for info in files:
        info.sha256 = sha256_of(root / info.path)
    manifest = {
        "generator": "socmap.engines.synth",
        "version": GENERATOR_VERSION,
        "seed": config.seed,
        "size": config.size,
        "target_records": records,
        "period": {"start": PERIOD_START.isoformat(), "end": PERIOD_END.isoformat()},
        "parameters": {
            "rates": config.noise.as_dict(),
            "bystander_max_offenders": config.bystander_max_offenders,
            "group_sizes": config.group_sizes,
        },
        "counts": counts,
        "files": [
            {
                "path": f.path,
                "sha256": f.sha256,
                "rows": f.rows,
                "format": f.format,
                "encoding": f.encoding,
                "description": f.description,
                **f.extra,
            }
            for f in files
        ],
    }
    (root / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    tell("truth", 1, 1)
    return files
