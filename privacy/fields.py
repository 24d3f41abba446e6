"""Model fields that keep personal data encrypted at rest and findable by blind index (P6).

An encrypted field holds plaintext on the instance and ciphertext in the database.
The ciphertext is bound to table, column and the row's `seal_id`, which is why a
model with encrypted fields derives from `EncryptedModel`. Values are opened when
first read from the instance, so rows that are only counted or listed by id cost
no decryption. Filtering by an encrypted value is refused: use its blind index.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.db.models.query_utils import DeferredAttribute

from core.clauses import enforces
from privacy.crypto import blind_index, keyring, sealing_key_id

ALLOWED_LOOKUPS = frozenset({"exact", "isnull", "in"})


class Ciphertext(str):
    """A value already sealed for its row; saved as it is."""


class Sealed:
    """A ciphertext read from the database and not opened yet."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return "<Sealed>"


def associated_data(model: type[models.Model], column: str, seal_id: uuid.UUID | str) -> bytes:
    return f"{model._meta.db_table}\x1f{column}\x1f{seal_id}".encode()


class EncryptedModel(models.Model):
    """A model whose rows carry a random id that binds their ciphertexts to them."""

    seal_id = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class SealedAttribute(DeferredAttribute):
    """Open the ciphertext on first read. A data descriptor (it defines __set__), so
    reads pass through it even when the instance's __dict__ holds the value."""

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance: models.Model | None, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            field: EncryptedCharField = self.field  # type: ignore[assignment]
            value = field.open(instance, value.token)
            instance.__dict__[field.attname] = value
        return value


@enforces("P6", "personal fields are encrypted at rest with keys kept outside the database")
class EncryptedCharField(models.TextField):
    """A short text field stored as AES-GCM ciphertext; `max_length` limits the plaintext."""

    descriptor_class = SealedAttribute

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def open(self, instance: models.Model, token: str) -> str:
        seal_id = instance.seal_id  # type: ignore[attr-defined]
        return keyring().open(token, associated_data(type(instance), self.column, seal_id))

    def seal(self, instance: models.Model, plaintext: str) -> Ciphertext:
        seal_id = instance.seal_id  # type: ignore[attr-defined]
        model = type(instance)
        token = keyring().seal(plaintext, associated_data(model, self.column, seal_id))
        return Ciphertext(token)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Sealed(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, Sealed):
            if sealing_key_id(value.token) == keyring().newest_id:
                return Ciphertext(value.token)
            # Loaded before a key rotation: write it back under the newest key, never
            # undoing what rotate_keys did.
            return self.seal(model_instance, self.open(model_instance, value.token))
        if value is None or value == "" or isinstance(value, Ciphertext):
            return value
        return self.seal(model_instance, str(value))

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Sealed):
            return value.token
        if value is None or value == "" or isinstance(value, Ciphertext):
            return value
        raise TypeError(
            f"{self.model._meta.label}.{self.name} is encrypted: it cannot be filtered "
            "or updated by plaintext value. Save the instance, or look it up by its "
            "blind index."
        )

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in ALLOWED_LOOKUPS:
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        defaults: dict[str, Any] = {
            "form_class": forms.CharField,
            "max_length": self.max_length,
            "widget": forms.TextInput,
        }
        defaults.update(kwargs)
        return super(models.TextField, self).formfield(**defaults)

    def value_to_string(self, obj: models.Model) -> str:
        """Serialise the ciphertext, never the plaintext: a dump is no way around P6."""
        value = obj.__dict__.get(self.attname)
        if isinstance(value, Sealed):
            return value.token
        if not value:
            return ""
        return str(self.seal(obj, str(value)))


class EncryptedEmailField(EncryptedCharField):
    default_validators = [validators.validate_email]

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().formfield(**{"form_class": forms.EmailField, **kwargs})


def unchanged(value: str) -> str:
    return value


class BlindIndexField(models.CharField):
    """The keyed HMAC of another field's normalised value, kept up to date on save."""

    def __init__(
        self,
        *args: Any,
        source: str = "",
        purpose: str = "",
        normalise: Callable[[str], str] = unchanged,
        **kwargs: Any,
    ) -> None:
        self.source = source
        self.purpose = purpose
        self.normalise = normalise
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.purpose, normalise=self.normalise)
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        kwargs.pop("editable", None)
        if kwargs.get("default") == "":
            del kwargs["default"]
        return name, path, args, kwargs

    def index_for(self, value: str) -> str:
        """Return the index of a plaintext value ("" for an empty one)."""
        normalised = self.normalise(value or "")
        return blind_index(normalised, purpose=self.purpose) if normalised else ""

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        index = self.index_for(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, index)
        return index


SEALED_FIELD_TYPES = (EncryptedCharField, BlindIndexField)


def lookup_touches_sealed_field(model: type[models.Model], lookup: str) -> bool:
    """Whether a query lookup (`user__email_index__startswith`) reaches a sealed column.

    Ciphertext cannot be searched, and a blind index answers only an exact question
    asked through the application (`with_email`): a prefix or range over it leaks.
    """
    opts = model._meta
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            return False
        if isinstance(field, SEALED_FIELD_TYPES):
            return True
        related = getattr(field, "related_model", None)
        if related is None:
            return False
        opts = related._meta
    return False
