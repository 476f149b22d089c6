"""The admin: one module per area, each ModelAdmin derived from base.PolicyAdmin (recommendations/permissions.py).

Django's autodiscovery imports this package: importing the modules registers their admins.
"""

from recommendations.admin import (  # noqa: F401
    advocacy,
    assessments,
    briefing,
    corrections,
    followup,
    recommendation,
    reference,
    tokens,
)
