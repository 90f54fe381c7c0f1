"""Opt-outs: by hand, CSV import (dry run, report per row, all or nothing), export, and kept
in step with Wavix's list both ways."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from messaging.models import OptOut
from messaging.selectors import opt_out_for
from messaging.services import optouts, senders
from portal.models import AuditEntry
from sandbox.wavix.models import SandboxOptOut

pytestmark = pytest.mark.django_db

RECIPIENT = "447700900123"


@pytest.fixture
def acme_sender(senders_env, run_tasks):
    a = senders_env.world.a
    with scope(tenant=a):
        return run_tasks(
            senders.sender_create, tenant=a, kind="alphanumeric", value="Acme", countries=["GB"]
        )


def test_an_opt_out_added_by_hand_stops_that_sender_and_reaches_wavix(
    senders_env, acme_sender, run_tasks
):
    a = senders_env.world.a
    with scope(tenant=a):
        opt_out = run_tasks(
            optouts.opt_out_add,
            tenant=a,
            recipient="+44 7700 900123",
            sender="Acme",
            actor=senders_env.world.admin_a,
        )
        assert opt_out.recipient == RECIPIENT and not opt_out.already
        assert opt_out_for(tenant=a, sender="Acme", recipient=RECIPIENT) == opt_out
        assert opt_out_for(tenant=a, sender="Other", recipient=RECIPIENT) is None
        opt_out.refresh_from_db()
    assert opt_out.synced_at is not None
    assert list(SandboxOptOut.objects.values_list("phone_number", "sender_id")) == [
        (RECIPIENT, "Acme")
    ]
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="create", object_id=str(opt_out.pk)).exists()


def test_an_all_senders_opt_out_goes_to_wavix_per_sender_never_account_wide(
    senders_env, acme_sender, run_tasks
):
    a = senders_env.world.a
    with scope(tenant=a):
        run_tasks(optouts.opt_out_add, tenant=a, recipient=RECIPIENT)
        assert opt_out_for(tenant=a, sender="Anything", recipient=RECIPIENT)
        again = optouts.opt_out_add(tenant=a, recipient=RECIPIENT, sender="Acme")
    assert again.already and again.sender == ""
    assert list(SandboxOptOut.objects.values_list("sender_id", flat=True)) == ["Acme"]


@pytest.mark.parametrize(
    ("recipient", "sender", "field", "words"),
    [
        ("12", "", "recipient", "“12”"),
        ("not a number", "", "recipient", "characters other than digits"),
        (RECIPIENT, "Far too long name", "sender", "1 to 11"),
    ],
)
def test_a_bad_opt_out_is_refused_naming_the_field(senders_env, recipient, sender, field, words):
    with scope(tenant=senders_env.world.a), pytest.raises(ValidationError) as caught:
        optouts.opt_out_add(tenant=senders_env.world.a, recipient=recipient, sender=sender)
    assert words in " ".join(caught.value.message_dict[field])
    with scopes_disabled():
        assert not OptOut.objects.exists()


def test_the_import_dry_run_reports_each_row_and_a_bad_row_blocks_the_import(senders_env):
    a = senders_env.world.a
    data = b"recipient,sender,note\n+447700900123,Acme,asked\n447700900124,,\nnonsense,,\n"
    report = optouts.opt_outs_import(tenant=a, data=data, dry_run=True)
    assert [(r.line, r.outcome) for r in report.rows] == [(2, "add"), (3, "add"), (4, "error")]
    assert "“nonsense”" in report.rows[2].message
    applied = optouts.opt_outs_import(tenant=a, data=data, dry_run=False)
    assert not applied.ok
    with scopes_disabled():
        assert not OptOut.objects.exists()
    good = data.replace(b"nonsense,,\n", b"447700900123,Acme,again\n")
    applied = optouts.opt_outs_import(tenant=a, data=good, dry_run=False)
    assert (applied.added, applied.existing) == (2, 1)
    with scopes_disabled():
        rows = OptOut.objects.order_by("recipient")
        assert [(o.recipient, o.sender, o.source, o.note) for o in rows] == [
            (RECIPIENT, "Acme", "import", "asked"),
            ("447700900124", "", "import", ""),
        ]


def test_an_import_too_large_is_refused_before_it_is_read(senders_env):
    with pytest.raises(ValidationError) as caught:
        optouts.opt_outs_import(
            tenant=senders_env.world.a, data=b"1" * (optouts.MAX_IMPORT_BYTES + 1), dry_run=True
        )
    assert "at most 1,000,000" in caught.value.message_dict["file"][0]
    rows = b"\n".join(b"4477009%05d" % i for i in range(optouts.MAX_IMPORT_ROWS + 2))
    with pytest.raises(ValidationError) as caught:
        optouts.opt_outs_import(tenant=senders_env.world.a, data=rows, dry_run=True)
    assert "more than 5,000 rows" in caught.value.message_dict["file"][0]


def test_the_export_neutralises_formula_cells(senders_env):
    from portal.exports import csv_lines

    a = senders_env.world.a
    with scope(tenant=a):
        optouts.opt_out_add(tenant=a, recipient=RECIPIENT, note="=HYPERLINK(evil)")
        lines = "".join(
            csv_lines(
                optouts.EXPORT_HEADER, optouts.opt_outs_export_rows(OptOut.objects.all(), tenant=a)
            )
        )
    assert "'=HYPERLINK(evil)" in lines and RECIPIENT in lines and "all senders" in lines


def test_the_sync_takes_wavix_opt_outs_to_the_sender_tenant_or_all_senders(
    senders_env, acme_sender, run_tasks
):
    account = senders_env.account.sandbox
    SandboxOptOut.objects.create(account=account, phone_number="447700900200", sender_id="Acme")
    SandboxOptOut.objects.create(account=account, phone_number="447700900201")
    run_tasks(senders.senders_sync_all)
    with scopes_disabled():
        got = sorted(OptOut.objects.values_list("tenant__slug", "recipient", "sender", "source"))
    assert got == [
        ("acme", "447700900200", "Acme", "provider"),
        ("acme", "447700900201", "", "provider"),
    ]


def test_a_removed_opt_out_is_audited_and_not_taken_back_from_wavix(
    senders_env, acme_sender, run_tasks
):
    a = senders_env.world.a
    with scope(tenant=a):
        opt_out = run_tasks(optouts.opt_out_add, tenant=a, recipient=RECIPIENT, sender="Acme")
    run_tasks(senders.senders_sync_all)
    pk = opt_out.pk
    with scope(tenant=a):
        optouts.opt_out_remove(opt_out=opt_out, actor=senders_env.world.admin_a)
    run_tasks(senders.senders_sync_all)
    with scopes_disabled():
        assert not OptOut.objects.exists()
        assert AuditEntry.objects.filter(action="delete", object_id=str(pk)).exists()


def test_a_start_keyword_lifts_the_opt_outs_that_stop_that_sender(senders_env):
    a = senders_env.world.a
    with scope(tenant=a):
        optouts.opt_out_add(tenant=a, recipient=RECIPIENT, sender="Acme")
        optouts.opt_out_add(tenant=a, recipient=RECIPIENT, sender="Other")
        optouts.opt_out_add(tenant=a, recipient="447700900999", source="keyword")
        assert optouts.opt_out_lift(tenant=a, recipient=f"+{RECIPIENT}", sender="Acme") == 1
        assert opt_out_for(tenant=a, sender="Acme", recipient=RECIPIENT) is None
        assert opt_out_for(tenant=a, sender="Other", recipient=RECIPIENT) is not None
        assert optouts.opt_out_lift(tenant=a, recipient="447700900999", sender="Acme") == 1


def test_an_opt_out_made_before_any_sender_id_reaches_wavix_with_the_next_sync(
    senders_env, run_tasks
):
    a = senders_env.world.a
    with scope(tenant=a):
        opt_out = run_tasks(optouts.opt_out_add, tenant=a, recipient=RECIPIENT)
        opt_out.refresh_from_db()
    assert opt_out.synced_at is None and not SandboxOptOut.objects.exists()
    with scope(tenant=a):
        run_tasks(
            senders.sender_create, tenant=a, kind="alphanumeric", value="Acme", countries=["GB"]
        )
    run_tasks(senders.senders_sync_all)
    assert list(SandboxOptOut.objects.values_list("phone_number", "sender_id")) == [
        (RECIPIENT, "Acme")
    ]
    with scopes_disabled():
        opt_out.refresh_from_db()
    assert opt_out.synced_at is not None
