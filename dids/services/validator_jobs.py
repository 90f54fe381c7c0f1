"""Running a validation job on Wavix (`ValidationRunner`, on the one job runner).

One number: `GET /v1/validation`. Up to 1,000: one synchronous `POST /v1/validation`. More:
the same POST with `async: true`; Wavix answers a request id, which is stored at once, and the
job then polls `GET /v1/validation/{id}`: between two polls it waits as the runner's
"retrying" state with the same attempt (`polling` on the model tells the page it is no
failure), and the task is sent again with a countdown. Each poll saves the items not saved
yet (a number's result once per job: the unique constraint and the numbers already held), so
a repeated poll or a second delivery saves nothing twice. No transaction is open during a
call to Wavix.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django_scopes import scope

from portal.jobs.runner import JobRunner, Outcome, Wait
from portal.wavix import plain
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixError
from portal.wavix.retry import is_transient

from ..models import ValidationJob, ValidationResult
from ..validation import item_number, read_item, request_id_of

log = logging.getLogger(__name__)

SAVE_BATCH = 1000


class ValidationRunner(JobRunner):
    model = ValidationJob
    task = "dids.tasks.validation_run_job"

    def perform(self) -> Outcome | None:
        job = self.job
        if job.account is None:
            return Outcome.failed(
                "There is no Wavix account to validate with any more; start the job again."
            )
        with scope(tenant=job.tenant):
            if job.single:
                item = self.client().validate_number(str(job.numbers[0]), kind=job.type)
                return self.finish([item])
            if not job.run_async:
                answer = self.client(long=True).validate_numbers(
                    [str(n) for n in job.numbers], kind=job.type, run_async=False
                )
                return self.finish(_items(answer))
            if not job.request_uuid:
                return self.submit()
            return self.poll()

    def client(self, *, long: bool = False) -> WavixClient:
        timeout = settings.WAVIX_VALIDATION_TIMEOUT_SECONDS if long else None
        return WavixClient.for_account(self.job.account, timeout=timeout)

    def submit(self) -> Outcome:
        job = self.job
        answer = self.client(long=True).validate_numbers(
            [str(n) for n in job.numbers], kind=job.type, run_async=True
        )
        request_id = request_id_of(answer)
        if not request_id:
            if "items" in answer:  # Wavix answered at once after all
                return self.finish(_items(answer))
            return Outcome.failed(
                "Wavix did not say where to find the results, so the numbers were not "
                "validated. Try again; if it keeps failing, contact support.",
                f"POST /v1/validation (async) answered no request id: {sorted(answer)[:10]}",
            )
        # Stored at once: a later run polls this request instead of sending (and paying) again.
        self.progress(request_uuid=request_id)
        job.request_uuid = request_id
        raise self.next_poll()

    def poll(self) -> Outcome:
        job = self.job
        answer = self.client().get_validation(job.request_uuid)
        self.save(_items(answer), polled=True)
        pending = answer.get("pending") if isinstance(answer.get("pending"), int) else 0
        if pending > 0 or str(answer.get("status", "success")) != "success":
            raise self.next_poll()
        return self.outcome()

    def next_poll(self) -> Wait:
        return self.poll_again(max(1, settings.WAVIX_VALIDATION_POLL_SECONDS))

    def finish(self, items: list[dict]) -> Outcome:
        self.save(items)
        return self.outcome()

    def save(self, items: list[dict], *, polled: bool = False) -> None:
        """Saves the items this job has no result for yet, and the counters, in one short
        transaction."""
        job, now = self.job, timezone.now()
        with transaction.atomic():
            held = set(ValidationResult.objects.filter(job=job).values_list("number", flat=True))
            rows = []
            for item in items:
                number = item_number(item) if isinstance(item, dict) else None
                if number is None or number in held:
                    continue
                held.add(number)
                rows.append(
                    ValidationResult(
                        tenant_id=job.tenant_id,
                        job=job,
                        number=number,
                        validated_at=now,
                        **read_item(item),
                    )
                )
            ValidationResult.objects.bulk_create(rows, batch_size=SAVE_BATCH, ignore_conflicts=True)
            totals = ValidationResult.objects.filter(job=job).aggregate(
                n=Count("id"), invalid=Count("id", filter=Q(valid=False)), cost=Sum("cost")
            )
            changes = {
                "validated": totals["n"],
                "invalid": totals["invalid"],
                "total_cost": totals["cost"] or 0,
            }
            if polled:
                job.polls += 1
                changes["polls"] = job.polls
            self.progress(**changes)
        for name, value in changes.items():
            setattr(job, name, value)

    def outcome(self) -> Outcome:
        job = self.job
        missing = job.total - job.validated
        if job.validated == 0:
            return Outcome.failed(
                "Wavix returned no result for these numbers. Try again; if it keeps failing, "
                "contact support."
            )
        note = f"{job.validated} of {job.total} validated; {job.invalid} invalid."
        if missing > 0:
            note += f" Wavix returned no result for {missing}."
        return Outcome.succeeded(note)

    def wavix_failure(self, exc: WavixError) -> Outcome:
        """Said in plain words (Wavix's text is the detail for system administrators)."""
        job = self.job
        log.warning("Validation job %s failed: %s", job.pk, exc)
        again = is_transient(exc) and job.attempt > 1
        tries = f", even after {job.attempt} attempts" if again else ""
        reason = f"{plain.cause(exc)}{tries}, so the numbers were not validated. "
        reason += plain.advice(exc)
        if job.validated:
            reason += f" The {job.validated} results Wavix gave before are kept."
        return Outcome.failed(reason, str(exc))


def _items(answer) -> list[dict]:
    items = answer.get("items") if isinstance(answer, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
