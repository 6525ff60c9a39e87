from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "socmap.apps.inspections"
    label = "inspections"
    verbose_name = "Inspections and improvement"

    def ready(self) -> None:
        from socmap.apps.core.navigation import NavItem, register_nav
        from socmap.apps.inspections.measures import register

        register_nav(NavItem("Inspections", "inspections:finding_list", order=70))
        register_nav(NavItem("Improvement plan", "inspections:board", order=71))
        register()
