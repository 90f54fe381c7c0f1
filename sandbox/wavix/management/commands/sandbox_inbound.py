"""An SMS arriving at one of the sandbox account's numbers, as Wavix's operator would deliver
it: posted to the number's sms_relay_url (or the account's inbound default)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sandbox.wavix.accounts import account_for_key
from sandbox.wavix.errors import ApiError
from sandbox.wavix.params import Invalid
from sandbox.wavix.services.messaging import message_receive
from sandbox.wavix.services.webhooks import webhooks_deliver_pending


class Command(BaseCommand):
    help = "Deliver an inbound SMS/MMS to a number of the Wavix sandbox account."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="the account's number receiving it")
        parser.add_argument("--from", dest="sender", required=True, help="the sender's number")
        parser.add_argument("--text", default="", help="the message text")
        parser.add_argument("--media", action="append", help="a media URL (repeatable; MMS)")
        parser.add_argument("--api-key", default=None, help="default: the sandbox's key")
        parser.add_argument(
            "--now",
            action="store_true",
            help="post the webhook from this process instead of through the Celery worker",
        )

    def handle(self, *args, to, sender, text, media, api_key, now, **options):
        account = account_for_key(api_key or settings.WAVIX_SANDBOX_API_KEY)
        if account is None:
            raise CommandError("No sandbox account has that API key.")
        try:
            message = message_receive(
                account=account, to=to, sender=sender, text=text, media=media, enqueue=not now
            )
        except (ApiError, Invalid) as exc:
            raise CommandError(str(exc)) from exc
        if now:
            webhooks_deliver_pending(message=message)
        webhook = message.webhooks.first()
        where = f"posted to {webhook.url} ({webhook.state})" if webhook else "no webhook URL set"
        self.stdout.write(f"Inbound message {message.pk} to {message.recipient}: {where}.")
