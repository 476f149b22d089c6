"""A signed-in user's watches: "Watch this" buttons post here, "My watches" lists them, and each has a private
Atom feed whose address (a random key) is revocable.

Every view reads watches through recommendations.permissions.own_watches: another user's watch is a 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.xml_text import xml_text
from recommendations import permissions
from recommendations.models import Recommendation, Theme, Watch, Webhook
from recommendations.models.watches import QUERY_MAX_LENGTH
from recommendations.watches.changes import search_filterset
from recommendations.watches.feed import feed_items
from states.models import State

signed_in = login_required(login_url=reverse_lazy("recommendations:sign-in"))
MAX_WATCHES = 100  # per user: each one costs a few queries in every digest run


class WatchForm(forms.Form):
    """What a "Watch this" button sends: a kind and its target."""

    kind = forms.ChoiceField(choices=Watch.Kind.choices)
    query = forms.CharField(required=False, max_length=QUERY_MAX_LENGTH, strip=True)
    state = forms.ModelChoiceField(State.objects.all(), required=False, to_field_name="iso3")
    theme = forms.ModelChoiceField(Theme.objects.all(), required=False)
    recommendation = forms.ModelChoiceField(Recommendation.objects.all(), required=False)
    frequency = forms.ChoiceField(choices=Watch.Frequency.choices, required=False)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and kind != Watch.Kind.SEARCH and not cleaned.get(kind):
            raise forms.ValidationError(_("Say what to watch."), code="target")
        if kind == Watch.Kind.SEARCH and "query" in cleaned and not search_filterset(cleaned["query"]).is_valid():
            raise forms.ValidationError(_("This search cannot be watched: correct it on the search page first."))
        return cleaned

    def watch(self, owner) -> Watch:
        kind = self.cleaned_data["kind"]
        target = {kind: self.cleaned_data[kind]} if kind != Watch.Kind.SEARCH else {"query": self.cleaned_data["query"]}
        frequency = self.cleaned_data.get("frequency") or Watch.Frequency.WEEKLY
        return Watch(owner=owner, kind=kind, frequency=frequency, language=get_language() or "en", **target)


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(choices=Watch.Frequency.choices)


@signed_in
@require_safe
def my_watches(request):
    hooks = Prefetch("webhooks", queryset=Webhook.objects.order_by("created_at", "id"))
    watches = permissions.own_watches(request.user).select_related("state", "theme__scheme", "recommendation")
    watches = watches.prefetch_related(hooks)
    context = {"watches": watches, "frequencies": Watch.Frequency.choices}
    return render(request, "recommendations/watches/my_watches.html", context)


@signed_in
@require_POST
def watch_new(request):
    form = WatchForm(request.POST)
    if form.is_valid() and permissions.own_watches(request.user).count() >= MAX_WATCHES:
        form.add_error(None, _("You have %(count)s watches, the most one account may keep.") % {"count": MAX_WATCHES})
    if not form.is_valid():
        return render(request, "recommendations/watches/watch_refused.html", {"form": form}, status=400)
    watch = form.watch(request.user)
    watch.save()
    messages.success(request, _("Saved. You will hear about changes to %(label)s.") % {"label": watch.label})
    return redirect("recommendations:my-watches")


def _own(request, pk: int) -> Watch:
    return get_object_or_404(permissions.own_watches(request.user), pk=pk)


@signed_in
@require_POST
def watch_update(request, pk: int):
    watch = _own(request, pk)
    form = FrequencyForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose daily, weekly or no email."))
    watch.frequency = form.cleaned_data["frequency"]
    watch.save(update_fields=["frequency"])
    messages.success(request, _("Saved."))
    return redirect("recommendations:my-watches")


@signed_in
@require_POST
def watch_delete(request, pk: int):
    _own(request, pk).delete()
    messages.success(request, _("The watch is deleted; its feed address no longer works."))
    return redirect("recommendations:my-watches")


@signed_in
@require_POST
def watch_feed_key(request, pk: int):
    with transaction.atomic():
        _own(request, pk).regenerate_feed_token()
    messages.success(request, _("The feed has a new address; the old one no longer works."))
    return redirect("recommendations:my-watches")


class WatchFeed(Feed):
    """The changes of one watch over the last FEED_DAYS days, newest first."""

    feed_type = Atom1Feed

    def get_object(self, request, token: str) -> Watch:
        watch = Watch.objects.select_related("state", "theme", "recommendation").filter(feed_token=token).first()
        if watch is None:
            raise Http404
        return watch

    def title(self, watch: Watch) -> str:
        return xml_text(_("UPR Tracker: %(label)s") % {"label": watch.label})

    def link(self, watch: Watch) -> str:
        return reverse("recommendations:home")

    def feed_url(self, watch: Watch) -> str:
        return reverse("recommendations:watch-feed", args=[watch.feed_token])

    def items(self, watch: Watch) -> list:
        return feed_items(watch, timezone.now())

    def item_title(self, item) -> str:
        return xml_text(item.title)

    def item_description(self, item) -> str:
        return xml_text(item.description)

    def item_link(self, item) -> str:
        return item.link

    def item_guid(self, item) -> str:
        return item.guid

    def item_pubdate(self, item):
        return item.when

    def item_updateddate(self, item):
        return item.when


watch_feed = require_safe(WatchFeed())
