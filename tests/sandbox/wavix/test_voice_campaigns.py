"""The sandbox's /v1/voice-campaigns: it checks the flow, the caller ID and the contact as
Wavix does, answers 201 in progress, and a few seconds later the call has ended with a call
record the CDR list returns."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.wavix.models import SandboxCdr, SandboxVoiceCampaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def wavix(seeded):
    """(post, get, an active number of the account); every exchange checked against the spec
    (its 400 answers included)."""
    number = seeded.account.numbers.filter(status="active").first().number

    def post(body, check=True):
        return seeded.post("/v1/voice-campaigns", json=body, check=check)

    def get(path, check=True):
        return seeded.get(path, check=check)

    return post, get, number


def call(flow=101, caller="", contact="14155550120"):
    return {"voice_campaign": {"callflow_id": flow, "caller_id": caller, "contact": contact}}


def test_a_call_is_placed_in_progress_and_ends_with_a_call_record(wavix):
    post, get, caller = wavix
    created = post(call(caller=caller))
    assert created.status_code == 201
    answer = created.json()["voice_campaign"]
    assert answer["status"] == "in_progress" and answer["contact"] == "14155550120"
    assert get(f"/v1/voice-campaigns/{answer['id']}").json()["voice_campaign"]["status"] == (
        "in_progress"
    )

    SandboxVoiceCampaign.objects.update(ends_at=timezone.now() - timedelta(seconds=1))

    ended = get(f"/v1/voice-campaigns/{answer['id']}").json()["voice_campaign"]
    assert ended["status"] in ("completed", "failed")
    record = SandboxCdr.objects.get(callee="14155550120", caller=caller)
    assert record.direction == "placed"
    assert (record.disposition == "answered") == (ended["status"] == "completed")
    today = timezone.now().date().isoformat()
    cdrs = get(f"/v1/cdrs?from={today}&to={today}&type=placed&to_search=14155550120").json()
    assert [c["uuid"] for c in cdrs["items"]] == [str(record.call_id)]


def test_a_busy_number_fails_and_a_cdr_pull_finds_calls_that_were_never_polled(wavix):
    post, get, caller = wavix
    post(call(caller=caller, contact="14155550113"))
    SandboxVoiceCampaign.objects.update(ends_at=timezone.now() - timedelta(seconds=1))
    today = timezone.now().date().isoformat()
    items = get(f"/v1/cdrs?from={today}&to={today}&type=placed&to_search=14155550113").json()
    assert [c["disposition"] for c in items["items"]] == ["busy"]
    assert SandboxVoiceCampaign.objects.get().status == "failed"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (call(flow=999), "voice_campaign.callflow_id: is not an approved call flow"),
        (call(caller="14155559999"), "voice_campaign.caller_id: must be an active phone number"),
        (call(contact="12"), "voice_campaign.contact: must be an E.164 phone number"),
        ({"voice_campaign": {"callflow_id": 101}}, "voice_campaign.caller_id: is required"),
        ({"campaign": {}}, "campaign: is not a known parameter"),
    ],
)
def test_bad_input_is_refused_as_wavix_words_it(wavix, body, message):
    post, get, caller = wavix
    if body.get("voice_campaign", {}).get("caller_id") == "":
        body["voice_campaign"]["caller_id"] = caller
    response = post(body, check=False)  # the request breaks the spec: that is the point
    assert response.status_code == 400
    assert response.json() == {"success": False, "message": response.json()["message"]}
    assert message in response.json()["message"]
    assert not SandboxVoiceCampaign.objects.exists()


def test_an_unknown_campaign_is_a_404(wavix):
    _, get, _ = wavix
    response = get("/v1/voice-campaigns/424242")
    assert response.status_code == 404 and response.json()["message"] == "Record not found"
