from django.apps import AppConfig


class ProfileConfig(AppConfig):
    name = "socmap.apps.profile"
    label = "profile"
    verbose_name = "SOC local profile"

    def ready(self) -> None:
        from socmap.apps.core.models import Role
        from socmap.apps.core.navigation import NavItem, register_nav

        register_nav(
            NavItem(
                "Local profile",
                "profile:list",
                frozenset({Role.ANALYST, Role.SUPERVISOR, Role.PARTNER, Role.INTELLIGENCE_OFFICER, Role.LRO}),
                order=60,
            )
        )
