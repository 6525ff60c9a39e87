"""The board pack: built for each member from the live priorities and disruption figures that member
may see itself (through the other apps' selectors, so through the one visibility rule)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from socmap.apps.core import clock
from socmap.apps.core.models import User
from socmap.apps.partnership.models import Board
from socmap.apps.partnership.selectors.board import QuarterFigures, actions, quarter_start, quarters


@dataclass(frozen=True)
class BoardPack:
    board: Board
    made_on: date
    priorities: list[Any]
    disruptions: list[tuple[str, str, int]]  # (4P, impact, validated disruptions this quarter)
    disruption_total: int
    overdue: list[Any]
    figures: list[QuarterFigures]
    referrals: dict[str, Any]


def board_pack(*, viewer: User, board: Board) -> BoardPack:
    from socmap.apps.assessment.selectors import ThreatFilter, threat_list
    from socmap.apps.lifetime.models import DisruptionStatus, Impact, P
    from socmap.apps.lifetime.selectors import DisruptionFilter, disruption_list
    from socmap.apps.partnership.selectors.referrals import referral_figures

    today = clock.today()
    priorities = list(threat_list(viewer=viewer, filters=ThreatFilter(status="adopted"), per_page=10).items)
    if not priorities:
        priorities = list(threat_list(viewer=viewer, filters=ThreatFilter(), per_page=10).items)
    since = quarter_start(today)
    rows: list[tuple[str, str, int]] = []
    total = 0
    for p in P:
        for impact in Impact:
            n = disruption_list(
                viewer=viewer,
                filters=DisruptionFilter(
                    status=DisruptionStatus.VALIDATED, p=p.value, impact=impact.value, date_from=since
                ),
                per_page=1,
            ).total
            if n:
                rows.append((str(p.label), str(impact.label), n))
                total += n
    return BoardPack(
        board=board,
        made_on=today,
        priorities=priorities,
        disruptions=rows,
        disruption_total=total,
        overdue=list(actions(board=board, overdue_only=True)),
        figures=quarters(board),
        referrals=referral_figures(viewer=viewer),
    )
