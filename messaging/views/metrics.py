"""/metrics: the Prometheus endpoint (portal/metrics.py says who may read it)."""

from __future__ import annotations

from django.http import Http404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.metrics import exposition, may_read_metrics, metrics_enabled, refused

from ..metrics import MessagingCollector


@never_cache
@require_GET
def metrics(request):
    if not metrics_enabled():
        raise Http404
    if not may_read_metrics(request):
        return refused()
    return exposition(MessagingCollector())
