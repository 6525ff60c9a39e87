"""Officers' workload: counts of the subjects given, and the same counts weighted by threat band."""

from __future__ import annotations

from socmap.engines.lifetime import HeldSubject, load_catalogue, workload

CATALOGUE = load_catalogue()


def test_figures_are_the_counts_of_the_subjects_and_weights_follow_the_band() -> None:
    subjects = [
        HeldSubject(
            1, "group", "high", lro_id=1, deputy_id=2, open_actions=3, overdue_actions=1, review_overdue=True
        ),
        HeldSubject(
            2,
            "group",
            "low",
            lro_id=1,
            deputy_id=None,
            open_actions=1,
            overdue_actions=0,
            review_overdue=False,
        ),
        HeldSubject(
            3,
            "individual",
            "medium",
            lro_id=2,
            deputy_id=1,
            open_actions=0,
            overdue_actions=0,
            review_overdue=True,
        ),
        HeldSubject(
            4,
            "group",
            "",
            lro_id=None,
            deputy_id=None,
            open_actions=5,
            overdue_actions=5,
            review_overdue=True,
        ),
    ]
    rows = {r.officer_id: r for r in workload(CATALOGUE, subjects, officers=[1, 2, 9])}
    one, two, idle = rows[1], rows[2], rows[9]
    assert (one.groups, one.individuals, one.held, one.deputy_for) == (2, 0, 2, 1)
    assert (one.open_actions, one.overdue_actions, one.overdue_reviews) == (4, 1, 1)
    high, medium, low = (CATALOGUE.weight_for(b) for b in ("high", "medium", "low"))
    assert one.weighted_subjects == high + low
    assert one.weighted_actions == 3 * high + 1 * low
    assert one.weighted_overdue_reviews == high
    assert one.by_band == {"high": 1, "low": 1}
    assert (two.groups, two.individuals, two.deputy_for, two.weighted_overdue_reviews) == (0, 1, 1, medium)
    assert idle.held == 0 and idle.open_actions == 0
    assert 4 not in rows and len(rows) == 3  # a subject with no officer is nobody's load


def test_an_unscored_subject_weighs_the_default() -> None:
    rows = workload(CATALOGUE, [HeldSubject(1, "group", "", 5, None, 0, 0, False)])
    assert rows[0].weighted_subjects == CATALOGUE.weight_for("default")
    assert rows[0].by_band == {"unscored": 1}
