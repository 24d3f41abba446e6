"""Fill an admin change form the way a browser would, from the page the admin rendered."""

from __future__ import annotations

from typing import Any

from django import forms


def _add(data: dict[str, Any], name: str, field: forms.Field, value: Any) -> None:
    if isinstance(field, forms.BooleanField):
        if value:
            data[name] = "on"
    elif isinstance(value, list | tuple):
        data[name] = [str(getattr(item, "pk", item)) for item in value]
    elif value is not None:
        data[name] = value


def change_form_data(response: Any, **overrides: Any) -> dict[str, Any]:
    """Return the POST body of the change form in `response`, with `overrides` applied.

    A boolean override of False leaves the checkbox out, as a browser does.
    """
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        _add(data, name, field, form[name].value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for subform in formset.forms:
            for name, field in subform.fields.items():
                _add(data, subform.add_prefix(name), field, subform[name].value())
    for name, value in overrides.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return data
