"""The admin site: Django's, plus TOTP two-factor login (django-otp) for staff who have a device.

A staff member with a confirmed TOTP device signs in with username,
password and the 6-digit code, and the session is verified; without a
verified session such a user is refused, even if logged in some other way.
Staff without a device sign in with their password alone, unless
ADMIN_REQUIRE_2FA=true, which refuses them until an administrator gives them
a device (Django OTP › TOTP devices).

Its own page: the translation report (recommendations/admin/translations.py), linked from the index.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm


def two_factor_satisfied(user) -> bool:
    """Verified with a code, or allowed without one; the device lookup is made once per request's user."""
    if getattr(user, "is_verified", lambda: False)():
        return True
    if settings.ADMIN_REQUIRE_2FA:
        return False
    if not hasattr(user, "_upr_has_otp_device"):
        user._upr_has_otp_device = user_has_device(user)
    return not user._upr_has_otp_device


class TwoFactorLoginForm(OTPAdminAuthenticationForm):
    def clean_otp(self, user) -> None:
        if user is None or (not settings.ADMIN_REQUIRE_2FA and not user_has_device(user)):
            return
        super().clean_otp(user)


class TwoFactorAdminSite(admin.AdminSite):
    site_header = _("UPR Tracker administration")
    site_title = _("UPR Tracker")
    login_form = TwoFactorLoginForm
    login_template = "otp/admin111/login.html"

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and two_factor_satisfied(request.user)

    def get_urls(self):
        # Imported here: the admin modules register with this site, which must exist first.
        from recommendations.admin.translations import translation_report

        pages = [path("translations/", self.admin_view(translation_report), name="translation_report")]
        return [*pages, *super().get_urls()]
