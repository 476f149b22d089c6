"""Reader accounts: anyone signs up with an email address, confirms it by an emailed signed link, then signs in.

Readers are not staff and belong to no organisation: they read what the public reads and keep watches. The
sign-up answers the same whether or not the address is registered (an already registered address is told so by
email instead), and sending it is throttled per IP address (core/throttling.py, SIGNUP_RATE). Staff sign in
through the admin's two-factor login, never here.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

SALT = "upr-tracker.reader-sign-up"


class SignUpForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"), max_length=254)
    password = forms.CharField(label=gettext_lazy("Password"), strip=False, max_length=128, widget=forms.PasswordInput)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email") and cleaned.get("password"):
            user = get_user_model()(username=cleaned["email"], email=cleaned["email"])
            try:
                password_validation.validate_password(cleaned["password"], user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class ReaderAuthenticationForm(AuthenticationForm):
    username = forms.CharField(label=gettext_lazy("Email address"), max_length=254)

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.is_staff:  # staff keep their two-factor login (the admin's)
            raise forms.ValidationError(_("Staff sign in through the editors’ sign-in."), code="staff")


def confirmation_link(user) -> str:
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=SALT, compress=True)
    return settings.SITE_URL + reverse("recommendations:confirm-sign-up", args=[token])


def _existing(email: str):
    return get_user_model().objects.filter(email__iexact=email).order_by("pk").first()


@transaction.atomic
def _register(email: str, password: str) -> tuple[str, object]:
    """A new inactive reader, or the address's unconfirmed one with the new password; ("known", user) when the
    address belongs to an active account already."""
    user = _existing(email)
    if user is not None and user.is_active:
        return "known", user
    if user is None:
        user = get_user_model()(username=email, email=email, is_active=False, is_staff=False)
    user.set_password(password)
    user.save()
    return "new", user


def _send_sign_up_email(kind: str, user) -> None:
    context = {"link": confirmation_link(user), "hours": settings.SIGNUP_LINK_HOURS, "site_url": settings.SITE_URL}
    context["sign_in"] = settings.SITE_URL + reverse("recommendations:sign-in")
    template = (
        "recommendations/accounts/confirm_email.txt" if kind == "new" else "recommendations/accounts/known_email.txt"
    )
    subject = _("Confirm your UPR Tracker account") if kind == "new" else _("Your UPR Tracker account")
    send_mail(subject, render_to_string(template, context), None, [user.email])


@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind, user = _register(form.cleaned_data["email"], form.cleaned_data["password"])
        _send_sign_up_email(kind, user)
        # The same page whether the address was known or not.
        return render(request, "recommendations/accounts/sign_up_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "recommendations/accounts/sign_up.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD"])
def confirm_sign_up(request, token: str):
    """Activates the account the signed link names; an expired, forged or stale link is a 400 page."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.SIGNUP_LINK_HOURS * 3600)
        user = get_user_model().objects.get(pk=data["user"], email=data["email"])
    except (signing.BadSignature, get_user_model().DoesNotExist, KeyError, TypeError):
        return render(request, "recommendations/accounts/confirm_failed.html", status=400)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return render(request, "recommendations/accounts/confirmed.html", {"language": get_language()})


class SignInView(LoginView):
    template_name = "recommendations/accounts/sign_in.html"
    authentication_form = ReaderAuthenticationForm

    def get_default_redirect_url(self) -> str:
        return reverse("recommendations:my-watches")


sign_in = SignInView.as_view()
