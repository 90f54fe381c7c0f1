"""Every URL under /t/<slug>/ and /api/v1/tenants/<slug>/, taken from the URL resolver, answers
a member of tenant A who asks for tenant B (or for B's objects under A) with 404, whatever the
method; a view added later is covered the day it is added."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from dids.models import (
    Did,
    DidPool,
    DocumentUpload,
    E911Address,
    E911Drift,
    E911Job,
    NumberDocument,
    NumberRange,
    ValidationJob,
    ValidationResult,
    ValidatorSettings,
)
from dids.services import pool_save
from messaging.models import (
    CannedReply,
    Channel,
    Contact,
    Conversation,
    KeywordReplies,
    Message,
    MessageQueue,
    OptOut,
    SenderId,
    TenantWebhook,
    WebhookDelivery,
)
from portal.models import AuditEntry
from tenants import services
from tenants.models import ApiToken, Invitation, Membership
from tenants.services.invitations import invitation_create
from trunks.models import (
    CallFlow,
    CampaignContact,
    Cdr,
    SpeechHit,
    SpeechSearch,
    Transcript,
    TranscriptionJob,
    TrunkAssignment,
    VoiceCampaign,
)
from trunks.services import assignment_save

from ..conftest import api_client, login
from ..factories import call_record, sip_trunk, wavix_account
from ..messaging.factories import message

METHODS = ["get", "post", "put", "patch", "delete"]


def _kwarg_names(pattern) -> set[str]:
    if hasattr(pattern, "converters") and pattern.converters:
        return set(pattern.converters)
    return set(pattern.regex.groupindex)


def tenant_url_patterns():
    """(name, kwarg names, view) for every pattern whose address names a tenant."""

    def walk(patterns, namespace, inherited):
        for p in patterns:
            names = inherited | _kwarg_names(p.pattern)
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace]))
                yield from walk(p.url_patterns, ns, names)
            elif isinstance(p, URLPattern) and "tenant_slug" in names:
                assert p.name, f"{p.pattern} has no name, so it cannot be tested"
                yield ":".join(filter(None, [namespace, p.name])), names, p.callback

    return list(walk(get_resolver().url_patterns, "", set()))


def view_model(callback):
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return getattr(view, "model", None)


def objects_of_b(world) -> dict:
    """One object of each tenant-owned model, in tenant B."""
    token, _ = services.api_token_create(user=world.admin_b, tenant=world.b, name="b token")
    invitation = invitation_create(acting_user=world.admin_b, tenant=world.b, email="x@b.example")
    pool, _ = pool_save(tenant=world.b, text="16468097090-16468097099")
    account = wavix_account()
    trunk = sip_trunk(account, label="B trunk", sync_state="in_sync")
    trunk_share = assignment_save(
        trunk=trunk, tenant=world.b, numbers="16468097180-16468097189", max_calls=2
    )
    cdr = call_record(
        account,
        tenant=world.b,
        trunk=trunk,
        started_at="2026-01-05T10:00:00Z",
        from_number="16468097180",
        duration=60,
    )
    now_ = timezone.now()
    with scopes_disabled():
        job = E911Job.objects.create(tenant=world.b, kind="set", numbers=[16468097090], total=1)
        address = dict(street_number="100", street="Main St", city="Springfield", state="IL")
        e911 = E911Address.objects.create(
            tenant=world.b, number=16468097090, name="HQ", zip_code="62701", job=job, **address
        )
        drift = E911Drift.objects.create(
            account=account, tenant=world.b, number=16468097091, kind="unknown_to_portal"
        )
        # numbers: the number validator (issue 15, part A)
        validation = ValidationJob.objects.create(
            tenant=world.b, type="format", numbers=[16468097090], total=1, price=0
        )
        validation_result = ValidationResult.objects.create(
            tenant=world.b, job=validation, number=16468097090, valid=True, validated_at=now_
        )
        validator_settings = ValidatorSettings.objects.create(tenant=world.b)
        # numbers: documents Wavix requires (an inactive number of B's pool)
        papers_did = Did.objects.create(
            account=account,
            number=16468097093,
            status="inactive",
            required_docs=["Proof of identity"],
        )
        doc_upload = DocumentUpload.objects.create(
            tenant=world.b, doc_type=1, file_name="b-id.png", content_type="image/png", size=9
        )
        number_document = NumberDocument.objects.create(
            tenant=world.b, upload=doc_upload, did=papers_did, doc_type=1
        )
        # messaging: sender IDs and opt-outs
        channel = Channel.objects.create(name="B channel", wavix_account=account)
        sender = SenderId.objects.create(
            tenant=world.b, channel=channel, kind="alphanumeric", value="Globex"
        )
        opt_out = OptOut.objects.create(tenant=world.b, recipient="447700900123")
        # messaging: intake (part A)
        keyword_replies = KeywordReplies.objects.create(tenant=world.b, help_text="Globex help")
        # messaging: routing (part B)
        sms_did = Did.objects.create(
            account=account, number=16468097092, sms_enabled=True, status="active"
        )
        queue = MessageQueue.objects.create(tenant=world.b, name="Globex support")
        endpoint = TenantWebhook.objects.create(
            tenant=world.b, name="Globex CRM", url="https://crm.globex.example/h", secret="s"
        )
        delivery = WebhookDelivery.objects.create(
            tenant=world.b,
            endpoint=endpoint,
            event="ping",
            event_id="evt_globex",
            payload={},
            due_at=timezone.now(),
            give_up_at=timezone.now(),
            status="failed",
        )
        # messaging: inbox (part C)
        now = timezone.now()
        conversation = Conversation.objects.create(
            tenant=world.b,
            channel=channel,
            our_number="16468097090",
            remote="16468097065",
            last_message_at=now,
            changed_at=now,
        )
        contact = Contact.objects.create(tenant=world.b, number="16468097065", name="Dana")
        canned = CannedReply.objects.create(tenant=world.b, title="Thanks", text="Thank you!")
        # trunks: recordings, transcripts and speech search
        turns = [{"speaker": "client", "start_ms": 0, "end_ms": 900, "text": "My invoice"}]
        transcript = Transcript.objects.create(tenant=world.b, call=cdr, turns=turns)
        transcription = TranscriptionJob.objects.create(tenant=world.b, call=cdr, token="b-tok")
        search = SpeechSearch.objects.create(
            tenant=world.b,
            date_from="2026-01-01",
            date_to="2026-01-31",
            direction="placed",
            criteria={"client": {"must": ["invoice"]}},
        )
        hit = SpeechHit.objects.create(tenant=world.b, search=search, call=cdr)
        # voice: campaigns
        flow = CallFlow.objects.create(account=account, wavix_id=101, label="Globex reminder")
        flow.tenants.add(world.b)
        campaign = VoiceCampaign.objects.create(
            tenant=world.b, flow=flow, name="Globex calls", caller_id=16468097180, rate=10
        )
        campaign_contact = CampaignContact.objects.create(
            campaign=campaign, tenant=world.b, number="16468097065"
        )
        return {
            Membership: Membership.objects.get(tenant=world.b, user=world.agent_b),
            ApiToken: token,
            Invitation: invitation,
            AuditEntry: AuditEntry.objects.filter(tenant=world.b).first(),
            DidPool: pool,
            NumberRange: NumberRange.objects.get(pool=pool),
            TrunkAssignment: trunk_share,
            Cdr: cdr,
            E911Job: job,
            E911Address: e911,
            E911Drift: drift,
            # numbers: the number validator (issue 15, part A)
            ValidationJob: validation,
            ValidationResult: validation_result,
            ValidatorSettings: validator_settings,
            # numbers: documents Wavix requires
            DocumentUpload: doc_upload,
            NumberDocument: number_document,
            Message: message(world.b, text="Globex's message"),
            SenderId: sender,
            OptOut: opt_out,
            KeywordReplies: keyword_replies,
            # messaging: routing (part B)
            Did: sms_did,
            MessageQueue: queue,
            TenantWebhook: endpoint,
            WebhookDelivery: delivery,
            # messaging: inbox (part C)
            Conversation: conversation,
            Contact: contact,
            CannedReply: canned,
            # trunks: recordings, transcripts and speech search
            Transcript: transcript,
            TranscriptionJob: transcription,
            SpeechSearch: search,
            SpeechHit: hit,
            # voice: campaigns
            CallFlow: flow,
            VoiceCampaign: campaign,
            CampaignContact: campaign_contact,
        }


def _kwarg_value(extra, obj):
    """A URL names an object by pk, or a number of a pool by the number itself."""
    if extra == "number":
        return obj.number if hasattr(obj, "number") else obj.start
    return obj.pk


def build(name, names, callback, slug, objects):
    kwargs = {"tenant_slug": slug}
    for extra in names - {"tenant_slug"}:
        model = view_model(callback)
        assert model in objects, (
            f"{name}: cannot tell which object '{extra}' names; give the view a `model` and add "
            f"an object of it to objects_of_b()"
        )
        kwargs[extra] = _kwarg_value(extra, objects[model])
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def cases(world):
    objects = objects_of_b(world)
    patterns = tenant_url_patterns()
    names = {name for name, _, _ in patterns}
    # The walk must find the tenant UI and the tenant API, or it proves nothing.
    assert {
        "tenant:dashboard",
        "tenant:member_list",
        "api:member-list",
        "api:member-detail",
        "tenant:invitation_resend",
        "api:invitation-detail",
        "tenant:number_edit",
        "api:number-detail",
        "tenant:trunk_detail",
        "api:tenant-trunk-detail",
        "api:tenant-cdr-detail",
        "tenant:e911_job",
        "api:e911-detail",
        "tenant:message_detail",
        "api:tenant-message-detail",
        "tenant:sender_detail",
        "api:sender-id-detail",
        "tenant:optout_remove",
        "api:opt-out-detail",
        "tenant:cdr_detail",
        "tenant:cdr_recording",
        "api:tenant-cdr-recording",
        "tenant:speech_search_detail",
        "api:speech-search-detail",
    } <= names
    return patterns, objects


# The recording streams: B's call was not recorded, so they answer 404 saying so.
NOT_RECORDED = {"tenant:cdr_recording", "api:tenant-cdr-recording"}


def _client_for(name, user, tenant):
    return api_client(user, tenant) if name.startswith("api:") else login(user)


@pytest.mark.django_db
def test_member_of_a_gets_404_for_everything_of_tenant_b(world, cases):
    patterns, objects = cases
    failures = []
    for name, names, callback in patterns:
        client = _client_for(name, world.admin_a, world.a)
        other_tenant = build(name, names, callback, world.b.slug, objects)
        targets = [other_tenant]
        if names - {"tenant_slug"}:
            targets.append(build(name, names, callback, world.a.slug, objects))
        for url in targets:
            for method in METHODS:
                status = getattr(client, method)(url).status_code
                if status != 404:
                    failures.append(f"{method.upper()} {url} ({name}) answered {status}")
    assert not failures, "\n".join(failures)
    with scopes_disabled():
        assert all(type(o).objects.filter(pk=o.pk).exists() for o in objects.values()), (
            "a request from tenant A deleted an object of tenant B"
        )


@pytest.mark.django_db
def test_the_same_addresses_work_for_tenant_bs_own_admin(world, cases):
    """The control: the 404s above come from isolation, not from broken addresses."""
    patterns, objects = cases
    for name, names, callback in patterns:
        client = _client_for(name, world.admin_b, world.b)
        url = build(name, names, callback, world.b.slug, objects)
        response = client.get(url)
        status = response.status_code
        if name in NOT_RECORDED and status == 404:
            # B's call was not recorded: its recording address says so (the walk above still
            # proves A's 404 comes first, from the scope).
            assert b"not recorded" in response.content, f"GET {url} ({name}): {response.content}"
            continue
        assert status in (200, 405), f"GET {url} ({name}) answered {status} to B's own admin"


@pytest.mark.django_db
def test_a_tenant_token_does_not_open_another_tenant_even_for_a_member_of_both(world):
    services.membership_set(tenant=world.b, user=world.admin_a, role="agent")
    client = api_client(world.admin_a, world.a)
    assert client.get(f"/api/v1/tenants/{world.a.slug}/members/").status_code == 200
    assert client.get(f"/api/v1/tenants/{world.b.slug}/members/").status_code == 404
