"""A health check for load balancers and the load test: the cheapest request Django serves."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """200 "ok" as long as the process serves requests; reads no database, needs no login."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
