from django.apps import AppConfig


class StatesConfig(AppConfig):
    name = "states"
    verbose_name = "States and groups"
