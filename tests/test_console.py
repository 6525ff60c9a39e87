"""Text from data printed through Rich is never read as markup: no crash, nothing swallowed."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from socmap.cli import app
from socmap.console import markup, plain

runner = CliRunner()
NASTY = ["[/comment]", "[on]2 March[/on]", "[red]x", "[/]", "\\", "a\\[b]", "[link=http://x]y[/link]"]


def _printed(*items: object) -> str:
    out = io.StringIO()
    Console(file=out, width=500, color_system=None).print(*items, highlight=False)
    return out.getvalue().rstrip("\n")


PRINTABLE = st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Co", "Zl", "Zp", "Mn", "Me"))


@given(st.text(alphabet=st.sampled_from(list("[]/\\=onrdbx :")) | PRINTABLE, max_size=60))
def test_any_data_slotted_into_markup_prints_exactly_as_it_is(text: str) -> None:
    assert _printed(markup("[green]{value}[/]!", value=text)) == f"{text}!"


@pytest.mark.parametrize("text", NASTY)
def test_a_cell_from_data_is_plain_text(text: str) -> None:
    assert _printed(plain(text)) == text


@pytest.mark.django_db
def test_an_error_quoting_markup_is_printed_as_it_is_not_a_crash() -> None:
    result = runner.invoke(app, ["assess", "list", "--as", "nobody[/comment]"])
    assert result.exit_code == 2, result.output
    assert "No active user called 'nobody[/comment]'" in result.output


@pytest.mark.django_db
def test_a_threat_title_with_brackets_is_listed_as_written(analyst: object) -> None:
    from socmap.apps.assessment import services

    services.threat_create(
        actor=analyst,  # type: ignore[arg-type]
        kind="thematic",
        title="[b]C[/b] [/x]",
        theme="county_lines",
    )
    result = runner.invoke(app, ["assess", "list", "--as", "analyst"])
    assert result.exit_code == 0, result.output
    assert "[b]C[/b]" in result.output and "[/x]" in result.output  # the cell may wrap
