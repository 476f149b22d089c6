from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "UPR recommendations"

    def ready(self) -> None:
        from recommendations import counts

        counts.connect_signals()
