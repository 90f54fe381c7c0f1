"""An invitation in real Chromium: a tenant admin invites a new person, the mail reaches a real
SMTP server, and the person follows its link, chooses a password and lands in the tenant."""

import pytest
from playwright.sync_api import expect

from tenants.models import User
from tests.factories import PASSWORD

from .test_roles import log_in

pytestmark = pytest.mark.e2e


def test_a_new_person_joins_through_the_mailed_link(
    browser,
    page,
    live_server,
    world,
    smtp_server,
    eager_celery,
):
    log_in(page, live_server.url, world.admin_a)
    page.goto(f"{live_server.url}/t/acme/users/")
    page.get_by_role("link", name="Invite").click()
    page.get_by_label("E-mail address").fill("newcomer@example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("Invitation sent to newcomer@example.org")
    expect(page.get_by_test_id("invitation-table")).to_contain_text("newcomer@example.org")

    [mail] = smtp_server.to("newcomer@example.org")
    context = browser.new_context(locale="en-US")
    person = context.new_page()
    person.goto(live_server.url + smtp_server.link(mail))
    expect(person.get_by_test_id("invitation-respond")).to_contain_text("Acme Telecom")
    person.get_by_label("Your name").fill("New Comer")
    person.get_by_label("Choose a password").fill(PASSWORD)
    person.get_by_label("The same password again").fill(PASSWORD)
    person.get_by_role("button", name="Create my account and join").click()
    expect(person).to_have_url(f"{live_server.url}/t/acme/")
    expect(person.get_by_test_id("user-menu")).to_contain_text("New Comer")
    context.close()
    assert User.objects.get(email="newcomer@example.org").full_name == "New Comer"
