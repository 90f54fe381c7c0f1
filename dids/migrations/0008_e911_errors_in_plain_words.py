"""E911 jobs and addresses recorded before `error_detail` existed hold Wavix's technical text
in `error`, which tenant users read: it moves to `error_detail`, and `error` gets a plain
sentence."""

from django.db import migrations

TRY_AGAIN = "Try again; if it keeps failing, contact support."
JOB = f"Wavix could not complete this change. {TRY_AGAIN}"
NOT_SET = f"The emergency address could not be set on Wavix. {TRY_AGAIN}"
STAYS = (
    "The emergency address could not be deleted on Wavix and stays in place: emergency calls "
    f"still use it. {TRY_AGAIN}"
)


def to_plain_words(apps, schema_editor):
    Job = apps.get_model("dids", "E911Job")
    Address = apps.get_model("dids", "E911Address")
    for job in Job.objects.exclude(error="").filter(error_detail=""):
        job.error_detail, job.error = job.error, JOB
        job.save(update_fields=["error", "error_detail"])
    for address in Address.objects.exclude(error="").filter(error_detail=""):
        plain = STAYS if address.status == "provisioned" else NOT_SET
        address.error_detail, address.error = address.error, plain
        address.save(update_fields=["error", "error_detail"])


class Migration(migrations.Migration):
    dependencies = [("dids", "0007_merge_pool_import_and_e911")]

    operations = [migrations.RunPython(to_plain_words, migrations.RunPython.noop)]
