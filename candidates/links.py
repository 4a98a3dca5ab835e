"""Addresses that pages build for many rows or on every request, reversed once per process (and script prefix)
rather than once per row: the navigation's links, and the addresses a board's cards and menus put ids into."""

from functools import cache

from django.urls import get_script_prefix, reverse

_ID = 987654321  # an id no address contains otherwise: the text around it is the address around any id


def url_of(url_name: str) -> str:
    """reverse() of an address that takes no arguments."""
    return _reversed(url_name, get_script_prefix())


def url_around_id(url_name: str) -> tuple[str, str]:
    """The address of `url_name` for an id, as the text before the id and the text after it."""
    return _around_id(url_name, get_script_prefix())


@cache
def _reversed(url_name: str, script_prefix: str) -> str:
    return reverse(url_name)


@cache
def _around_id(url_name: str, script_prefix: str) -> tuple[str, str]:
    before, after = reverse(url_name, args=[_ID]).split(str(_ID))
    return before, after
