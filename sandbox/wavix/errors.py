"""Errors as Wavix reports them: a status and `{"success": false, "message": "..."}`. Services
raise them too, since the sandbox's whole domain is answering like the API."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def response(self) -> JsonResponse:
        body: dict[str, Any] = {"success": False, "message": self.message}
        if self.status == 401:
            body["error"] = True  # Wavix's UnauthorizedErrorResponse carries both flags
        response = JsonResponse(body, status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        return response


def not_found(what: str = "Record") -> ApiError:
    return ApiError(404, f"{what} not found")
