from django.db import migrations


def create_support_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="Support")


def remove_support_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Support").delete()


class Migration(migrations.Migration):
    """The Support group for staff in the Django admin; its view permissions on every model
    are granted after each migrate (tenants.support)."""

    dependencies = [("tenants", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_support_group, remove_support_group)]
