"""The tenant's wording of the keyword replies: three texts, each blank for the default (shown
as the placeholder). The bounds are the model's; the service saves them."""

from __future__ import annotations

from django import forms

from portal.forms import Form

from .. import keywords
from ..models import KeywordReplies

LABELS = {
    "stop_text": ("Reply to STOP", keywords.STOP, "STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT"),
    "start_text": ("Reply to START", keywords.START, "START, UNSTOP, YES"),
    "help_text": ("Reply to HELP", keywords.HELP, "HELP, INFO"),
}


MAX = KeywordReplies._meta.get_field("stop_text").max_length


class KeywordRepliesForm(Form):
    stop_text = forms.CharField(required=False, max_length=MAX)
    start_text = forms.CharField(required=False, max_length=MAX)
    help_text = forms.CharField(required=False, max_length=MAX)

    def __init__(self, *args, segments_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, kind, words) in LABELS.items():
            field = self.fields[name]
            field.label = label
            field.help_text = (
                f"Sent when someone texts {words}. Blank: the default shown in the box."
            )
            field.widget = forms.Textarea(
                attrs={
                    "rows": 3,
                    "class": "form-control",
                    "placeholder": keywords.DEFAULT_REPLIES[kind],
                    "maxlength": field.max_length,
                    "hx-post": segments_url,
                    "hx-trigger": "input changed delay:150ms",
                    "hx-target": f"#segments-{name}",
                    "hx-swap": "innerHTML",
                    "data-param-as": "text",
                }
            )
