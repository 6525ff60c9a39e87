from django.apps import AppConfig


class ResolutionConfig(AppConfig):
    name = "socmap.apps.resolution"
    label = "resolution"
    verbose_name = "Entity resolution"

    def ready(self) -> None:
        from socmap.apps.core.measures import Measure, register_measure
        from socmap.apps.core.models import Role
        from socmap.apps.core.navigation import NavItem, register_nav
        from socmap.apps.resolution import selectors, worklist

        worklist.register()  # the home page's work list

        register_nav(
            NavItem(
                "Review matches", "resolution:queue", frozenset({Role.ANALYST, Role.SUPERVISOR}), order=25
            )
        )
        register_measure(
            Measure(
                "match-decisions",
                "Match decisions made by analysts",
                "Decisions on possible duplicate people recorded by the organisation's users by the date",
                "count",
                selectors.judgement_count,
            )
        )
