from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "socmap.apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Sign-in, sign-out and failed sign-in are only observable through Django's auth signals.
        from socmap.apps.core import receivers  # noqa: F401
        from socmap.apps.core.models import Role
        from socmap.apps.core.navigation import NavItem, register_nav

        register_nav(NavItem("Home", "core:home", order=0))
        register_nav(NavItem("Documents", "core:document_list", order=80))
        register_nav(NavItem("Audit log", "core:audit_list", frozenset({Role.AUDITOR}), order=90))
        register_nav(
            NavItem("Organisations", "core:organisation_list", frozenset({Role.ADMINISTRATOR}), order=95)
        )
