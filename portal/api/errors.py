"""API errors in one shape: {"detail": "...", "errors": {field: [messages]}}.

`exception_handler` shapes what a DRF view raises; the `handler*` views answer, for any address
under /api/ (an unmatched one too), in JSON instead of the portal's HTML error pages."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(
            {"detail": "Invalid input.", "errors": errors}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "Invalid input.", "errors": response.data}
    return response


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json(detail: str, code: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=code)


def handler400(request, exception=None):
    if is_api(request):
        return _json("Bad request.", 400)
    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if is_api(request):
        return _json(str(exception or "") or "You do not have permission to do this.", 403)
    return defaults.permission_denied(request, exception)


def handler404(request, exception=None):
    if is_api(request):
        return _json(f"Nothing at {request.path}: see /api/v1/ for the API's addresses.", 404)
    return defaults.page_not_found(request, exception)


def handler500(request):
    if is_api(request):
        return _json("Server error: it has been logged; please try again later.", 500)
    return defaults.server_error(request)
