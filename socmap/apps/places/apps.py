from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "socmap.apps.places"
    label = "places"
    verbose_name = "Places: Clear, Hold, Build operations"

    def ready(self) -> None:
        from socmap.apps.core.measures import Measure, register_measure
        from socmap.apps.core.navigation import NavItem, register_nav
        from socmap.apps.places import selectors

        register_nav(NavItem("Places", "places:operation_list", order=65))
        register_measure(
            Measure(
                "chb-operations-active",
                "Clear, Hold, Build operations active",
                "Operations owned by the organisation in a phase on the date",
                "count",
                selectors.measure_active_operations,
            )
        )
