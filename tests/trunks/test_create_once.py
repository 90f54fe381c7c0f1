"""A trunk is created on Wavix once, even when a create's outcome is unknown: Wavix has no
idempotency key for trunks, so after a timeout or a dropped connection (the request may have
reached Wavix) the next attempt looks for the trunk on Wavix and adopts it instead of creating
a second one (trunks/services/sync.py)."""

import pytest
import requests
from requests.adapters import BaseAdapter

from portal.wavix.client import session_for_account
from sandbox.wavix.faults import faults_set
from sandbox.wavix.models import SandboxTrunk
from sandbox.wavix.params import Params
from sandbox.wavix.services.trunks import trunk_config, trunk_save
from trunks import services
from trunks.models import ForeignTrunk, SipTrunk
from trunks.payloads import to_wavix
from trunks.tasks import reconcile_trunks

from .conftest import digest

pytestmark = pytest.mark.django_db

LABEL = "Acme PBX"


class AnswerLost(BaseAdapter):
    """Hands each request to the sandbox; the first `times` creates of a trunk reach it and
    take effect, but their answer is lost on the way back (the connection drops)."""

    def __init__(self, sandbox: BaseAdapter, times: int = 1):
        super().__init__()
        self.sandbox, self.times = sandbox, times
        self.creates = 0

    def send(self, request, **kwargs):
        response = self.sandbox.send(request, **kwargs)
        if request.method == "POST" and request.path_url.endswith("/v1/trunks"):
            self.creates += 1
            if self.times:
                self.times -= 1
                raise requests.ConnectionError("('Connection aborted.', RemoteDisconnected())")
        return response

    def close(self):
        pass


@pytest.fixture
def answer_lost(wavix):
    transport = AnswerLost(wavix.account.transport)
    session_for_account(wavix.account).mount("http://wavix-sandbox.test/", transport)
    return transport


def on_wavix(label: str = LABEL):
    return SandboxTrunk.objects.filter(label=label)


def wavix_trunk(wavix, **overrides) -> SandboxTrunk:
    """A trunk made on Wavix directly (its web UI, another system), not by the portal."""
    trunk = SipTrunk(**{**digest(wavix.active[0]), "callerid": wavix.active[0], **overrides})
    return trunk_save(
        account=wavix.account.sandbox,
        config=trunk_config(wavix.account.sandbox, Params(to_wavix(trunk))),
    )


def test_a_create_that_timed_out_after_wavix_made_the_trunk_is_adopted_not_repeated(
    wavix, run_tasks, hold_task, settings
):
    # The sandbox's timeout fault: the create hangs past the client's timeout, then is
    # carried out anyway, as a real timeout leaves it.
    settings.WAVIX_TIMEOUT_SECONDS = 1.0
    faults_set(
        account=wavix.account.sandbox, timeout_rate=1.0, path_prefix="/v1/trunks", methods="POST"
    )
    queue = hold_task("trunks.tasks", "sync_trunk")
    trunk = run_tasks(services.trunk_save, account=wavix.account, data=digest(wavix.active[0]))

    assert queue.run_next() == "retry"

    trunk.refresh_from_db()
    made = on_wavix().get()  # Wavix made it; the portal does not know
    assert trunk.wavix_id is None and trunk.sync_state == "pending"
    assert trunk.create_in_doubt["label"] == LABEL and trunk.create_in_doubt["existing"] == []
    assert "ReadTimeout" in trunk.sync_error and "(outcome unknown)" in trunk.sync_error
    assert "Wavix may have created the trunk all the same" in trunk.sync_error

    # The retry (the fault still on for every create) lists the trunks and adopts it.
    assert queue.run_next() == "synced"

    trunk.refresh_from_db()
    assert on_wavix().count() == 1
    assert (trunk.wavix_id, trunk.sip_username) == (made.pk, made.name)
    assert (trunk.sync_state, trunk.sync_error, trunk.create_in_doubt) == ("in_sync", "", {})
    assert queue.messages == []
    reconcile_trunks()
    trunk.refresh_from_db()
    assert (trunk.drift, trunk.drift_fields) == ("", {})
    assert not ForeignTrunk.objects.filter(wavix_id=made.pk).exists()


def test_a_create_whose_connection_dropped_is_adopted_with_the_portals_settings(
    wavix, run_tasks, answer_lost
):
    trunk = run_tasks(
        services.trunk_save,
        account=wavix.account,
        data=digest(wavix.active[0], allowed_ips="203.0.113.16/29"),
    )

    trunk.refresh_from_db()
    made = on_wavix().get()
    assert answer_lost.creates == 1  # the retry (run at once by the eager worker) adopted it
    assert (trunk.wavix_id, trunk.sync_state, trunk.create_in_doubt) == (made.pk, "in_sync", {})
    # Adopted, then replaced with the portal's settings, like any update.
    assert made.password == "Str0ng-Passw0rd-1" and len(made.allowed_ips) == 8


def test_a_trunk_that_already_had_the_label_on_wavix_is_never_adopted(
    wavix, run_tasks, answer_lost
):
    theirs = wavix_trunk(wavix, password="Th31r-Own-Passw0rd", max_channels=3)

    trunk = run_tasks(services.trunk_save, account=wavix.account, data=digest(wavix.active[0]))

    trunk.refresh_from_db()
    ours = on_wavix().exclude(pk=theirs.pk).get()
    assert trunk.wavix_id == ours.pk and trunk.sync_state == "in_sync"
    theirs.refresh_from_db()
    assert (theirs.password, theirs.max_channels) == ("Th31r-Own-Passw0rd", 3)  # untouched


def test_a_create_that_did_not_take_effect_is_sent_again_once(wavix, run_tasks, hold_task):
    theirs = wavix_trunk(wavix)  # same label, there before: not this trunk
    faults_set(account=wavix.account.sandbox, error_rate=1.0, methods="POST")  # 503, not made
    queue = hold_task("trunks.tasks", "sync_trunk")
    trunk = run_tasks(services.trunk_save, account=wavix.account, data=digest(wavix.active[0]))
    assert queue.run_next() == "retry"
    trunk.refresh_from_db()
    assert trunk.create_in_doubt["existing"] == [theirs.pk]

    faults_set(account=wavix.account.sandbox)
    assert queue.run_next() == "synced"

    trunk.refresh_from_db()
    assert on_wavix().count() == 2 and trunk.wavix_id not in (None, theirs.pk)


def test_a_trunk_linked_to_another_portal_trunk_is_not_adopted(wavix, run_tasks, hold_task):
    queue = hold_task("trunks.tasks", "sync_trunk")
    lost = AnswerLost(wavix.account.transport)
    session_for_account(wavix.account).mount("http://wavix-sandbox.test/", lost)
    first = run_tasks(services.trunk_save, account=wavix.account, data=digest(wavix.active[0]))
    assert queue.run_next() == "retry"
    first_retry = queue.messages.pop(0)
    # Meanwhile a second portal trunk with the same label is created and linked.
    second = run_tasks(services.trunk_save, account=wavix.account, data=digest(wavix.active[1]))
    assert queue.run_next() == "synced"
    second.refresh_from_db()
    queue.messages.insert(0, first_retry)

    assert queue.run_next() == "synced"

    first.refresh_from_db()
    assert on_wavix().count() == 2 and lost.creates == 2
    assert first.wavix_id and first.wavix_id != second.wavix_id
    assert SandboxTrunk.objects.get(pk=first.wavix_id).callerid == str(wavix.active[0])


def test_an_ambiguous_match_fails_with_the_reason_and_creates_nothing(
    wavix, run_tasks, hold_task, answer_lost
):
    queue = hold_task("trunks.tasks", "sync_trunk")
    trunk = run_tasks(services.trunk_save, account=wavix.account, data=digest(wavix.active[0]))
    assert queue.run_next() == "retry"
    made = on_wavix().get()
    other = wavix_trunk(wavix)  # someone makes another trunk with the label meanwhile

    assert queue.run_next() == "failed"

    trunk.refresh_from_db()
    assert on_wavix().count() == 2 and answer_lost.creates == 1
    assert trunk.wavix_id is None and trunk.create_in_doubt
    assert trunk.sync_error.startswith("An earlier create of this trunk has an unknown outcome")
    assert f"Wavix now has 2 trunks labelled “{LABEL}”" in trunk.sync_error
    assert f"(#{made.pk}, #{other.pk})" in trunk.sync_error and "creates none" in trunk.sync_error

    # The extra one deleted on Wavix, a retry adopts the one left.
    other.delete()
    run_tasks(services.trunk_retry, trunk=trunk)
    assert queue.run_next() == "synced"
    trunk.refresh_from_db()
    assert (trunk.wavix_id, trunk.sync_state) == (made.pk, "in_sync")
    assert answer_lost.creates == 1


def test_deleting_a_trunk_whose_create_is_in_doubt_deletes_what_wavix_made(
    wavix, run_tasks, hold_task, answer_lost
):
    queue = hold_task("trunks.tasks", "sync_trunk")
    trunk = run_tasks(services.trunk_save, account=wavix.account, data=digest(wavix.active[0]))
    assert queue.run_next() == "retry"
    assert on_wavix().exists()

    run_tasks(services.trunk_delete, trunk=trunk)  # not simply dropped: it may be on Wavix
    assert SipTrunk.objects.filter(pk=trunk.pk, delete_requested=True).exists()
    (retry, delete) = queue.messages  # the create's retry, then the delete's push
    assert queue.task(*delete[0]) == "deleted"
    assert not on_wavix().exists() and not SipTrunk.objects.filter(pk=trunk.pk).exists()
