"""P6: personal fields are ciphertext at rest, bound to their row and column."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import AddressFactory, UserFactory
from privacy.crypto import DecryptionError, Keyring, generate_key, keyring
from privacy.fields import Ciphertext

pytestmark = pytest.mark.django_db


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def test_p6_personal_fields_are_ciphertext_in_the_database():
    # given
    user = UserFactory(first_name="Mirela", email="mirela.gjoka@example.al")
    address = AddressFactory(user=user, street="Rr. Sami Frashëri 12")
    # then
    for table, column, pk, plain in [
        ("accounts_user", "first_name", user.pk, "Mirela"),
        ("accounts_user", "email", user.pk, "mirela.gjoka@example.al"),
        ("accounts_user", "phone", user.pk, user.phone),
        ("accounts_address", "street", address.pk, "Rr. Sami Frashëri 12"),
    ]:
        stored = _raw(table, column, pk)
        assert stored.startswith("fz1$"), (table, column)
        assert plain not in stored
    again = User.objects.get(pk=user.pk)
    assert (again.first_name, again.email) == ("Mirela", "mirela.gjoka@example.al")
    assert again.addresses.get().street == "Rr. Sami Frashëri 12"


def test_p6_same_value_encrypts_differently_each_time():
    first, second = UserFactory(first_name="Arta"), UserFactory(first_name="Arta")
    assert _raw("accounts_user", "first_name", first.pk) != _raw(
        "accounts_user", "first_name", second.pk
    )


def test_p6_ciphertext_moved_to_another_row_or_column_does_not_open():
    # given two customers
    victim, attacker = UserFactory(first_name="Drita"), UserFactory(first_name="Besnik")
    stolen = _raw("accounts_user", "first_name", victim.pk)
    # when the victim's ciphertext is copied into the attacker's row, and into another column
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_user SET first_name = %s, last_name = %s WHERE id = %s",
            [stolen, stolen, attacker.pk],
        )
    moved = User.objects.get(pk=attacker.pk)
    # then it refuses to open instead of showing the victim's name
    with pytest.raises(DecryptionError):
        _ = moved.first_name
    with pytest.raises(DecryptionError):
        _ = moved.last_name


def test_p6_a_value_sealed_with_an_unknown_key_is_a_clear_error(settings):
    user = UserFactory()
    settings.FEJZO_ENCRYPTION_KEYS = [generate_key()]
    with pytest.raises(DecryptionError, match="not hold"):
        _ = User.objects.get(pk=user.pk).first_name


def test_p6_wrong_key_stops_the_system_check(settings):
    from privacy.checks import check_keys_open_stored_values

    UserFactory()
    assert check_keys_open_stored_values() == []
    settings.FEJZO_ENCRYPTION_KEYS = [generate_key()]
    errors = check_keys_open_stored_values()
    assert {error.id for error in errors} == {"privacy.E005"}


@pytest.mark.parametrize(
    ("keys", "blind", "message"),
    [
        ([], "x", "must both be set"),
        (["not base64!"], "dGVzdC1ibGluZC1pbmRleC1rZXktMDAwMDAwMDAwMDE", "base64|bytes"),
        (["c2hvcnQ"], "dGVzdC1ibGluZC1pbmRleC1rZXktMDAwMDAwMDAwMDE", "bytes"),
    ],
)
def test_p6_missing_or_malformed_keys_refuse_to_start(settings, keys, blind, message):
    settings.FEJZO_ENCRYPTION_KEYS = keys
    settings.FEJZO_BLIND_INDEX_KEY = blind
    with pytest.raises(ImproperlyConfigured, match=message):
        Keyring.from_settings()


def test_p6_filtering_by_plaintext_is_refused():
    with pytest.raises(TypeError, match="encrypted"):
        list(User.objects.filter(first_name="Arta"))
    with pytest.raises(TypeError, match="encrypted"):
        User.objects.update(first_name="Arta")


def test_p6_login_and_uniqueness_go_through_the_blind_index(client):
    # given
    user = UserFactory(email="Klajdi.Leka@Example.al")
    # then the address is found however it is spelt
    assert User.objects.get_by_natural_key(" klajdi.leka@example.AL ") == user
    response = client.post(
        reverse("accounts:login"),
        {"username": "KLAJDI.LEKA@example.al", "password": "fjalekalim-i-sigurt-42"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    # and the database refuses a second account with the same address
    with pytest.raises(IntegrityError):
        UserFactory(email="klajdi.leka@example.al")


def test_p6_phone_search_key_finds_a_number_typed_in_any_format():
    user = UserFactory(phone="+355691234567")
    for typed in ["069 123 4567", "0691234567", "+355 69 123 4567", "00355691234567"]:
        assert list(User.objects.with_phone(typed)) == [user], typed


def test_p6_ciphertext_names_its_key_and_saves_as_is():
    token = keyring().seal("x", b"aad")
    assert token.startswith("fz1$" + keyring().newest_id + "$")
    assert isinstance(Ciphertext(token), str)


def test_p6_the_wsgi_server_refuses_to_start_with_a_wrong_key(settings):
    from privacy.checks import refuse_to_serve_with_wrong_keys

    UserFactory()
    refuse_to_serve_with_wrong_keys()
    settings.FEJZO_ENCRYPTION_KEYS = [generate_key()]
    with pytest.raises(ImproperlyConfigured, match="FEJZO_ENCRYPTION_KEYS"):
        refuse_to_serve_with_wrong_keys()
