from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "socmap.apps.assessment"
    label = "assessment"
    verbose_name = "Threat assessment and priorities"

    def ready(self) -> None:
        from socmap.apps.assessment import selectors, worklist
        from socmap.apps.assessment.panels import ocg_threat_panel

        worklist.register()  # the home page's work list
        from socmap.apps.core.measures import Measure, register_measure
        from socmap.apps.core.models import Role
        from socmap.apps.core.navigation import NavItem, register_nav
        from socmap.apps.core.panels import Panel, register_panel

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
        # The group page (network) does not know assessment: the threat line is a panel on it.
        register_panel(Panel("ocg", "assessment/_ocg_threat_panel.html", ocg_threat_panel, order=10))
