"""DIDWW's error answers: JSON:API `errors[]`, each with title, detail, code and status (and a
source pointer naming the attribute of a 400)."""

from __future__ import annotations

from django.http import JsonResponse

JSONAPI = "application/vnd.api+json"
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class ApiError(Exception):
    def __init__(self, status: int, detail: str, *, pointer: str = "", headers=None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.pointer = status, detail, pointer
        self.headers = dict(headers or {})

    def response(self) -> JsonResponse:
        error = {
            "title": TITLES.get(self.status, "Error"),
            "detail": self.detail,
            "code": str(self.status),
            "status": str(self.status),
        }
        if self.pointer:
            error["source"] = {"pointer": self.pointer}
        response = JsonResponse({"errors": [error]}, status=self.status, content_type=JSONAPI)
        for name, value in self.headers.items():
            response[name] = value
        return response


def invalid(attribute: str, rule: str) -> ApiError:
    return ApiError(400, f"{attribute} {rule}", pointer=f"/data/attributes/{attribute}")
