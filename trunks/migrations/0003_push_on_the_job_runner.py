"""Trunk pushes move onto the job runner: the trunk is the job row of its push (the fields of
`portal.jobs.Job`), and the runner's lease (`claimed_until`) replaces `push_lease_until`.

The job state is set from the sync state: in sync, succeeded; failed, failed with the trunk's
reason; a push outstanding (pending, or its deletion requested), running with its lease
passed, so a push that was waiting for a retry, or whose task was lost, is taken up by the
runner's sweep (`portal.tasks.sweep_lost_jobs`, every few minutes) or its next delivery, as
any push whose worker was lost. The create-in-doubt record stays on the trunk, so a create
whose outcome is unknown is still adopted, never repeated.
"""

from django.db import migrations, models
from django.utils import timezone


def job_state_from_sync_state(apps, schema_editor):
    SipTrunk = apps.get_model("trunks", "SipTrunk")
    trunks = SipTrunk._base_manager
    now = timezone.now()
    trunks.filter(sync_state="in_sync").update(status="succeeded")
    for trunk in trunks.filter(sync_state="failed").only("pk", "sync_error"):
        trunks.filter(pk=trunk.pk).update(status="failed", error=trunk.sync_error[:2000])
    outstanding = trunks.filter(models.Q(sync_state="pending") | models.Q(delete_requested=True))
    outstanding.update(status="running", started_at=now)
    outstanding.filter(
        models.Q(claimed_until__isnull=True) | models.Q(claimed_until__gt=now)
    ).update(claimed_until=now)


class Migration(migrations.Migration):

    dependencies = [
        ('trunks', '0002_siptrunk_create_in_doubt'),
    ]

    operations = [
        migrations.RenameField(
            model_name='siptrunk',
            old_name='push_lease_until',
            new_name='claimed_until',
        ),
        migrations.AlterField(
            model_name='siptrunk',
            name='claimed_until',
            field=models.DateTimeField(blank=True, help_text="While running: the worker's lease. A running job whose lease has passed lost its worker and is taken up again.", null=True),
        ),
        migrations.AddField(
            model_name='siptrunk',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='siptrunk',
            name='attempt',
            field=models.PositiveSmallIntegerField(default=1, help_text='The attempt running or due next (1-based).'),
        ),
        migrations.AddField(
            model_name='siptrunk',
            name='error',
            field=models.TextField(blank=True, help_text='What failed, in plain words.'),
        ),
        migrations.AddField(
            model_name='siptrunk',
            name='error_detail',
            field=models.TextField(blank=True, help_text='The technical detail (system administrators and the logs).'),
        ),
        migrations.AddField(
            model_name='siptrunk',
            name='note',
            field=models.TextField(blank=True, help_text='What the job says on success.'),
        ),
        migrations.AddField(
            model_name='siptrunk',
            name='retry_at',
            field=models.DateTimeField(blank=True, help_text='While retrying: when.', null=True),
        ),
        migrations.AddField(
            model_name='siptrunk',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='siptrunk',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('retrying', 'Retrying'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='queued', max_length=16),
        ),
        migrations.RunPython(job_state_from_sync_state, migrations.RunPython.noop),
    ]
