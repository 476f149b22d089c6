"""An organisation's workspace: what its editors and reviewers have to do next."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_safe

from recommendations import permissions


@login_required(login_url=reverse_lazy("admin:login"))
@require_safe
def workspace(request: HttpRequest) -> HttpResponse:
    if not permissions.is_editor(request.user):
        raise PermissionDenied
    return render(request, "recommendations/workspace.html", {})
