from django.apps import AppConfig


class TaskingConfig(AppConfig):
    name = "socmap.apps.tasking"
    label = "tasking"
    verbose_name = "Regional tasking"

    def ready(self) -> None:
        from socmap.apps.core.models import Role
        from socmap.apps.core.navigation import NavItem, register_landing, register_nav
        from socmap.apps.core.panels import Panel, register_panel
        from socmap.apps.tasking import selectors

        register_nav(
            NavItem(
                "Tasking",
                "tasking:home",
                frozenset({Role.TASKING, Role.ANALYST, Role.SUPERVISOR, Role.LRO, Role.INTELLIGENCE_OFFICER}),
                order=50,
            )
        )
        # The ROCU's tasking team lands on the regional board; a force's tasking lead on its outcomes.
        register_landing(Role.TASKING, "tasking:home")
        register_panel(
            Panel("threat", "tasking/_threat_history.html", selectors.threat_history_panel, order=50)
        )
