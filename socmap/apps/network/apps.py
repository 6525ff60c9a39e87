from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "socmap.apps.network"
    label = "network"
    verbose_name = "Networks and organised crime groups"

    def ready(self) -> None:
        from socmap.apps.core.measures import Measure, register_measure
        from socmap.apps.core.navigation import NavItem, register_nav
        from socmap.apps.network import selectors, worklist

        worklist.register()  # the home page's work list

        register_nav(NavItem("Groups", "network:ocg_list", order=30))
        # Groups and roles on resolution's person page (resolution is below this app).
        from socmap.apps.core.panels import Panel, register_panel
        from socmap.apps.network.person_panel import person_groups_panel

        register_panel(Panel("person", "network/_person_groups.html", person_groups_panel, order=10))
        register_measure(
            Measure(
                "ocgs-adopted",
                "Organised crime groups adopted",
                "Groups adopted (mapped, with an LRO) with the organisation as lead force by the date",
                "count",
                selectors.measure_ocgs_adopted,
            )
        )
