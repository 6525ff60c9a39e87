from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "socmap.apps.intel"
    label = "intel"
    verbose_name = "Intelligence"

    def ready(self) -> None:
        from socmap.apps.core.measures import Measure, register_measure
        from socmap.apps.core.navigation import NavItem, register_nav
        from socmap.apps.intel import selectors, worklist

        worklist.register()  # the home page's work list

        register_nav(NavItem("Search", "resolution:search", order=10))
        register_nav(NavItem("Ingest", "intel:batch_list", order=20))
        register_measure(
            Measure(
                "sources-ingested",
                "Intelligence sources ingested",
                "Sources with at least one completed ingest by the date",
                "count",
                selectors.measure_sources_ingested,
            )
        )
        register_measure(
            Measure(
                "records-90-days",
                "Intelligence records collected in the last 90 days",
                "Records first received in the 90 days before the date",
                "count",
                selectors.measure_records_90_days,
            )
        )
