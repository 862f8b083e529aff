"""The portal's URLs plus one page the page_latency benchmarks use as their floor: an
authenticated page of the portal's layout with no content (only its session and user queries)."""

from django.shortcuts import render
from django.urls import path

from portal.access import roles_required
from portal.roles import EVERYONE
from portal.urls import urlpatterns as portal_patterns


@roles_required(EVERYONE)
def empty_page(request):
    return render(request, "bench/empty.html")


urlpatterns = [path("bench/empty/", empty_page, name="bench_empty"), *portal_patterns]
