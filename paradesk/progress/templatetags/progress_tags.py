"""Template helpers of the team dashboard, for speed: with 240 measure rows a page, Django's own
``get_FOO_display``, ``|date`` and a translation lookup per row were most of the template's time.
Each helper gives the same words, worked out once per page (per template render) for each value."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable
from typing import Any, Protocol

from django import template
from django.db import models
from django.template.context import Context
from django.utils.encoding import force_str
from django.utils.formats import date_format

register = template.Library()

_ONCE = "progress_tags.once"


class Labelled(Protocol):
    @property
    def reason(self) -> Hashable: ...

    @property
    def label(self) -> str: ...


def once(context: Context, key: Hashable, work: Callable[[], object]) -> object:
    """``work()``, kept for the rest of this template render under ``key``."""
    render_context: Any = context.render_context  # the stubs type its values as Django's own only
    found: dict[Hashable, object] | None = render_context.get(_ONCE)
    if found is None:
        found = render_context[_ONCE] = {}
    if key not in found:
        found[key] = work()
    return found[key]


def label_of(field: models.Field[Any, Any], value: object) -> object:
    """What ``get_<field>_display()`` shows, without building a dict of every choice (Django hashes
    each lazy label for it: one translation lookup per choice, 13 for a measure's method)."""
    for key, label in field.flatchoices:
        if key == value:
            return force_str(label, strings_only=True)
    return value


@register.simple_tag(takes_context=True)
def choice_label(context: Context, instance: models.Model, field_name: str) -> object:
    """``{% choice_label measure "method" %}``: the same words as ``measure.get_method_display``."""
    field = instance._meta.get_field(field_name)
    if not isinstance(field, models.Field):
        raise template.TemplateSyntaxError(f"{field_name!r} is not a field with choices")
    value = getattr(instance, field.attname)
    return once(context, (type(instance), field_name, value), lambda: label_of(field, value))


@register.simple_tag(takes_context=True)
def month_day(context: Context, day: datetime.date | None) -> object:
    """``{% month_day day %}``: the same words as ``day|date:"MONTH_DAY_FORMAT"``."""
    if day is None:
        return ""
    return once(context, ("month_day", day), lambda: date_format(day, "MONTH_DAY_FORMAT"))


@register.simple_tag(takes_context=True)
def alert_label(context: Context, alert: Labelled) -> object:
    """``{% alert_label alert %}``: ``alert.label``, translated once per reason."""
    return once(context, ("alert_label", alert.reason), lambda: alert.label)
