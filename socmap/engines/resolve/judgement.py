"""The rule that combines the judgements on a pair, and the standing decisions into clustering edges.

Judgements are append-only: a pair's history holds the model's judgements, users' decisions and
undos. Which one stands, and how much a standing match weighs when clustering must cut a chain, is
policy; it is decided here, once, without a database (the app passes its rows in).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

MATCH = "match"
NO_MATCH = "no_match"
UNSURE = "unsure"
UNDO = "undo"

#: A user's match outranks any machine score (probabilities are at most 1) when a chain is cut.
USER_MATCH_WEIGHT = 2.0


class Judged(Protocol):
    """What the rule needs of a judgement: its id, decision, the judgement it undoes, its user."""

    @property
    def id(self) -> int: ...

    @property
    def decision(self) -> str: ...

    @property
    def undoes_id(self) -> int | None: ...

    @property
    def user_id(self) -> int | None: ...


J = TypeVar("J", bound=Judged)


def standing_judgement(history: Iterable[J]) -> J | None:
    """The judgement that stands for a pair: the latest by a user, else the latest by the model.

    ``history`` is in the order the judgements were made. Undone judgements and the undos
    themselves never stand.
    """
    items = list(history)
    undone = {j.undoes_id for j in items if j.decision == UNDO}
    live = [j for j in items if j.decision != UNDO and j.id not in undone]
    by_users = [j for j in live if j.user_id is not None]
    chosen = by_users or live
    return chosen[-1] if chosen else None


def decision_edges(
    decisions: Iterable[tuple[str, str, str, bool, float | None]],
) -> tuple[list[tuple[str, str, float]], list[tuple[str, str]]]:
    """Standing decisions ``(left, right, state, by_user, probability)`` as clustering's edges.

    Matches become weighted positive edges (a user's at ``USER_MATCH_WEIGHT``, the model's at its
    probability); not-the-same decisions become negative edges; anything else is no edge.
    """
    positive: list[tuple[str, str, float]] = []
    negative: list[tuple[str, str]] = []
    for left, right, state, by_user, probability in decisions:
        if state == NO_MATCH:
            negative.append((left, right))
        elif state == MATCH:
            positive.append((left, right, USER_MATCH_WEIGHT if by_user else float(probability or 0.0)))
    return positive, negative
