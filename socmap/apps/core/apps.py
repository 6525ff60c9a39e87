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

        from socmap.apps.core.measures import Measure, register_measure
        from socmap.apps.core.selectors import measure_consultations, measure_documents

        register_measure(
            Measure(
                "documents-held",
                "Documents held",
                "Documents the organisation holds in socmap, as of the date",
                "count",
                measure_documents,
            )
        )
        register_measure(
            Measure(
                "consultations-90-days",
                "Records consulted in the last 90 days",
                "Audited consultations by the organisation's users in the 90 days before the date",
                "count",
                measure_consultations,
            )
        )
