from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "socmap.apps.workforce"
    label = "workforce"
    verbose_name = "Workforce: people, training and capability"

    def ready(self) -> None:
        from socmap.apps.core.navigation import NavItem, register_nav
        from socmap.apps.workforce import measures

        register_nav(NavItem("Workforce", "workforce:region", order=60))
        measures.register()
