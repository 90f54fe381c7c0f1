"""The messaging app's tasks: thin, they take ids and call a service."""

from __future__ import annotations

import smtplib

from celery import shared_task

# --- outbox ----------------------------------------------------------------------------------


@shared_task(name="messaging.tasks.pump_channel")
def pump_channel(channel_id: int) -> int:
    from .services.outbox import outbox_pump

    return outbox_pump(channel_id=channel_id)


@shared_task(name="messaging.tasks.outbox_tick")
def outbox_tick() -> dict:
    from .services.outbox import outbox_tick as tick

    return tick()


# --- delivery reports and webhooks -----------------------------------------------------------


@shared_task(name="messaging.tasks.process_delivery_report")
def process_delivery_report(event_id: int) -> str:
    from .services.reports import dlr_event_process

    return dlr_event_process(event_id=event_id)


@shared_task(name="messaging.tasks.look_up_stale_messages")
def look_up_stale_messages() -> int:
    """Applies reports whose task was lost, then looks up what is still without one."""
    from .services.reports import dlr_events_process_pending, messages_look_up_stale

    dlr_events_process_pending()
    return messages_look_up_stale()


# --- sender IDs ------------------------------------------------------------------------------


@shared_task(name="messaging.tasks.run_sender_job")
def run_sender_job(job_id: int, attempt: int | None = None) -> str:
    from .services.senders import SenderJobRunner

    return SenderJobRunner.run(job_id, attempt)


@shared_task(name="messaging.tasks.sync_sender_ids")
def sync_sender_ids() -> int:
    from .services.senders import senders_sync_all

    return senders_sync_all()


# --- retention (sending's leftovers) ---------------------------------------------------------


@shared_task(name="messaging.tasks.purge_send_leftovers")
def purge_send_leftovers() -> dict:
    from .services.retention import send_leftovers_purge

    return send_leftovers_purge()


# --- opt-outs --------------------------------------------------------------------------------


@shared_task(name="messaging.tasks.push_opt_out")
def push_opt_out(opt_out_id: int) -> bool:
    from .services.optouts import opt_out_push

    return opt_out_push(opt_out_id=opt_out_id)


# --- inbound: intake processing, keyword replies, inbound addresses (part A) -----------------


@shared_task(name="messaging.tasks.drain_inbound")
def drain_inbound(channel_id: int) -> int:
    from .services.intake import inbound_drain

    return inbound_drain(channel_id=channel_id)


@shared_task(name="messaging.tasks.process_pending_inbound")
def process_pending_inbound() -> int:
    """Inbound events nobody took (a lost kick, a lost worker) are processed."""
    from .services.intake import inbound_process_pending

    return inbound_process_pending()


@shared_task(name="messaging.tasks.run_relay_job")
def run_relay_job(job_id: int, attempt: int | None = None) -> str:
    from .services.relay import RelayRunner

    return RelayRunner.run(job_id, attempt)


# --- routing: tenant webhook deliveries, e-mails (part B) ------------------------------------


@shared_task(name="messaging.tasks.deliver_webhook")
def deliver_webhook(delivery_id: int, attempt: int | None = None) -> str:
    from .services.tenant_webhooks import WebhookRunner

    return WebhookRunner.run(delivery_id, attempt)


@shared_task(name="messaging.tasks.deliver_due_webhooks")
def deliver_due_webhooks() -> int:
    from .services.tenant_webhooks import deliveries_due

    return deliveries_due()


@shared_task(name="messaging.tasks.purge_webhook_deliveries")
def purge_webhook_deliveries() -> int:
    from .services.tenant_webhooks import deliveries_purge

    return deliveries_purge()


@shared_task(name="messaging.tasks.send_mail_notice")
def send_mail_notice(notice_id: int, attempt: int | None = None) -> str:
    from .services.mail import MailRunner

    return MailRunner.run(notice_id, attempt)


@shared_task(name="messaging.tasks.send_due_mail_notices")
def send_due_mail_notices() -> int:
    from .services.mail import mail_notices_due

    return mail_notices_due()


# --- conversations: auto-close (part C) ------------------------------------------------------


@shared_task(name="messaging.tasks.auto_close_conversations")
def auto_close_conversations() -> int:
    from .services.conversation_actions import conversations_auto_close

    return conversations_auto_close()


# --- statistics ------------------------------------------------------------------------------


@shared_task(name="messaging.tasks.refresh_message_stats")
def refresh_message_stats() -> dict:
    from .services.stats import stats_refresh

    return stats_refresh()


# --- gateway balances ------------------------------------------------------------------------


@shared_task(
    name="messaging.tasks.send_balance_alert",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_balance_alert(channel_id: int) -> bool:
    from .services.balance import balance_alert_mail

    return balance_alert_mail(channel_id=channel_id)


@shared_task(name="messaging.tasks.check_gateway_balances")
def check_gateway_balances() -> int:
    from .services.balance import balance_check_due

    return balance_check_due()
