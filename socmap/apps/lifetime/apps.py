from django.apps import AppConfig


class LifetimeConfig(AppConfig):
    name = "socmap.apps.lifetime"
    label = "lifetime"
    verbose_name = "Lifetime management of organised criminals"

    def ready(self) -> None:
        from socmap.apps.lifetime import registry

        registry.register()
