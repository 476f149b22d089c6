"""Reader accounts: anyone asks for one with an email address, opens the emailed signed link, chooses a password
there and is signed in.

The account is created only when the emailed link is used, with the password chosen on its page: nobody can
create an account for someone else's address or choose its password in advance. Readers are not staff and
belong to no organisation: they read what the public reads and keep watches. The sign-up answers the same
whether or not the address is registered (a registered address is told so by email instead), and sending it is
throttled per IP address (core/throttling.py, SIGNUP_RATE). Staff sign in through the admin's two-factor login.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, login, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

SALT = "upr-tracker.reader-sign-up"
BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignUpForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"), max_length=254)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class PasswordForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Password"), strip=False, max_length=128, widget=forms.PasswordInput)

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, get_user_model()(username=self.email, email=self.email))
        return password


class ReaderAuthenticationForm(AuthenticationForm):
    username = forms.CharField(label=gettext_lazy("Email address"), max_length=254)

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.is_staff:  # staff keep their two-factor login (the admin's)
            raise forms.ValidationError(_("Staff sign in through the editors’ sign-in."), code="staff")


def confirmation_link(email: str) -> str:
    token = signing.dumps({"email": email}, salt=SALT, compress=True)
    return settings.SITE_URL + reverse("recommendations:confirm-sign-up", args=[token])


def _registered(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email).exists()


def _send_sign_up_email(email: str) -> None:
    context = {"hours": settings.SIGNUP_LINK_HOURS, "sign_in": settings.SITE_URL + reverse("recommendations:sign-in")}
    if _registered(email):
        subject, template = _("Your UPR Tracker account"), "recommendations/accounts/known_email.txt"
    else:
        subject, template = _("Confirm your UPR Tracker account"), "recommendations/accounts/confirm_email.txt"
        context["link"] = confirmation_link(email)
    send_mail(subject, render_to_string(template, context), None, [email])


@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _send_sign_up_email(form.cleaned_data["email"])
        # The same page whether the address was known or not.
        return render(request, "recommendations/accounts/sign_up_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "recommendations/accounts/sign_up.html", {"form": form}, status=400 if form.errors else 200)


def _email_of(token: str) -> str | None:
    try:
        return signing.loads(token, salt=SALT, max_age=settings.SIGNUP_LINK_HOURS * 3600)["email"]
    except (signing.BadSignature, KeyError, TypeError):
        return None


@transaction.atomic
def _create_reader(email: str, password: str):
    user = get_user_model().objects.create_user(username=email, email=email, password=password)
    return user


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_sign_up(request, token: str):
    """The emailed link: choose a password, and the account exists, signed in. A forged or expired link, or one
    already used, changes nothing."""
    email = _email_of(token)
    if email is None:
        return render(request, "recommendations/accounts/confirm_failed.html", status=400)
    if _registered(email):
        return render(request, "recommendations/accounts/account_exists.html")
    form = PasswordForm(request.POST or None, email=email)
    if request.method == "POST" and form.is_valid():
        try:
            user = _create_reader(email, form.cleaned_data["password"])
        except IntegrityError:  # the same link used twice at once
            return render(request, "recommendations/accounts/account_exists.html")
        login(request, user, backend=BACKEND)
        return redirect("recommendations:my-watches")
    context = {"form": form, "email": email}
    return render(request, "recommendations/accounts/choose_password.html", context, status=400 if form.errors else 200)


class SignInView(LoginView):
    template_name = "recommendations/accounts/sign_in.html"
    authentication_form = ReaderAuthenticationForm

    def get_default_redirect_url(self) -> str:
        return reverse("recommendations:my-watches")


sign_in = SignInView.as_view()
