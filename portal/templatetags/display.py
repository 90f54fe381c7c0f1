"""Template filters for showing values the way the rest of the portal writes them."""

from django import template

from portal import phone

register = template.Library()


@register.filter
def e164(value) -> str:
    """A number stored as E.164 digits, shown with its “+”; anything else (an anonymous
    caller, a SIP address) as it is (`portal.phone.e164`, the one display rule)."""
    return phone.e164(value)


@register.filter
def e164_list(values) -> str:
    """Numbers of a list, each with its “+”, separated by commas."""
    return ", ".join(e164(v) for v in values or [])
