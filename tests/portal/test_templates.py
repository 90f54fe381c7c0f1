"""Template comments stay comments: Django's `{# … #}` ends on its own line, so one that spans
lines is printed on the page as text."""

from pathlib import Path

from django.conf import settings

from ..conftest import login

ROOT = Path(settings.BASE_DIR)


def test_no_template_comment_spans_lines():
    open_comments = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.glob("**/templates/**/*.html")
        if ".venv" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert not open_comments, "use {% comment %} for a comment over several lines"


def test_a_list_page_shows_no_template_comment(world):
    page = login(world.sysadmin).get("/platform/numbers/").content.decode()
    assert "{#" not in page and "#}" not in page
