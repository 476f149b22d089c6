"""A watch's webhooks on the site: register one (its secret shown once), read its delivery log, delete it.

Partners register webhooks signed in, from "My watches" (an API token does not reach these pages). Everything is
read through recommendations.permissions.own_watches / own_webhooks: another user's is a 404.
"""

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from recommendations import permissions
from recommendations.models import Webhook
from recommendations.site.watches import signed_in
from recommendations.watches.webhooks import refused_address

LOG_SIZE = 50
MAX_PER_WATCH = 5


class WebhookForm(forms.Form):
    url = forms.URLField(max_length=500, assume_scheme="https")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        refused = refused_address(url)
        if refused:
            raise forms.ValidationError(refused, code="address")
        return url


@signed_in
@require_POST
def webhook_new(request, pk: int):
    watch = get_object_or_404(permissions.own_watches(request.user), pk=pk)
    form = WebhookForm(request.POST)
    if form.is_valid() and watch.webhooks.count() >= MAX_PER_WATCH:
        form.add_error("url", _("A watch has at most %(count)s webhooks.") % {"count": MAX_PER_WATCH})
    if not form.is_valid():
        return render(request, "recommendations/watches/watch_refused.html", {"form": form}, status=400)
    try:
        with transaction.atomic():
            webhook = Webhook.objects.create(watch=watch, url=form.cleaned_data["url"])
    except IntegrityError:
        form.add_error("url", _("This watch already posts to this address."))
        return render(request, "recommendations/watches/watch_refused.html", {"form": form}, status=400)
    # The only time the secret is shown: the page is not cached and not kept in history.
    response = render(request, "recommendations/watches/webhook_created.html", {"webhook": webhook})
    response["Cache-Control"] = "no-store"
    return response


@signed_in
@require_safe
def webhook_log(request, pk: int):
    webhook = get_object_or_404(permissions.own_webhooks(request.user).select_related("watch"), pk=pk)
    deliveries = webhook.deliveries.order_by("-created_at", "-id")[:LOG_SIZE]
    return render(request, "recommendations/watches/webhook_log.html", {"webhook": webhook, "deliveries": deliveries})


@signed_in
@require_POST
def webhook_delete(request, pk: int):
    get_object_or_404(permissions.own_webhooks(request.user), pk=pk).delete()
    messages.success(request, _("The webhook is deleted: nothing more is posted to it."))
    return redirect("recommendations:my-watches")
