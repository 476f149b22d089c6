from django.db.models import Count
from django.shortcuts import render

from recommendations.models import Review


def home(request):
    """The reviews in the database, newest session first, with their recommendation counts."""
    reviews = (
        Review.objects.with_related()
        .annotate(recommendation_count=Count("recommendations"))
        .order_by("-session__number", "state__name")
    )
    return render(request, "recommendations/home.html", {"reviews": reviews})
