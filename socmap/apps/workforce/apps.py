from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "socmap.apps.workforce"
    label = "workforce"
    verbose_name = "Workforce: people, training and capability"
