"""Loading the catalogue of orders and powers: the shipped one is complete; a wrong one is refused at
load with the file, the line and the reason of every problem."""

from __future__ import annotations

import pytest

from socmap.engines.lifetime import DEFAULT_CATALOGUE, Span, load_catalogue, parse_catalogue
from socmap.errors import InvalidModel

SMALL = """\
version: 1
reviews:
  months_by_band: {high: 1, default: 3}
workload:
  weights_by_band: {high: 3, default: 1}
orders:
  - key: scpo
    name: Serious Crime Prevention Order
    short: SCPO
    act: Serious Crime Act 2007
    rule: up to 5 years
    applicants: [Crown Prosecution Service]
    courts: [Crown Court]
    duration: {max: {years: 5}}
powers:
  - key: licensing_review
    name: Review of a premises licence
    owner_type: council
    law: Licensing Act 2003, section 51
"""


def _refused(text: str) -> str:
    with pytest.raises(InvalidModel) as caught:
        parse_catalogue(text, file="orders.yaml")
    return caught.value.message


def test_the_shipped_catalogue_has_every_order_of_the_domain_notes_and_the_partner_powers() -> None:
    catalogue = load_catalogue(DEFAULT_CATALOGUE)
    assert set(catalogue.orders) == {"scpo", "stpo", "stro", "tro", "cbo", "gang_injunction", "uwo", "afo"}
    assert catalogue.orders["scpo"].duration.maximum == Span(years=5)  # type: ignore[union-attr]
    assert catalogue.orders["stpo"].duration.minimum == Span(years=5)  # type: ignore[union-attr]
    assert catalogue.orders["tro"].duration.from_release  # type: ignore[union-attr]
    assert str(catalogue.orders["uwo"].amount.more_than) == "50000"  # type: ignore[union-attr]
    assert str(catalogue.orders["afo"].amount.at_least) == "1000"  # type: ignore[union-attr]
    owners = {p.owner_type for p in catalogue.powers.values()}
    assert {"council", "housing", "dwp", "hmrc", "immigration"} <= owners
    assert "director_disqualification" in catalogue.powers
    assert catalogue.keys[: len(catalogue.orders)] == tuple(catalogue.orders)


def test_a_small_valid_catalogue_loads_with_its_policy_numbers() -> None:
    catalogue = parse_catalogue(SMALL, file="orders.yaml")
    assert catalogue.review_months_for("high") == 1
    assert catalogue.review_months_for("low") == 3  # the default
    assert catalogue.weight_for("high") == 3 and catalogue.weight_for("medium") == 1
    assert catalogue.alert_days["stale_after"] == 90 and catalogue.release_window_days == 90


def test_an_unknown_field_is_refused_with_file_line_and_reason() -> None:
    text = SMALL.replace("    rule: up to 5 years\n", "    rule: up to 5 years\n    maximum_years: 5\n")
    message = _refused(text)
    assert "orders.yaml, line 12, orders[0].maximum_years" in message
    assert "unknown field 'maximum_years' in an order" in message


def test_an_unknown_field_in_a_duration_is_refused_with_its_line() -> None:
    message = _refused(
        SMALL.replace("duration: {max: {years: 5}}", "duration: {max: {years: 5}, longest: 3}")
    )
    assert "orders.yaml, line 14, orders.scpo.duration.longest: unknown field 'longest'" in message


def test_a_minimum_above_its_maximum_is_refused_with_file_line_and_reason() -> None:
    message = _refused(SMALL.replace("{max: {years: 5}}", "{min: {years: 6}, max: {years: 5}}"))
    assert "orders.yaml, line 14, orders.scpo.duration.min" in message
    assert "the minimum (6 years) is above the maximum (5 years)" in message


def test_a_minimum_longer_than_its_maximum_only_in_some_months_is_still_refused() -> None:
    # 1 month is longer than 30 days after any 31-day month's start (31 January to 28 February is not).
    message = _refused(SMALL.replace("{max: {years: 5}}", "{min: {months: 1}, max: {days: 30}}"))
    assert "the minimum (1 month) is above the maximum (30 days)" in message


def test_a_power_with_no_owner_type_is_refused_with_file_line_and_reason() -> None:
    message = _refused(SMALL.replace("    owner_type: council\n", ""))
    assert "orders.yaml, line 16, powers.licensing_review.owner_type" in message
    assert "a power needs the type of organisation that holds it" in message


def test_a_power_owned_by_an_unknown_type_of_organisation_is_refused() -> None:
    message = _refused(SMALL.replace("owner_type: council", "owner_type: parish"))
    assert "line 18" in message and "unknown owner type 'parish'" in message


def test_every_problem_is_reported_at_once() -> None:
    text = SMALL.replace("    owner_type: council\n", "").replace(
        "{max: {years: 5}}", "{min: {years: 6}, max: {years: 5}}"
    )
    message = _refused(text)
    assert message.startswith("orders.yaml: 2 problems")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "{max: {years: 5}}",
            "{max: {years: 5}, open_ended: true}",
            "an order with a maximum cannot be open-ended",
        ),
        (
            "{max: {years: 5}}",
            "{set_by_court: true, min: {years: 1}}",
            "a duration set by the court has no minimum",
        ),
        ("{max: {years: 5}}", "{max: {years: -1}}", "'years' must be a whole number from 0"),
        ("{max: {years: 5}}", "{max: {years: 0}}", "must be longer than no time at all"),
        ("{max: {years: 5}}", "{from: sentence, max: {years: 5}}", "'from' must be start or release"),
        ("{max: {years: 5}}", "{open_ended: true}", "a duration needs a minimum, a maximum, or set_by_court"),
        ("    courts: [Crown Court]\n", "    courts: []\n", "'courts' must be a list of names"),
        ("version: 1", "version: one", "'version' must be a whole number from 1"),
        ("  - key: licensing_review", "  - key: scpo", "the key 'scpo' is used twice"),
        ("{high: 1, default: 3}", "{high: 1}", "with a default"),
        ("{high: 3, default: 1}", "{high: 0, default: 1}", "'high' must be a whole number from 1"),
        (
            "duration: {max: {years: 5}}",
            "amount: {label: value, more_than: lots}",
            "must be a sum of money above 0",
        ),
        (
            "duration: {max: {years: 5}}",
            "amount: {label: value, more_than: 5, at_least: 5}",
            "exactly one of",
        ),
    ],
)
def test_each_inconsistency_is_refused_with_its_reason(old: str, new: str, expected: str) -> None:
    assert old in SMALL
    assert expected in _refused(SMALL.replace(old, new, 1))


def test_text_that_is_not_yaml_names_the_line() -> None:
    message = _refused("version: 1\norders: [\n")
    assert message.startswith("orders.yaml, line ") and "not valid YAML" in message


def test_a_missing_file_is_refused_by_name(tmp_path: object) -> None:
    with pytest.raises(InvalidModel, match=r"nothing\.yaml: cannot be read"):
        load_catalogue(f"{tmp_path}/nothing.yaml")
