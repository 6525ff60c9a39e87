from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "socmap.apps.assessment"
    label = "assessment"
    verbose_name = "Threat assessment and priorities"

    def ready(self) -> None:
        from socmap.apps.assessment import selectors, worklist

        worklist.register()  # the home page's work list
        from socmap.apps.core.measures import Measure, register_measure
        from socmap.apps.core.models import Role
        from socmap.apps.core.navigation import NavItem, register_nav

        register_nav(
            NavItem(
                "Threats",
                "assessment:priorities",
                frozenset({Role.ANALYST, Role.SUPERVISOR, Role.TASKING, Role.INTELLIGENCE_OFFICER, Role.LRO}),
                order=40,
            )
        )
        register_measure(
            Measure(
                "threat-assessments-approved",
                "Threat assessments approved",
                "Threat assessments owned by the organisation approved by the date",
                "count",
                selectors.measure_assessments_approved,
            )
        )
