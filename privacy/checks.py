"""System checks that keep the registry and the models in agreement (`manage.py check`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import DatabaseError, models
from django.db.models import CharField, F
from django.db.models.functions import Substr

from core.clauses import enforces
from privacy.crypto import KEY_ID_CHARS, PREFIX, DecryptionError, keyring
from privacy.fields import BlindIndexField, EncryptedCharField, Sealed
from privacy.registry import registry

# Parts of a field name that suggest it holds personal data.
SUGGESTIVE_WORDS = frozenset(
    {
        "name",
        "email",
        "mail",
        "phone",
        "address",
        "street",
        "city",
        "note",
        "notes",
        "message",
        "ip",
        "agent",
        "username",
    }
)
SUGGESTIVE_TYPES = (models.EmailField, models.GenericIPAddressField, EncryptedCharField)


def looks_personal(field: models.Field[Any, Any]) -> bool:
    words = set(field.name.lower().split("_"))
    return bool(words & SUGGESTIVE_WORDS) or isinstance(field, SUGGESTIVE_TYPES)


def _first_party(model: type[models.Model]) -> bool:
    app_path = Path(model._meta.app_config.path).resolve()  # type: ignore[union-attr]
    try:
        parts = app_path.relative_to(Path(settings.BASE_DIR).resolve()).parts
    except ValueError:
        return False
    return bool(parts) and not parts[0].startswith(".") and "site-packages" not in parts


@register()
@enforces("P3", "no model field that looks personal goes undeclared in the registry")
def check_registry_matches_models(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for declaration in registry:
        model = declaration.model
        for name in [*declaration.fields, *declaration.not_personal]:
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                errors.append(
                    Error(
                        f"The personal-data registry declares {declaration.label}.{name}, "
                        "which the model does not have.",
                        hint="Remove the declaration or restore the field.",
                        obj=model,
                        id="privacy.E001",
                    )
                )
        for name, entry in declaration.fields.items():
            if name in declaration.not_personal:
                errors.append(
                    Error(
                        f"{declaration.label}.{name} is declared both personal and not personal.",
                        obj=model,
                        id="privacy.E001",
                    )
                )
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if entry.encrypted != isinstance(field, EncryptedCharField):
                errors.append(
                    Error(
                        f"{declaration.label}.{name}: the registry says encrypted="
                        f"{entry.encrypted} but the field is a {type(field).__name__}.",
                        hint="Encrypted fields use privacy.fields.EncryptedCharField.",
                        obj=model,
                        id="privacy.E003",
                    )
                )
    for model in apps.get_models():
        declared = registry.of(model)
        if declared is None and not _first_party(model):
            continue
        known = set(declared.fields) | set(declared.not_personal) if declared else set()
        for field in model._meta.get_fields():
            if not isinstance(field, models.Field) or field.name in known:
                continue
            if looks_personal(field):
                errors.append(
                    Error(
                        f"{model._meta.label}.{field.name} looks like personal data but the "
                        "personal-data registry does not declare it.",
                        hint=(
                            f"Declare it in {model._meta.app_label}/personal_data.py, or list it "
                            "under not_personal with the reason it is not personal."
                        ),
                        obj=model,
                        id="privacy.E002",
                    )
                )
        if any(isinstance(f, EncryptedCharField) for f in model._meta.fields):
            try:
                model._meta.get_field("seal_id")
            except FieldDoesNotExist:
                errors.append(
                    Error(
                        f"{model._meta.label} has encrypted fields but no seal_id.",
                        hint="Derive the model from privacy.fields.EncryptedModel.",
                        obj=model,
                        id="privacy.E004",
                    )
                )
    return errors


@register()
def check_keys_open_stored_values(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Open the newest stored value of each encrypted column with the configured keys.

    A wrong key must stop start-up with a clear message, not show an error on the
    first page that needs the value. Skipped while the tables do not exist yet.
    """
    errors = []
    known = set(keyring().ciphers)
    for model, entry in registry.encrypted_fields():
        try:
            stored = model._default_manager.exclude(**{entry.name: ""}).exclude(
                **{f"{entry.name}__isnull": True}
            )
            # Every key any value names, not only the newest row's: a value left on a
            # dropped key would otherwise surface as an error on someone's page.
            missing = (
                set(
                    stored.annotate(
                        key_id=Substr(
                            F(entry.name), len(PREFIX) + 1, KEY_ID_CHARS, output_field=CharField()
                        )
                    )
                    .values_list("key_id", flat=True)
                    .distinct()
                )
                - known
            )
            row = (
                model._default_manager.exclude(**{entry.name: ""})
                .exclude(**{f"{entry.name}__isnull": True})
                .only("pk", "seal_id", entry.name)
                .order_by("-pk")
                .first()
            )
        except (DatabaseError, RuntimeError):
            # No tables yet (before migrate), or no database access allowed (some tests).
            return []
        if missing:
            errors.append(
                Error(
                    f"{model._meta.label}.{entry.name} holds values sealed with key(s) "
                    f"{', '.join(sorted(missing))}, which FEJZO_ENCRYPTION_KEYS does not hold.",
                    hint="Put the old key back after the new one and run manage.py rotate_keys.",
                    obj=model,
                    id="privacy.E005",
                )
            )
            continue
        if row is None:
            continue
        try:
            value = row.__dict__.get(entry.name)
            if isinstance(value, Sealed):
                getattr(row, entry.name)
        except DecryptionError as exc:
            errors.append(
                Error(
                    f"{model._meta.label}.{entry.name} cannot be opened: {exc}",
                    hint="Set FEJZO_ENCRYPTION_KEYS to the keys this database was encrypted with.",
                    obj=model,
                    id="privacy.E005",
                )
            )
    return errors


@register()
def check_blind_indexes_name_their_source(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A blind index is declared as the index of the very field it is computed from.

    Download and erasure find the rows that hold a person's address only by its index:
    one declared without `index_of`, or with another field, would miss them silently.
    """
    errors = []
    for declaration in registry:
        for name, entry in declaration.fields.items():
            try:
                field = declaration.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue  # check_registry_matches_models reports it.
            if isinstance(field, BlindIndexField) and entry.index_of != field.source:
                errors.append(
                    Error(
                        f"{declaration.label}.{name} is the blind index of "
                        f"{field.source!r}, but its declaration says "
                        f"index_of={entry.index_of!r}.",
                        hint=f'Declare it with index_of="{field.source}".',
                        obj=declaration.model,
                        id="privacy.E006",
                    )
                )
    return errors


def refuse_to_serve_with_wrong_keys() -> None:
    """Stop a WSGI server at start-up when the keys do not open the stored data.

    `manage.py` commands run the system checks themselves; gunicorn does not.
    """
    errors = check_keys_open_stored_values()
    if errors:
        raise ImproperlyConfigured("; ".join(f"{error.msg} {error.hint}" for error in errors))
