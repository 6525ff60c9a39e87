"""The rule that combines a pair's judgements, and standing decisions as clustering edges."""

from __future__ import annotations

from dataclasses import dataclass

from socmap.engines.resolve.judgement import (
    MATCH,
    NO_MATCH,
    UNDO,
    UNSURE,
    USER_MATCH_WEIGHT,
    decision_edges,
    standing_judgement,
)


@dataclass(frozen=True)
class J:
    id: int
    decision: str
    user_id: int | None = None
    undoes_id: int | None = None


def test_a_users_decision_stands_over_a_later_model_judgement() -> None:
    history = [J(1, MATCH), J(2, NO_MATCH, user_id=7), J(3, MATCH)]
    assert standing_judgement(history) == history[1]


def test_the_latest_model_judgement_stands_when_no_user_decided() -> None:
    history = [J(1, MATCH), J(2, NO_MATCH)]
    assert standing_judgement(history) == history[1]


def test_an_undone_decision_and_the_undo_never_stand() -> None:
    history = [J(1, MATCH), J(2, NO_MATCH, user_id=7), J(3, UNDO, user_id=7, undoes_id=2)]
    assert standing_judgement(history) == history[0]
    assert standing_judgement([J(1, MATCH, user_id=7), J(2, UNDO, user_id=7, undoes_id=1)]) is None


def test_nothing_stands_without_judgements() -> None:
    assert standing_judgement([]) is None


def test_a_users_match_outweighs_any_score_and_a_no_match_cuts() -> None:
    positive, negative = decision_edges(
        [
            ("a", "b", MATCH, True, 0.2),
            ("b", "c", MATCH, False, 0.97),
            ("c", "d", NO_MATCH, True, 0.9),
            ("d", "e", UNSURE, True, 0.5),
            ("e", "f", MATCH, False, None),
        ]
    )
    assert positive == [("a", "b", USER_MATCH_WEIGHT), ("b", "c", 0.97), ("e", "f", 0.0)]
    assert negative == [("c", "d")]
