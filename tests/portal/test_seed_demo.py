"""`manage.py seed_demo` (the demo data of `make run`) where the Wavix sandbox is off: the
tenants and users are loaded, no Wavix account is made, and the command says why."""

from io import StringIO

from django.core.management import call_command

from portal.models import WavixAccount
from tenants.models import Tenant, User


def test_seed_demo_with_the_sandbox_off_loads_tenants_and_says_the_sandbox_is_off(db, settings):
    settings.WAVIX_SANDBOX_ENABLED = False
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert set(Tenant.objects.values_list("slug", flat=True)) == {"acme", "globex"}
    assert User.objects.filter(email="alice@acme.example").exists()
    assert not WavixAccount.objects.exists()
    assert "The Wavix sandbox is off (WAVIX_SANDBOX_ENABLED=false)" in out.getvalue()
