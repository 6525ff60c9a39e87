from __future__ import annotations

from datetime import date

import pytest

from socmap.engines.allocate import parse_capabilities
from socmap.errors import InvalidModel

GOOD = """\
capabilities:
  - key: surveillance
    label: Covert surveillance
    owner: SW
    unit: team-weeks
    per_week: 3
    hours_per_unit: 300
    min_weeks: 2
    changes:
      - {from: 2026-08-03, to: 2026-08-16, per_week: 1, reason: summer leave}
"""


def test_a_register_is_read_with_its_changes_of_capacity() -> None:
    register = parse_capabilities(GOOD, file="caps.yaml")
    cap = register.capabilities[0]
    assert cap.capacity(date(2026, 7, 27), 4) == (3, 1, 1, 3)
    assert register.impact("major") == 1.0


def test_every_problem_is_named_with_file_line_and_field() -> None:
    bad = GOOD.replace("unit: team-weeks", "unit: fortnights").replace("per_week: 3", "per_week: -1")
    with pytest.raises(InvalidModel) as caught:
        parse_capabilities(bad + "  - key: surveillance\n    label: Twice\n", file="caps.yaml")
    message = caught.value.message
    assert "caps.yaml, line 5, capabilities[0].unit: unknown unit 'fortnights'" in message
    assert "line 6, capabilities[0].per_week" in message
    assert "the key 'surveillance' is used twice" in message
    assert "capabilities[1].owner: 'owner' is required" in message


def test_a_register_that_is_not_yaml_says_where() -> None:
    with pytest.raises(InvalidModel, match=r"caps.yaml, line \d: not valid YAML"):
        parse_capabilities("capabilities:\n  - key: [unclosed\n", file="caps.yaml")
