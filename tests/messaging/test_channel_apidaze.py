"""An Apidaze channel as a system administrator sets it up: the key and the secret required on
create, kept encrypted and never shown again (blank on an edit keeps them); an API address
that is not https refused naming it (http only for the fake); the channel page gives the
inbound webhook to set on each number in Apidaze and says, check by check, whether the
portal's own address is one Apidaze accepts (no underscore, https, a valid certificate)."""

import socket
import ssl
import subprocess
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from messaging.models import Channel
from messaging.providers import apidaze_domain
from messaging.providers.apidaze import ApidazeProvider
from messaging.providers.apidaze_domain import domain_checks
from messaging.services.channels import channel_create
from tests.conftest import login

KEY, SECRET = "ak-0123456789abcdef", "sec-very-secret-0123"


def create(**settings):
    return channel_create(
        kind="apidaze",
        name=settings.pop("name", "Apidaze main"),
        config=settings.pop("config", {}),
        credentials=settings.pop("credentials", {"api_key": KEY, "api_secret": SECRET}),
        **settings,
    )


def messages_of(caught) -> dict[str, str]:
    return {k: " ".join(v) for k, v in caught.value.message_dict.items()}


def test_the_key_and_secret_are_required_on_create_naming_each(db):
    with pytest.raises(ValidationError) as caught:
        create(credentials={})
    errors = messages_of(caught)
    assert "The API key is required" in errors["api_key"]
    assert "The API secret is required" in errors["api_secret"]
    assert not Channel.objects.exists()


def test_a_plain_http_api_address_is_refused_naming_it_unless_the_fake_is_on(db, settings):
    settings.WAVIX_SANDBOX_ENABLED = False
    with pytest.raises(ValidationError) as caught:
        create(config={"base_url": "http://api.apidaze.io"})
    assert messages_of(caught)["base_url"] == (
        "The API address “http://api.apidaze.io” must be an address starting with https:// "
        "and at most 200 characters."
    )
    settings.WAVIX_SANDBOX_ENABLED = True
    channel = create(config={"base_url": "http://127.0.0.1:8000/apidaze-sandbox/"})
    assert channel.config == {"base_url": "http://127.0.0.1:8000/apidaze-sandbox"}


def test_the_default_api_address_is_apidazes_and_the_secrets_are_stored_encrypted(db):
    channel = create()
    assert channel.config == {"base_url": "https://api.apidaze.io"}
    assert channel.secrets() == {"api_key": KEY, "api_secret": SECRET}
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM messaging_channel WHERE id = %s", [channel.pk])
        (stored,) = cursor.fetchone()
    assert stored and KEY not in stored and SECRET not in stored


def test_a_key_that_would_change_apidazes_address_is_refused_without_repeating_it(db):
    with pytest.raises(ValidationError) as caught:
        create(credentials={"api_key": "ab/../c", "api_secret": SECRET})
    assert "letters, digits, dots, dashes or underscores" in messages_of(caught)["api_key"]
    assert "ab/../c" not in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        ApidazeProvider.clean_settings({}, {"api_key": KEY, "api_secret": "a b"})
    assert "printable characters without spaces" in messages_of(caught)["api_secret"]


@pytest.fixture
def admin(world):
    return login(world.sysadmin)


def test_a_channel_made_on_the_page_keeps_its_secrets_and_never_shows_them(
    admin, settings, monkeypatch
):
    settings.PORTAL_BASE_URL = "https://portal.example"
    monkeypatch.setattr(apidaze_domain, "tls_verified", lambda host, port: "")  # no network
    form = {
        "name": "Apidaze main",
        "is_active": "on",
        "rate": "5",
        "validity_days": "3",
        "max_segments": "10",
        "numbers": "+1 332 555 0200 - +1 332 555 0201",
        "base_url": "https://api.apidaze.io",
        "api_key": KEY,
        "api_secret": SECRET,
    }
    answer = admin.post(reverse("platform:channel_create") + "?kind=apidaze", form)
    channel = Channel.objects.get(kind="apidaze")
    assert answer.status_code == 302
    page = admin.get(reverse("platform:channel_edit", args=[channel.pk])).content.decode()
    assert KEY not in page and SECRET not in page
    assert 'data-testid="apidaze-inbound-url"' in page
    assert f"https://portal.example/hooks/inbound/{channel.inbound_token}/" in page
    assert "10DLC registration" in page and "at most 100 MB" in page and "72 hours" in page
    edit = {**form, "api_key": "", "api_secret": "", "rate": "7"}
    admin.post(reverse("platform:channel_edit", args=[channel.pk]), edit)
    channel.refresh_from_db()
    assert channel.rate == 7 and channel.secrets() == {"api_key": KEY, "api_secret": SECRET}


def test_the_page_refuses_a_bad_api_address_inline_naming_it(admin, settings):
    settings.WAVIX_SANDBOX_ENABLED = False
    form = {
        "name": "Apidaze main",
        "rate": "5",
        "validity_days": "3",
        "max_segments": "10",
        "base_url": "ftp://api.apidaze.io",
        "api_key": KEY,
        "api_secret": SECRET,
    }
    page = admin.post(reverse("platform:channel_create") + "?kind=apidaze", form)
    assert page.status_code == 200
    assert "The API address “ftp://api.apidaze.io” must be an address starting with" in (
        page.content.decode()
    )
    assert not Channel.objects.exists()


def test_an_underscore_in_the_portals_host_name_is_said_on_the_page(admin, settings):
    settings.PORTAL_BASE_URL = "https://pbx_main.example.com"
    channel = create()
    page = admin.get(reverse("platform:channel_edit", args=[channel.pk])).content.decode()
    assert 'data-ok="no"' in page
    assert "The host name “pbx_main.example.com” contains an underscore: Apidaze refuses it" in (
        page
    )


def test_a_portal_served_over_http_is_refused_with_the_sentence(settings):
    settings.WAVIX_SANDBOX_ENABLED = False
    checks = domain_checks("http://portal.example/hooks/inbound/t/")
    assert [c.ok for c in checks] == [True, False]
    assert checks[0].text == "The host name “portal.example” contains no underscore."
    assert checks[1].text.startswith("The portal's address is served over http, not https")


def test_with_the_fake_on_the_certificate_is_said_to_be_needed_not_checked(settings):
    settings.WAVIX_SANDBOX_ENABLED = True
    checks = domain_checks("https://portal.example/hooks/inbound/t/")
    assert checks[-1].ok is None and "must be valid" in checks[-1].text


@pytest.fixture
def self_signed(tmp_path):
    """A TLS server on localhost whose certificate no authority issued."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)

    def serve():
        try:
            conn, _ = server.accept()
            with context.wrap_socket(conn, server_side=True):
                pass
        except (OSError, ssl.SSLError):
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    server.close()
    thread.join(timeout=5)


def test_a_certificate_that_does_not_validate_is_said_with_why(settings, self_signed):
    settings.WAVIX_SANDBOX_ENABLED = False
    apidaze_domain.cache.clear()
    checks = domain_checks(f"https://localhost:{self_signed}/hooks/inbound/t/")
    assert checks[-1].ok is False
    assert checks[-1].text.startswith("The certificate of “localhost” does not validate:")
    assert "self-signed certificate" in checks[-1].text


def test_a_valid_certificate_is_said_green_and_kept_ten_minutes(settings, monkeypatch):
    settings.WAVIX_SANDBOX_ENABLED = False
    apidaze_domain.cache.clear()
    handshakes: list[tuple] = []
    monkeypatch.setattr(
        apidaze_domain, "tls_verified", lambda host, port: handshakes.append((host, port)) or ""
    )
    for _ in range(2):
        checks = domain_checks("https://portal.example/hooks/inbound/t/")
    assert checks[-1] == apidaze_domain.Check(
        True, "The portal is served over https and the certificate of “portal.example” is valid."
    )
    assert handshakes == [("portal.example", 443)]
