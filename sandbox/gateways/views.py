"""The fake gateways' endpoints, each in its gateway's wire format (auth, body, answer), the
faults of the account applied first, and the operator page (balances, report addresses,
faults)."""

from __future__ import annotations

import json
import time
from decimal import Decimal, InvalidOperation
from functools import wraps
from urllib.parse import parse_qsl

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox.wavix.faults import CLIENT_TIMEOUT_KEY

from .credentials import EXPECTED
from .models import Gateway, GatewayAccount
from .services import account_of, account_set, fault_draw, inbound_send, message_take

MAX_BODY = 64 * 1024
HANG_SECONDS = 20.0  # beyond the portal's read timeout


def _compact(data, status: int = 200) -> HttpResponse:
    # Compact JSON as the gateways answer ("accepted":true, "code":"SUCCESS").
    return HttpResponse(
        json.dumps(data, separators=(",", ":")), status=status, content_type="application/json"
    )


def gateway_endpoint(gateway: str, methods: tuple[str, ...]):
    """Checks the method, the credentials and the faults, then calls the view with the
    account. A timeout fault applies the request and holds its answer back."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest) -> HttpResponse:
            if request.method not in methods:
                return _compact({"error": f"{request.method} is not allowed here"}, 405)
            if len(request.body) > MAX_BODY:
                return _compact({"error": "the body is too large"}, 413)
            if request.headers.get("Authorization", "") != EXPECTED[gateway]:
                return _compact({"error": "the credentials are not valid"}, 401)
            account = account_of(gateway)
            fault = fault_draw(account)
            if fault:
                answer = _compact({"error": f"sandbox fault {fault}"}, fault)
                if fault == 429:
                    answer["Retry-After"] = "1"
                return answer
            answer = view(request, account)
            if fault == 0:
                limit = request.META.get(CLIENT_TIMEOUT_KEY)
                time.sleep(min(HANG_SECONDS, limit + 0.05) if limit else HANG_SECONDS)
            return answer

        return wrapper

    return decorate


def _json(request: HttpRequest):
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        return None


# --- BulkSMS: JSON REST API v1 ---------------------------------------------------------------


def _bulksms_error(detail: str, status: int = 400) -> HttpResponse:
    return _compact(
        {
            "type": "https://developer.bulksms.com/json/v1/errors#validation",
            "title": "Validation error",
            "status": status,
            "detail": detail,
        },
        status,
    )


@gateway_endpoint("bulksms", ("POST",))
def bulksms_messages(request: HttpRequest, account: GatewayAccount) -> HttpResponse:
    body = _json(request)
    items = body if isinstance(body, list) else [body]
    taken = []
    for item in items:
        if not isinstance(item, dict) or not item.get("to") or not item.get("body"):
            return _bulksms_error("Each message needs “to” and “body”.")
        if not all(isinstance(item.get(k, ""), str) for k in ("to", "from", "body")):
            return _bulksms_error("“to”, “from” and “body” must be strings.")
        message = message_take(
            account=account,
            request=request,
            sender=item.get("from", ""),
            recipient=item["to"],
            text=item["body"],
        )
        taken.append(
            {
                "id": message.message_id,
                "type": "SENT",
                "from": message.sender,
                "to": message.recipient,
                "body": message.text,
                "encoding": "TEXT",
                "creditCost": 1,
                "status": {"id": "ACCEPTED.null", "type": "ACCEPTED", "subtype": None},
            }
        )
    return _compact(taken, 201)


@gateway_endpoint("bulksms", ("GET",))
def bulksms_profile(request: HttpRequest, account: GatewayAccount) -> HttpResponse:
    return _compact(
        {
            "id": "sandbox",
            "username": "sandbox",
            "credits": {"balance": float(account.balance), "isTransferAllowed": False},
        }
    )


# --- Clickatell: Platform API ----------------------------------------------------------------


@gateway_endpoint("clickatell", ("POST",))
def clickatell_message(request: HttpRequest, account: GatewayAccount) -> HttpResponse:
    body = _json(request)
    messages = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(messages, list) or not messages:
        return _compact({"messages": [], "error": {"code": 101, "description": "No messages"}}, 400)
    answers = []
    for item in messages:
        ok = (
            isinstance(item, dict)
            and item.get("channel") == "sms"
            and isinstance(item.get("to"), str)
            and isinstance(item.get("content"), str)
            and item["to"]
        )
        if not ok:
            answers.append({"accepted": False, "error": {"code": 23, "description": "Invalid"}})
            continue
        message = message_take(
            account=account,
            request=request,
            sender=str(item.get("from") or ""),
            recipient=item["to"],
            text=item["content"],
        )
        answers.append(
            {"apiMessageId": message.message_id, "accepted": True, "to": item["to"], "error": None}
        )
    return _compact({"messages": answers, "error": None}, 202)


@gateway_endpoint("clickatell", ("GET",))
def clickatell_balance(request: HttpRequest, account: GatewayAccount) -> HttpResponse:
    return _compact({"balance": float(account.balance), "currency": "USD"})


# --- BurstSMS (Transmit SMS API) -------------------------------------------------------------


@gateway_endpoint("burstsms", ("POST",))
def burstsms_send(request: HttpRequest, account: GatewayAccount) -> HttpResponse:
    if not (request.content_type or "").startswith("application/x-www-form-urlencoded"):
        return _compact({"error": {"code": "FIELD_INVALID", "description": "Form body"}}, 400)
    fields = dict(parse_qsl(request.body.decode("utf-8", errors="replace"), max_num_fields=20))
    if not fields.get("to") or not fields.get("message"):
        error = {"code": "FIELD_EMPTY", "description": "Required field missing: to, message"}
        return _compact({"error": error}, 400)
    message = message_take(
        account=account,
        request=request,
        sender=fields.get("from", ""),
        recipient=fields["to"],
        text=fields["message"],
    )
    return _compact(
        {
            "message_id": int(message.message_id),
            "send_at": message.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            "recipients": 1,
            "cost": 0.07,
            "sms": 1,
            "error": {"code": "SUCCESS", "description": "OK"},
        }
    )


@gateway_endpoint("burstsms", ("GET", "POST"))
def burstsms_balance(request: HttpRequest, account: GatewayAccount) -> HttpResponse:
    return _compact(
        {
            "balance": float(account.balance),
            "currency": "AUD",
            "error": {"code": "SUCCESS", "description": "OK"},
        }
    )


# --- the operator page -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def operator(request: HttpRequest) -> HttpResponse:
    """Each fake account's balance, delivery-report address and faults, to set by hand."""
    error = ""
    if request.method == "POST" and request.POST.get("action") == "inbound":
        try:
            inbound_send(
                gateway=request.POST.get("gateway", ""),
                sender=request.POST.get("from", "")[:20],
                recipient=request.POST.get("to", "")[:20],
                text=request.POST.get("text", ""),
            )
        except ValueError as exc:
            error = str(exc)
        if not error:
            return redirect(request.path)
    elif request.method == "POST":
        gateway = request.POST.get("gateway", "")
        try:
            account_set(
                gateway=gateway,
                balance=Decimal(request.POST.get("balance", "").strip() or "0"),
                dlr_url=request.POST.get("dlr_url", "").strip(),
                inbound_url=request.POST.get("inbound_url", "").strip(),
                fail_next=int(request.POST.get("fail_next") or 0),
                fail_status=int(request.POST.get("fail_status") or 503),
            )
        except (ValueError, InvalidOperation) as exc:
            error = str(exc) or "The values are not valid."
        except ValidationError as exc:
            error = " ".join(exc.messages)
        if not error:
            return redirect(request.path)
    accounts = [account_of(g) for g in Gateway.values]
    return render(
        request,
        "gateways_sandbox/operator.html",
        {"accounts": accounts, "error": error},
        status=400 if error else 200,
    )
