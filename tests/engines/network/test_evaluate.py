"""How proposals are scored against planted groups (the definition the bench uses for both methods)."""

from __future__ import annotations

import pytest

from socmap.engines.network import evaluate

TRUTH = {"a": "OCG1", "b": "OCG1", "c": "OCG1", "x": "OCG2", "y": "OCG2", "z": "OCG2"}
PEOPLE = [*TRUTH, "p1", "p2", "p3", "p4"]


def test_a_perfect_proposal_scores_one_over_members_and_over_everyone() -> None:
    result = evaluate({"g1": {"a", "b", "c"}, "g2": {"x", "y", "z"}}, TRUTH, (), population=PEOPLE)
    assert result.nmi == pytest.approx(1.0)
    assert result.nmi_members == pytest.approx(1.0)
    assert result.people == len(PEOPLE)


def test_outsiders_proposed_in_a_group_cost_only_when_everyone_is_scored() -> None:
    padded = {"g1": {"a", "b", "c", "p1", "p2"}, "g2": {"x", "y", "z"}}
    result = evaluate(padded, TRUTH, (), population=PEOPLE)
    assert result.nmi_members == pytest.approx(1.0)
    assert result.nmi < 0.9
    assert result.member_precision == pytest.approx(6 / 8)


def test_without_a_population_only_planted_members_are_scored() -> None:
    result = evaluate({"g1": {"a", "b", "c", "p1"}}, TRUTH, ())
    assert result.nmi == result.nmi_members
    assert result.people == len(TRUTH)
    assert result.member_recall == pytest.approx(0.5)


def test_priority_individual_precision_and_recall() -> None:
    result = evaluate({}, TRUTH, {"p1", "p2"}, proposed_priority_individuals={"p1", "p3", "p4"})
    assert (result.pi_true_positives, result.pi_precision, result.pi_recall) == (1, pytest.approx(1 / 3), 0.5)
