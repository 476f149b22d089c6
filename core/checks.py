"""System checks of the project's own settings."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def no_development_env_file(app_configs, **kwargs) -> list[Warning]:
    """Production takes its settings from the real environment, never from the development `.env`."""
    taken = getattr(settings, "ENV_FILE_VARIABLES", [])
    if not taken:
        return []
    return [
        Warning(
            f"{', '.join(taken)} came from the development settings file {settings.ENV_FILE}, "
            "not from the environment.",
            hint="In production set real environment variables, and remove the file or set UPR_ENV_FILE= (empty).",
            id="upr_tracker.W001",
        )
    ]
