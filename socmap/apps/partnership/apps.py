from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "socmap.apps.partnership"
    label = "partnership"
    verbose_name = "Partnership: sharing agreements, the partnership board and safeguarding referrals"

    def ready(self) -> None:
        from socmap.apps.partnership import registry

        registry.register()
