"""No transaction is held across a call to Wavix: the client refuses, before sending
anything, to call while the caller has a database transaction open (portal/wavix/guard.py)."""

import pytest
from django.db import transaction

from portal.wavix.client import WavixClient
from portal.wavix.guard import TransactionHeldError


def test_a_wavix_call_inside_a_transaction_is_refused_before_it_is_sent(sandbox_account):
    client = WavixClient.for_account(sandbox_account)
    refused = pytest.raises(TransactionHeldError, match=r"Wavix GET /v1/profile .*transaction")
    with refused, transaction.atomic():
        client.get_profile()
    assert sandbox_account.transport.request_count == 0


def test_a_nested_transaction_counts_too(sandbox_account):
    client = WavixClient.for_account(sandbox_account)
    refused = pytest.raises(TransactionHeldError, match=r"2 atomic block")
    with refused, transaction.atomic(), transaction.atomic():
        client.list_e911_records()
    assert sandbox_account.transport.request_count == 0


def test_outside_a_transaction_the_call_is_made(sandbox_account):
    WavixClient.for_account(sandbox_account).get_profile()
    assert sandbox_account.transport.request_count == 1
