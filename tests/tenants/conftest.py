from tests.mail import smtp_server  # noqa: F401 - the fixture
