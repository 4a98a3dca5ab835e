"""Receivers of the project as a whole."""

from axes.signals import user_locked_out
from django.dispatch import receiver
from rest_framework.exceptions import Throttled
from rest_framework.request import Request


@receiver(user_locked_out, dispatch_uid="recruiting.refuse_locked_out_api_request")
def refuse_locked_out_api_request(sender, request, **kwargs) -> None:
    """A locked-out username and address asking for an API token gets 429. The login page's lockout answer comes
    from axes' middleware, which never sees the mark axes leaves on an API request (DRF's own Request object)."""
    if isinstance(request, Request):
        raise Throttled(detail="Too many failed sign-ins: try again later.")
