"""Routing inbound messages: who owns the number (one indexed lookup in the pools), the
number's rule (`NumberRoute`), the conversation of the remote party, who owns that
conversation, and the dispatch to a tenant webhook or e-mail. A message nobody can take waits
in the unrouted list (`Message.unrouted`) until "route it" (`route_waiting`).

Ownership (the docstring of `messaging/models/conversations.py` is the design): an existing
conversation keeps its assignee while it is sticky (an agent started it, within the number's
stickiness), once an agent picked it up from a queue, or when the rule names that same agent;
otherwise the number's destination decides afresh. Each message is routed in one short
transaction (the message row locked, so two workers never route it twice); the webhook
deliveries and e-mails it makes are sent by their jobs after the commit.

The rules and queues tenant admins edit (`number_route_save`, `queue_save`, `queue_delete`)
live here too: the same validation for the pages and the API.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from dids.models import Did, NumberRange
from dids.selectors import owner_of
from tenants.models import Membership, Tenant

from ..models import Conversation, Destination, Message, MessageQueue, NumberRoute
from .conversations import conversation_for, conversation_touch, remote_party

log = logging.getLogger(__name__)

MAX_EMAILS = 10
MAX_ROUTE_BATCH = 500  # waiting messages one "route it" delivers (oldest first)


# Routing one message -------------------------------------------------------------------------


_LOOK_UP = object()


def message_route(*, message: Message, owner=_LOOK_UP) -> None:
    """Routes one stored inbound message (part A calls it after keywords). A message already
    in a conversation is left alone, so a repeated task changes nothing. `owner`: the tenant
    that holds the number (or None) when the caller has just looked it up, as the intake does
    while it stores the message; otherwise it is looked up here."""
    if message.direction != Message.Direction.INBOUND or message.conversation_id:
        return
    number = "".join(ch for ch in str(message.recipient) if ch.isdigit())[:15]
    tenant = _owner(number) if owner is _LOOK_UP else owner
    if tenant is None:
        _wait(message, tenant=None, why=Message.Unrouted.NO_OWNER)
        return
    with scopes_disabled():
        route = _route_of(tenant, number)
    if route is None or route_gap(route):
        _wait(message, tenant=tenant, why=Message.Unrouted.NO_DESTINATION)
        return
    _deliver(message, tenant=tenant, number=number, route=route)


def _owner(number: str) -> Tenant | None:
    found = owner_of(int(number)) if number else None
    if found is None:
        return None
    with scopes_disabled():
        return Tenant.objects.filter(pk=found.tenant_id).first()


def _route_of(tenant, number: str) -> NumberRoute | None:
    return (
        NumberRoute.objects.filter(tenant=tenant, number=number)
        .select_related("agent", "queue", "endpoint")
        .first()
    )


def route_gap(route: NumberRoute) -> str:
    """Why the rule cannot take a message now (blank: it can)."""
    dest = route.destination
    if not dest:
        return "The number has no inbound destination."
    if dest == Destination.AGENT and (route.agent is None or not _is_member(route)):
        return "The agent of the rule is no longer a member of the tenant."
    if dest == Destination.QUEUE and route.queue is None:
        return "The message queue of the rule was deleted."
    if dest == Destination.WEBHOOK and (route.endpoint is None or not route.endpoint.is_active):
        return "The webhook endpoint of the rule is missing or paused."
    if dest == Destination.WEBHOOK and not route.endpoint.send_inbound:
        return "The webhook endpoint of the rule does not take inbound messages."
    if dest == Destination.EMAIL and not route.emails.strip():
        return "The rule has no e-mail address."
    return ""


def _is_member(route: NumberRoute) -> bool:
    with scopes_disabled():
        return Membership.objects.filter(tenant_id=route.tenant_id, user=route.agent).exists()


def _wait(message: Message, *, tenant, why: str) -> None:
    with scopes_disabled():
        Message.objects.filter(pk=message.pk, conversation__isnull=True).update(
            tenant=tenant, unrouted=why, updated_at=timezone.now()
        )
    message.tenant, message.unrouted = tenant, why


def _deliver(message: Message, *, tenant, number: str, route: NumberRoute) -> None:
    from .mail import mail_notice_add
    from .tenant_webhooks import inbound_event_publish

    remote = remote_party(tenant=tenant, raw=message.sender, reformat=route.reformat)
    with scopes_disabled(), transaction.atomic():
        locked = (
            Message.objects.select_for_update(of=("self",))
            .select_related("channel")
            .filter(pk=message.pk)
            .first()
        )
        if locked is None or locked.conversation_id:
            return  # routed meanwhile by another worker
        conversation = conversation_for(
            tenant=tenant, channel=locked.channel, our_number=number, remote=remote, lock=True
        )
        kept = _owner_kept(conversation, route)
        conversation_touch(
            conversation=conversation,
            message=locked,
            # updated_at: the statistics move the message to the tenant's figures.
            message_changes={"tenant": tenant, "unrouted": "", "updated_at": timezone.now()},
            conversation_changes={} if kept else _assignment(route),
        )
        # An agent who holds the conversation gets its follow-ups alone; the webhook and the
        # e-mail of the rule stand for "nobody holds it".
        if not kept and route.destination == Destination.EMAIL:
            mail_notice_add(route=route, conversation=conversation, message=locked)
        inbound_event_publish(
            tenant=tenant,
            message=locked,
            endpoint=route.endpoint
            if not kept and route.destination == Destination.WEBHOOK
            else None,
        )
    message.tenant, message.unrouted, message.conversation = tenant, "", conversation


def _owner_kept(conversation: Conversation, route: NumberRoute) -> bool:
    if conversation.assignee_id is None:
        return False
    if conversation.sticky_until and conversation.sticky_until > timezone.now():
        return True
    if conversation.picked_up_at is not None:
        return True
    return route.destination == Destination.AGENT and route.agent_id == conversation.assignee_id


def _assignment(route: NumberRoute) -> dict:
    """Who the rule gives a conversation nobody keeps to: the conversation's new fields."""
    if route.destination == Destination.AGENT:
        assignee, queue = route.agent, None
    elif route.destination == Destination.QUEUE:
        assignee, queue = None, route.queue
    else:
        assignee, queue = None, None
    return {"assignee": assignee, "queue": queue, "picked_up_at": None, "sticky_until": None}


# "Route it" ----------------------------------------------------------------------------------


@dataclass
class RouteReport:
    delivered: int = 0
    waiting: dict[str, int] = field(default_factory=dict)  # reason -> messages still waiting

    @property
    def still_waiting(self) -> int:
        return sum(self.waiting.values())

    def sentence(self) -> str:
        done = f"{self.delivered} message(s) delivered."
        if not self.waiting:
            return done
        why = "; ".join(f"{n} because {reason}" for reason, n in self.waiting.items())
        return f"{done} {self.still_waiting} still wait: {why}."


def route_waiting(*, tenant=None, number=None, actor=None) -> int:
    """Routes again the waiting messages, oldest first: one number's or all of a tenant's
    (no destination), or with no tenant (system administrators) the no-owner ones of
    `number` or of every number. The number delivered; `route_waiting_report` says more."""
    return route_waiting_report(tenant=tenant, number=number, actor=actor).delivered


def route_waiting_report(*, tenant=None, number=None, actor=None) -> RouteReport:
    with scopes_disabled():
        waiting = Message.objects.filter(direction=Message.Direction.INBOUND)
        if tenant is not None:
            waiting = waiting.filter(tenant=tenant, unrouted=Message.Unrouted.NO_DESTINATION)
        else:
            waiting = waiting.filter(unrouted=Message.Unrouted.NO_OWNER)
        if number:
            waiting = waiting.filter(recipient=str(number))
        ids = list(waiting.order_by("created_at", "id").values_list("pk", flat=True))
        ids = ids[:MAX_ROUTE_BATCH]
    report = RouteReport()
    for pk in ids:
        with scopes_disabled():
            message = Message.objects.filter(pk=pk, conversation__isnull=True).first()
        if message is None:
            continue
        message_route(message=message)
        if message.conversation_id:
            report.delivered += 1
        else:
            reason = _waiting_reason(message)
            report.waiting[reason] = report.waiting.get(reason, 0) + 1
    if report.delivered:
        log.info("route it: %s message(s) delivered", report.delivered)
    return report


def _waiting_reason(message: Message) -> str:
    if message.unrouted == Message.Unrouted.NO_OWNER:
        return "no tenant holds their number"
    with scopes_disabled():
        route = _route_of(message.tenant, message.recipient)
    why = route_gap(route) if route is not None else "The number has no inbound destination."
    return why.rstrip(".").lower()[0] + why.rstrip(".")[1:]


def waiting_count(*, tenant, number: str) -> int:
    """The tenant's messages to `number` waiting for a destination."""
    with scopes_disabled():
        return Message.objects.filter(
            tenant=tenant, recipient=str(number), unrouted=Message.Unrouted.NO_DESTINATION
        ).count()


def waiting_numbers(*, tenant=None):
    """The numbers with waiting messages: {number, count, oldest, newest}, tenant's
    no-destination ones or (no tenant) the no-owner ones, newest first."""
    from django.db.models import Count, Max, Min

    with scopes_disabled():
        rows = Message.objects.filter(direction=Message.Direction.INBOUND)
        if tenant is not None:
            rows = rows.filter(tenant=tenant, unrouted=Message.Unrouted.NO_DESTINATION)
        else:
            rows = rows.filter(unrouted=Message.Unrouted.NO_OWNER)
        return (
            rows.values("recipient")
            .annotate(count=Count("id"), oldest=Min("created_at"), newest=Max("created_at"))
            .order_by("-newest", "recipient")
        )


# The rules tenant admins edit -----------------------------------------------------------------


def sms_numbers(tenant):
    """The SMS-capable numbers of the tenant's pool: digits of its held, SMS-enabled DIDs."""
    with scope(tenant=tenant):
        dids = Did.objects.held().in_ranges_of(NumberRange.objects.filter(tenant=tenant))
        return dids.filter(sms_enabled=True).order_by("number")


def is_sms_number(tenant, number) -> bool:
    digits = str(number or "")
    return (
        digits.isdigit()
        and len(digits) <= 15
        and sms_numbers(tenant).filter(number=int(digits)).exists()
    )


def members_of(tenant):
    from tenants.models import User

    with scopes_disabled():
        return User.objects.filter(memberships__tenant=tenant).order_by("email")


def clean_emails(raw) -> str:
    """The rule's addresses, one per line (commas and spaces also separate them): at most
    `MAX_EMAILS`, each a valid address; the error names the one that is not."""
    text = str(raw or "")
    if len(text) > 4000:
        raise ValidationError({"emails": "The addresses are longer than 4000 characters."})
    found = [a for a in text.replace(",", " ").replace(";", " ").split() if a]
    if len(found) > MAX_EMAILS:
        raise ValidationError(
            {"emails": f"{len(found)} e-mail addresses given: at most {MAX_EMAILS}."}
        )
    for address in found:
        try:
            validate_email(address)
        except ValidationError:
            shown = address if len(address) <= 60 else address[:60] + "…"
            raise ValidationError({"emails": f"“{shown}” is not a valid e-mail address."}) from None
    return "\n".join(dict.fromkeys(found))


@dataclass
class RuleData:
    destination: str = ""
    agent: object = None
    queue: object = None
    endpoint: object = None
    emails: str = ""
    email_digest_minutes: int = 0
    starters: list = field(default_factory=list)
    stickiness_hours: int = 24
    auto_close_days: int = 7
    reformat: bool = True


def _check_rule(tenant, data: RuleData) -> dict:
    errors: dict[str, str] = {}
    if data.destination not in Destination.values:
        errors["destination"] = f"“{str(data.destination)[:20]}” is not a destination."
        return errors
    members = set(members_of(tenant).values_list("pk", flat=True))
    if data.destination == Destination.AGENT:
        if data.agent is None:
            errors["agent"] = "Choose the agent who gets this number's messages."
        elif data.agent.pk not in members:
            errors["agent"] = f"{data.agent} is not a member of {tenant}."
    if data.destination == Destination.QUEUE:
        if data.queue is None:
            errors["queue"] = "Choose the message queue that gets this number's messages."
        elif data.queue.tenant_id != tenant.pk:
            errors["queue"] = "That message queue is not one of yours."
    if data.destination == Destination.WEBHOOK:
        if data.endpoint is None:
            errors["endpoint"] = "Choose the webhook endpoint that gets this number's messages."
        elif data.endpoint.tenant_id != tenant.pk:
            errors["endpoint"] = "That webhook endpoint is not one of yours."
        elif not data.endpoint.is_active:
            errors["endpoint"] = f"The endpoint “{data.endpoint}” is paused: activate it first."
        elif not data.endpoint.send_inbound:
            errors["endpoint"] = (
                f"The endpoint “{data.endpoint}” does not take inbound messages: turn on "
                "“Inbound messages” on it first."
            )
    if data.destination == Destination.EMAIL and not data.emails:
        errors["emails"] = "Give at least one e-mail address."
    for name, top in (("email_digest_minutes", 1440), ("stickiness_hours", 720)):
        value = getattr(data, name)
        if not isinstance(value, int) or not 0 <= value <= top:
            errors[name] = f"“{str(value)[:20]}” is not a whole number from 0 to {top}."
    if not isinstance(data.auto_close_days, int) or not 0 <= data.auto_close_days <= 365:
        errors["auto_close_days"] = (
            f"“{str(data.auto_close_days)[:20]}” is not a whole number from 0 to 365."
        )
    outsiders = [u for u in data.starters if u.pk not in members]
    if outsiders:
        errors["starters"] = f"{outsiders[0]} is not a member of {tenant}."
    return errors


def number_route_save(*, tenant, number, data: RuleData, actor=None) -> NumberRoute:
    """Writes one number's rule (made if it has none). Only an SMS-capable number of the
    tenant's pool has one; a wrong value names the field and the rule, nothing is saved."""
    digits = str(number or "")
    if not is_sms_number(tenant, digits):
        raise ValidationError(
            {"number": f"+{digits[:20]} is not an SMS-enabled number of {tenant}."}
        )
    if data.destination == Destination.EMAIL or data.emails:
        data.emails = clean_emails(data.emails)
    errors = _check_rule(tenant, data)
    if errors:
        raise ValidationError(errors)
    keep = {
        Destination.AGENT: "agent",
        Destination.QUEUE: "queue",
        Destination.WEBHOOK: "endpoint",
        Destination.EMAIL: "emails",
    }.get(data.destination)
    with scope(tenant=tenant), transaction.atomic():
        route = NumberRoute.objects.filter(tenant=tenant, number=digits).first() or NumberRoute(
            tenant=tenant, number=digits
        )
        route.destination = data.destination
        route.agent = data.agent if keep == "agent" else None
        route.queue = data.queue if keep == "queue" else None
        route.endpoint = data.endpoint if keep == "endpoint" else None
        route.emails = data.emails if keep == "emails" else ""
        route.email_digest_minutes = data.email_digest_minutes if keep == "emails" else 0
        route.stickiness_hours = data.stickiness_hours
        route.auto_close_days = data.auto_close_days
        route.reformat = data.reformat
        route.full_clean(validate_unique=False, validate_constraints=False)
        _save_once(route, "number", f"The rule of +{digits} was saved by someone else just now")
        route.starters.set(data.starters)
    return route


def _save_once(instance, field: str, taken: str) -> None:
    """Saves it; a row made at the same moment by another request (the unique constraint)
    is the user's error, named, not a server error."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ValidationError({field: f"{taken}: reload and try again."}) from None


def number_routes_apply(*, tenant, numbers, data: RuleData, actor=None) -> int:
    """The same rule on several numbers, all or none: the first wrong number or value is
    the error. How many were written."""
    numbers = [str(n) for n in numbers][:MAX_ROUTE_BATCH]
    if not numbers:
        raise ValidationError({"numbers": "Select at least one number."})
    with transaction.atomic():
        for number in numbers:
            number_route_save(tenant=tenant, number=number, data=RuleData(**vars(data)))
    return len(numbers)


def rule_data_of(route: NumberRoute | None) -> RuleData:
    if route is None:
        return RuleData()
    return RuleData(
        destination=route.destination,
        agent=route.agent,
        queue=route.queue,
        endpoint=route.endpoint,
        emails=route.emails,
        email_digest_minutes=route.email_digest_minutes,
        starters=list(route.starters.all()),
        stickiness_hours=route.stickiness_hours,
        auto_close_days=route.auto_close_days,
        reformat=route.reformat,
    )


def destination_words(route: NumberRoute | None) -> str:
    """The destination in plain words, for the rules list."""
    if route is None or not route.destination:
        return "Not set: messages wait in the unrouted list"
    if route.destination == Destination.AGENT:
        return f"Agent {route.agent}" if route.agent else "Agent (removed)"
    if route.destination == Destination.QUEUE:
        return f"Queue “{route.queue}”" if route.queue else "Queue (deleted)"
    if route.destination == Destination.WEBHOOK:
        return f"Webhook “{route.endpoint}”" if route.endpoint else "Webhook (deleted)"
    count = len(route.emails.split())
    digest = (
        f", a digest every {route.email_digest_minutes} min" if route.email_digest_minutes else ""
    )
    return (
        f"E-mail to {route.emails.split()[0]}"
        + (f" and {count - 1} more" if count > 1 else "")
        + digest
    )


# Message queues --------------------------------------------------------------------------------


def queue_save(
    *, tenant, name, members, pickup=MessageQueue.Pickup.MANUAL, queue=None, actor=None
) -> MessageQueue:
    """Makes or edits a queue; its members must be the tenant's."""
    name = str(name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the queue a name."
    elif len(name) > 100:
        errors["name"] = f"The name has {len(name)} characters: at most 100."
    if pickup not in MessageQueue.Pickup.values:
        errors["pickup"] = f"“{str(pickup)[:20]}” is not a pickup mode."
    allowed = set(members_of(tenant).values_list("pk", flat=True))
    outsiders = [u for u in members if u.pk not in allowed]
    if outsiders:
        errors["members"] = f"{outsiders[0]} is not a member of {tenant}."
    with scope(tenant=tenant):
        taken = MessageQueue.objects.filter(tenant=tenant, name__iexact=name)
        if queue is not None:
            taken = taken.exclude(pk=queue.pk)
        if name and taken.exists():
            errors["name"] = f"A queue named “{name}” already exists."
        if errors:
            raise ValidationError(errors)
        with transaction.atomic():
            queue = queue or MessageQueue(tenant=tenant)
            queue.name, queue.pickup = name, pickup
            queue.full_clean(validate_unique=False, validate_constraints=False)
            _save_once(queue, "name", f"A queue named “{name}” already exists")
            queue.members.set(members)
    return queue


def queue_delete(*, queue: MessageQueue, actor=None) -> None:
    """Refused while a number routes to it (its messages would have nowhere to go)."""
    with scopes_disabled():
        numbers = list(
            NumberRoute.objects.filter(queue=queue, destination=Destination.QUEUE).values_list(
                "number", flat=True
            )[:5]
        )
    if numbers:
        shown = ", ".join(f"+{n}" for n in numbers)
        raise ValidationError(
            f"The queue “{queue}” still gets the messages of {shown}: give those numbers "
            "another destination first."
        )
    with transaction.atomic():
        queue.delete()
