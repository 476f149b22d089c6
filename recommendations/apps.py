from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _analyze_new_tables(sender, using: str = "default", **kwargs) -> None:
    """Tables that migrations created and filled (reference data) get planner statistics at once."""
    from core.planner import analyze_never_analyzed

    analyze_never_analyzed(using)


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "UPR recommendations"

    def ready(self) -> None:
        # The project's own system checks (`check --deploy` warns about settings taken from a development .env).
        from core import checks  # noqa: F401

        # drf-spectacular finds its extensions (filter parameters, token scheme) by their classes having been
        # defined: before any schema is built, whichever module builds it.
        from recommendations.api import schema  # noqa: F401

        post_migrate.connect(_analyze_new_tables, sender=self, dispatch_uid="recommendations_analyze_new_tables")
