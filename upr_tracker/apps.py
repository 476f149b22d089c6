from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin with upr_tracker.admin_site.TwoFactorAdminSite as the default site."""

    default_site = "upr_tracker.admin_site.TwoFactorAdminSite"
