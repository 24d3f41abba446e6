"""What apps above accounts add to the account pages, which accounts shows without importing them.

An app registers its parts in its `account_pages.py`, which accounts finds at start-up:
- a `RegistrationField`, added to the registration form after accounts' own fields; what
  the person answered in it reaches the app through `customer_registered`
  (accounts.signals), in the registration's transaction;
- a `ProfileSection`, shown on the profile page after the account's own sections, with a
  form of its own that sends the section's `form_name` in a hidden field `form`, so the
  page binds only the form that was sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict

from accounts.models import User


@dataclass(frozen=True)
class RegistrationField:
    """A field an app adds to the registration form.

    `make` returns a new field for each form. A field with its own `template_name` is
    rendered with that template, given the field as `field`.
    """

    name: str
    make: Callable[[], forms.Field]


@dataclass(frozen=True)
class SectionShown:
    """A profile section as shown now: its template, given `context` as `section`."""

    template_name: str
    context: dict[str, Any]
    # The page's status: 403 when the section refused the form posted to it.
    status: int = 200


@dataclass(frozen=True)
class ProfileSection:
    """A section an app adds to the profile page.

    `show` is given the request, the signed-in account and the posted data when the
    section's own form was sent (None otherwise). It returns the section to show, or
    the response that answers the post (a redirect once it is handled).
    """

    form_name: str
    show: Callable[[HttpRequest, User, QueryDict | None], SectionShown | HttpResponse]


_registration_fields: dict[str, RegistrationField] = {}
_profile_sections: dict[str, ProfileSection] = {}


def registration_field_add(field: RegistrationField) -> None:
    """Add a field to the registration form; a field of the same name is replaced."""
    _registration_fields[field.name] = field


def registration_fields() -> list[RegistrationField]:
    """Return the fields apps added to the registration form, in the order they were added."""
    return list(_registration_fields.values())


def profile_section_add(section: ProfileSection) -> None:
    """Add a section to the profile page; a section with the same form name is replaced."""
    _profile_sections[section.form_name] = section


def profile_sections() -> list[ProfileSection]:
    """Return the sections apps added to the profile page, in the order they were added."""
    return list(_profile_sections.values())
