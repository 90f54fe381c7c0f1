import uuid
from datetime import datetime, time, timedelta

import factory
from django.utils import timezone
from django_scopes import scopes_disabled

from tenants import services
from tenants.models import Membership, Role, Tenant, User

PASSWORD = "correct-horse-battery-staple"


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"Tenant {n}")
    slug = factory.Sequence(lambda n: f"tenant-{n}")
    contact_email = factory.LazyAttribute(lambda t: f"noc@{t.slug}.example")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(tenant: Tenant, role: str = Role.AGENT, **user_fields) -> User:
    user = UserFactory(**user_fields)
    services.membership_set(tenant=tenant, user=user, role=role)
    return user


def membership_of(user: User, tenant: Tenant) -> Membership:
    with scopes_disabled():
        return Membership.objects.get(user=user, tenant=tenant)


def wavix_account(name: str = "Wavix"):
    from portal.services import wavix_account_save

    return wavix_account_save(
        name=name, base_url="https://api.wavix.com", auth_mode="bearer", api_key="k" * 32
    )


def sip_trunk(account, **fields):
    """A trunk as the portal stores it, without talking to Wavix."""
    from trunks.models import SipTrunk

    return SipTrunk.objects.create(
        account=account,
        label=fields.pop("label", f"Trunk {SipTrunk.objects.count() + 1}"),
        password="x",
        **fields,
    )


def call_record(account, *, tenant=None, trunk=None, started_at, **fields):
    """A pulled CDR (outside any tenant scope)."""
    from trunks.models import Cdr

    with scopes_disabled():
        return Cdr.objects.create(
            account=account,
            tenant=tenant,
            trunk=trunk,
            call_id=fields.pop("call_id", uuid.uuid4().hex),
            direction=fields.pop("direction", "placed"),
            started_at=started_at,
            from_number=fields.pop("from_number", "12025550100"),
            to_number=fields.pop("to_number", "12025550143"),
            disposition=fields.pop("disposition", "answered"),
            **fields,
        )


def days_ago(n: int, hour: int = 12) -> datetime:
    """`hour` o'clock, local time, `n` days before today."""
    day = timezone.localdate() - timedelta(days=n)
    return timezone.make_aware(datetime.combine(day, time(hour)))
