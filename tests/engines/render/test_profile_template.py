from __future__ import annotations

from pathlib import Path

import pytest

from socmap.engines.render.profile_template import template_load, template_read
from socmap.errors import InvalidModel

SHIPPED = Path(__file__).parents[3] / "socmap" / "apps" / "profile" / "template.yaml"

GOOD = """name: t
version: 1
title: A profile
marking: OFFICIAL
sections:
  - key: threat_picture
    title: The threat picture
    owner: force
    measures: [threats_by_theme]
    charts: [threats_by_theme]
"""


def test_the_shipped_template_loads_with_every_section_the_profile_needs() -> None:
    template = template_read(SHIPPED)
    keys = [s.key for s in template.sections]
    assert keys[0] == "threat_picture" and "method" in keys and "recommendations" in keys
    assert all(s.owner for s in template.sections)


def test_a_good_template_loads() -> None:
    template = template_load(GOOD)
    assert template.sections[0].measures == ("threats_by_theme",)


def test_an_unknown_measure_is_refused_with_file_and_line() -> None:
    with pytest.raises(InvalidModel) as err:
        bad = GOOD.replace("measures: [threats_by_theme]", "measures: [threats_by_theme, crystal_ball]")
        template_load(bad, file="mine.yaml")
    row = next(r for r in err.value.rows if "crystal_ball" in r.message)
    assert (row.file, row.row, row.field) == ("mine.yaml", 9, "measures")
    assert "Unknown measure 'crystal_ball'" in row.message


def test_a_section_without_an_owner_is_refused() -> None:
    with pytest.raises(InvalidModel) as err:
        template_load(GOOD.replace("    owner: force\n", ""))
    assert any(r.field == "owner" and "has no owner" in r.message and r.row == 6 for r in err.value.rows)


def test_an_unknown_owner_and_a_chart_without_its_measure_are_refused_together() -> None:
    text = GOOD.replace("owner: force", "owner: astrologer").replace(
        "charts: [threats_by_theme]", "charts: [disruptions_by_p]"
    )
    with pytest.raises(InvalidModel) as err:
        template_load(text)
    messages = [r.message for r in err.value.rows]
    assert any("Unknown owner 'astrologer'" in m for m in messages)
    assert any("needs measure 'disruptions_by_p'" in m for m in messages)


def test_yaml_that_does_not_parse_is_refused_with_its_line() -> None:
    with pytest.raises(InvalidModel) as err:
        template_load("name: t\nsections: [\n", file="broken.yaml")
    assert err.value.rows[0].file == "broken.yaml"


def test_a_repeated_section_key_is_refused() -> None:
    text = GOOD + "  - key: threat_picture\n    title: Again\n    owner: force\n"
    with pytest.raises(InvalidModel) as err:
        template_load(text)
    assert any("appears twice" in r.message for r in err.value.rows)
