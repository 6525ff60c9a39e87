"""The demo's progress as one line per step, in a log file and on an output that is no terminal."""

from __future__ import annotations

import io
import re
from pathlib import Path

from socmap.steplog import StepLog


def test_each_step_is_one_line_with_its_counts_and_seconds_in_the_file_and_the_stream(
    tmp_path: Path,
) -> None:
    out = io.StringIO()
    log = StepLog(path=tmp_path / "log" / "demo.log", stream=out)
    with log.step("Sources ingested") as n:
        n.update(files=3, rows=12345)
        n["new records"] = 9876
    with log.step("Threats assessed"):
        pass
    log.total("Demo region built")
    lines = out.getvalue().splitlines()
    assert (tmp_path / "log" / "demo.log").read_text().splitlines() == lines
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d Sources ingested: 3 files, 12,345 rows, 9,876 new records \(\d+\.\ds\)", lines[0]
    )
    assert re.fullmatch(r"\d\d:\d\d:\d\d Threats assessed: done \(\d+\.\ds\)", lines[1])
    assert re.fullmatch(r"\d\d:\d\d:\d\d Demo region built in \d+\.\ds", lines[2])


def test_on_a_terminal_the_lines_go_to_the_file_only(tmp_path: Path) -> None:
    log = StepLog(path=tmp_path / "demo.log", stream=None)
    with log.step("People resolved") as n:
        n["records"] = 5
    assert "People resolved: 5 records" in (tmp_path / "demo.log").read_text()
