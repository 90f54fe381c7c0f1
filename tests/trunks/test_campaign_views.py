"""Voice campaigns in the browser and the API: call flows for system administrators, a
tenant admin's campaign from one contact or a CSV list (a constant number of queries whatever
its length), its progress page, controls and export."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from trunks.models import CallFlow, CampaignContact, VoiceCampaign

from ..conftest import api_client, login
from .campaign_helpers import numbers, opt_out, start, tick

pytestmark = pytest.mark.django_db


def upload(rows: list[str], name="contacts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(rows) + "\n").encode(), content_type="text/csv")


def form(voice, **overrides) -> dict:
    return {
        "name": "Reminders",
        "flow": voice.flow.pk,
        "caller_id": f"+{voice.caller}",
        "rate": "30",
        **overrides,
    }


def campaigns() -> list[VoiceCampaign]:
    with scopes_disabled():
        return list(VoiceCampaign.objects.order_by("pk"))


def test_a_system_admin_adds_a_flow_for_a_tenant_and_a_tenant_user_cannot(voice):
    admin = login(voice.world.sysadmin)
    page = admin.get(reverse("platform:callflow_create")).content.decode()
    assert "/calling/flows/view/{ID}" in page
    response = admin.post(
        reverse("platform:callflow_create"),
        {
            "account": voice.account.pk,
            "wavix_id": "102",
            "label": "Payment due",
            "tenants": [voice.tenant.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    flow = CallFlow.objects.get(wavix_id=102)
    assert list(flow.tenants.all()) == [voice.tenant]
    listed = admin.get(reverse("platform:callflow_list") + "?q=payment").content.decode()
    assert "Payment due" in listed and "Appointment reminder" not in listed

    bad = admin.post(
        reverse("platform:callflow_create"),
        {"account": voice.account.pk, "wavix_id": "0", "label": "Zero"},
    )
    assert bad.status_code == 200 and "greater than or equal to 1" in bad.content.decode()
    assert login(voice.world.admin_a).get(reverse("platform:callflow_list")).status_code == 403

    admin.post(reverse("platform:callflow_delete", args=[flow.pk]))
    assert not CallFlow.objects.filter(pk=flow.pk).exists()


def test_a_tenant_admin_starts_a_campaign_from_a_csv_and_sees_the_skipped_ones(voice):
    opt_out(voice.tenant, "14155550001")
    client = login(voice.world.admin_a)
    url = reverse("tenant:campaign_create", args=[voice.tenant.slug])
    assert "Appointment reminder" in client.get(url).content.decode()

    rows = ["number,name", "+1 415 555 0000,Ann", "14155550001,Bob", "not a number,Cy"]
    response = client.post(url, form(voice, file=upload(rows)), follow=True)

    page = response.content.decode()
    (campaign,) = campaigns()
    assert response.redirect_chain[-1][0].endswith(f"/campaigns/{campaign.pk}/")
    assert "1 contact(s) to call at 30 a minute" in page
    assert "1 row(s) skipped: Line 4:" in page and "1 number(s) opted out" in page
    skipped = client.get(
        reverse("tenant:campaign_detail", args=[voice.tenant.slug, campaign.pk]) + "?status=skipped"
    ).content.decode()
    assert "Opted out" in skipped and "not a number" in skipped and "Ann" not in skipped


def test_the_upload_costs_the_same_queries_for_10_and_1000_contacts(voice):
    client = login(voice.world.admin_a)
    url = reverse("tenant:campaign_create", args=[voice.tenant.slug])
    client.get(url)
    counts = []
    for size, first in ((10, 14155550000), (1000, 14155560000)):
        file = upload([n for n in numbers(size, start=first)])
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(url, form(voice, file=file))
        assert response.status_code == 302
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    assert [c.total for c in campaigns()] == [10, 1000]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"caller_id": "+1 415 555 9999"}, "caller_id", "is not one of Acme Telecom"),
        ({"caller_id": "(415) 555"}, "caller_id", "has no country code"),
        ({"rate": "500"}, "rate", "less than or equal to 60"),
        ({}, None, "Give one contact or upload a contact list"),
        ({"contact": "12"}, None, "12"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(voice, fields, field, message):
    client = login(voice.world.admin_a)
    data = form(voice, **fields)
    if field is not None:
        data.setdefault("contact", "+14155550000")
    response = client.post(reverse("tenant:campaign_create", args=[voice.tenant.slug]), data)
    if "contact" in fields:  # a single invalid number: started, and shown as skipped
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert message in response.content.decode()
    assert campaigns() == []


def test_a_list_too_long_or_not_text_is_refused_whole(voice):
    client = login(voice.world.admin_a)
    url = reverse("tenant:campaign_create", args=[voice.tenant.slug])
    too_many = upload(numbers(10_002))
    page = client.post(url, form(voice, file=too_many)).content.decode()
    assert "more than 10,000 rows" in page
    binary = SimpleUploadedFile("x.csv", b"\xff\xfe\x00\x01", content_type="text/csv")
    assert "not UTF-8" in client.post(url, form(voice, file=binary)).content.decode()
    assert campaigns() == []


def test_the_campaign_page_shows_progress_controls_and_exports_the_results(voice):
    campaign = start(voice, numbers(3))
    tick(campaign)
    client = login(voice.world.admin_a)
    detail = reverse("tenant:campaign_detail", args=[voice.tenant.slug, campaign.pk])
    page = client.get(detail).content.decode()
    assert 'data-testid="count-calling">1<' in page and "In progress" in page
    progress = client.get(detail + "?part=progress", HTTP_HX_REQUEST="true").content.decode()
    assert progress.startswith('\n<div id="campaign-progress"') or "campaign-progress" in progress

    client.post(reverse("tenant:campaign_pause", args=[voice.tenant.slug, campaign.pk]))
    assert "Paused" in client.get(detail).content.decode()
    client.post(reverse("tenant:campaign_cancel", args=[voice.tenant.slug, campaign.pk]))
    with scopes_disabled():
        assert CampaignContact.objects.filter(campaign=campaign, status="skipped").count() == 2

    export = client.get(reverse("tenant:campaign_export", args=[voice.tenant.slug, campaign.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][:4] == ["number", "name", "line", "status"]
    assert sorted(r[3] for r in rows[1:]) == ["In progress", "Skipped", "Skipped"]


def test_a_running_campaign_refreshes_its_contacts_in_place_and_reloads_once_done(voice):
    campaign = start(voice, numbers(3))
    tick(campaign)
    client = login(voice.world.admin_a)
    detail = reverse("tenant:campaign_detail", args=[voice.tenant.slug, campaign.pk])
    table = client.get(detail + "?status=calling", HTTP_HX_REQUEST="true").content.decode()
    # the table partial polls itself on the filters and page it shows
    assert f'hx-get="{detail}?status=calling&page=1" hx-trigger="every 3s"' in table
    progress = client.get(detail + "?part=progress", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in progress.headers

    VoiceCampaign._base_manager.filter(pk=campaign.pk).update(status="succeeded")
    done = client.get(detail + "?part=progress", HTTP_HX_REQUEST="true")
    assert done.headers["HX-Refresh"] == "true"  # the page reloads: no Pause or Cancel left
    page = client.get(detail).content.decode()
    assert 'data-testid="pause"' not in page and 'data-testid="cancel"' not in page
    assert "every 3s" not in page and "every 2s" not in page


def test_an_agent_cannot_open_campaigns(voice):
    client = login(voice.world.agent_a)
    assert client.get(reverse("tenant:campaign_list", args=[voice.tenant.slug])).status_code == 403


def test_the_api_lists_flows_creates_a_campaign_and_controls_it(voice):
    api = api_client(voice.world.admin_a, voice.tenant)
    base = f"/api/v1/tenants/{voice.tenant.slug}"
    flows = api.get(f"{base}/call-flows/").json()
    assert [f["wavix_id"] for f in flows["results"]] == [101]
    body = {
        "name": "API reminders",
        "flow": voice.flow.pk,
        "caller_id": str(voice.caller),
        "rate": 20,
        "contacts": [{"number": "+14155550000", "name": "Ann"}, {"number": "bad"}],
    }
    created = api.post(f"{base}/voice-campaigns/", body, format="json")
    assert created.status_code == 201, created.content
    campaign = created.json()
    assert (campaign["total"], campaign["queued"], campaign["skipped"]) == (2, 1, 1)
    contacts = api.get(f"{base}/voice-campaigns/{campaign['id']}/contacts/?status=skipped").json()
    assert [c["number"] for c in contacts["results"]] == ["bad"]
    wrong = api.get(f"{base}/voice-campaigns/{campaign['id']}/contacts/?status=x")
    assert wrong.status_code == 400
    assert "x is not one of the available choices" in wrong.json()["errors"]["status"][0]
    named = api.get(f"{base}/voice-campaigns/{campaign['id']}/contacts/?q=ann").json()
    assert [c["name"] for c in named["results"]] == ["Ann"]
    paused = api.post(f"{base}/voice-campaigns/{campaign['id']}/pause/").json()
    assert paused["state"] == "Paused"
    assert api.post(f"{base}/voice-campaigns/{campaign['id']}/pause/").status_code == 400
    resumed = api.post(f"{base}/voice-campaigns/{campaign['id']}/resume/").json()
    assert resumed["state"] == "Queued"
    cancelled = api.post(f"{base}/voice-campaigns/{campaign['id']}/cancel/").json()
    assert cancelled["state"] == "Cancelling" and cancelled["skipped"] == 2

    refused = api.post(f"{base}/voice-campaigns/", {**body, "flow": 999}, format="json")
    assert refused.status_code == 400 and "No call flow 999" in refused.content.decode()
    too_fast = api.post(f"{base}/voice-campaigns/", {**body, "rate": 61}, format="json")
    assert too_fast.status_code == 400 and "rate" in too_fast.json().get("errors", too_fast.json())


def test_the_campaign_list_filters_by_the_state_users_read_and_by_call_flow(voice):
    from django.utils import timezone

    from trunks.services import campaigns as campaign_services

    running = start(voice, numbers(2))
    paused = start(voice, numbers(2, start=14155551000))
    done = start(voice, numbers(1, start=14155552000))
    cancelled = start(voice, numbers(1, start=14155553000))
    other_flow = campaign_services.callflow_save(
        account=voice.account, wavix_id=102, label="Survey", tenants=[voice.tenant]
    )
    hidden_flow = campaign_services.callflow_save(
        account=voice.account, wavix_id=103, label="Globex only", tenants=[voice.world.b]
    )
    with scopes_disabled():
        VoiceCampaign.objects.filter(pk=paused.pk).update(paused=True)
        VoiceCampaign.objects.filter(pk=done.pk).update(status="succeeded", flow=other_flow)
        VoiceCampaign.objects.filter(pk=cancelled.pk).update(
            cancelled_at=timezone.now(), status="succeeded"
        )
    client = login(voice.world.admin_a)
    url = reverse("tenant:campaign_list", args=[voice.tenant.slug])

    def listed(**params) -> list[int]:
        return [c.pk for c in client.get(url, params).context["object_list"]]

    assert listed(state="running") == [running.pk]
    assert listed(state="paused") == [paused.pk]
    assert listed(state="completed") == [done.pk]
    assert listed(state="cancelled") == [cancelled.pk]
    assert listed(state="failed") == []
    assert listed(flow=other_flow.pk) == [done.pk]
    page = client.get(url).content.decode()
    assert "Survey" in page and "Appointment reminder" in page
    assert "Globex only" not in page
    refused = client.get(url, {"flow": hidden_flow.pk}).content.decode()
    assert "Select a valid choice" in refused
