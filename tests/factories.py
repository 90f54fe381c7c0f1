import factory
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
