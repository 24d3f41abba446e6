"""P6: rotate_keys moves every value to the newest key; killed mid-way, a rerun finishes."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import Address, User
from accounts.tests.factories import AddressFactory, UserFactory
from mail.models import OutboxMessage
from orders.models import Order
from privacy import rotation
from privacy.crypto import generate_key, keyring, sealing_key_id
from privacy.fields import Sealed
from privacy.models import AccessEntry

pytestmark = pytest.mark.django_db


def _plain() -> dict[int, tuple[str, str, str, str]]:
    return {u.pk: (u.email, u.first_name, u.last_name, u.phone) for u in User.objects.all()}


def _key_ids() -> set[str]:
    ids = set()
    for model, fields in rotation.encrypted_columns().items():
        for row in model._base_manager.values_list(*(f.attname for f in fields)):
            ids |= {sealing_key_id(value.token) for value in row if isinstance(value, Sealed)}
    return ids


@pytest.fixture
def old_key(settings):  # type: ignore[no-untyped-def]
    return settings.FEJZO_ENCRYPTION_KEYS[0]


@pytest.fixture
def data(old_key):  # type: ignore[no-untyped-def]
    users = UserFactory.create_batch(7)
    for user in users:
        AddressFactory(user=user)
    return _plain(), {a.pk: a.street for a in Address.objects.all()}


def test_p6_rotate_then_drop_the_old_key_and_everything_reads_back(settings, old_key, data, capsys):
    # given a new key put in front of the old one
    before_users, before_streets = data
    new_key = generate_key()
    settings.FEJZO_ENCRYPTION_KEYS = [new_key, old_key]
    # when
    call_command("rotate_keys", "--batch-size", "3", "--no-progress")
    # then every value names the new key, and reads back with the new key alone
    out = capsys.readouterr().out
    assert "accounts.User: 7 rows read, 28 values re-encrypted" in out
    assert _key_ids() == {keyring().newest_id}
    settings.FEJZO_ENCRYPTION_KEYS = [new_key]
    assert _plain() == before_users
    assert {a.pk: a.street for a in Address.objects.all()} == before_streets
    # and the run itself is in the access record
    assert AccessEntry.objects.filter(actor_label="privacy.rotate_keys").exists()


def test_p6_rotation_killed_mid_way_completes_on_rerun(settings, old_key, data, monkeypatch):
    before_users, _ = data
    new_key = generate_key()
    settings.FEJZO_ENCRYPTION_KEYS = [new_key, old_key]
    real_batch = rotation._rotate_batch
    batches = {"done": 0}

    def dies_after_two_batches(*args, **kwargs):  # type: ignore[no-untyped-def]
        if batches["done"] == 2:
            raise KeyboardInterrupt("killed")
        batches["done"] += 1
        return real_batch(*args, **kwargs)

    # when the first run is killed after two batches
    monkeypatch.setattr(rotation, "_rotate_batch", dies_after_two_batches)
    with pytest.raises(KeyboardInterrupt):
        rotation.keys_rotate(batch_size=2)
    monkeypatch.setattr(rotation, "_rotate_batch", real_batch)
    # then the first batches are done, the rest is still readable under the old key
    assert len(_key_ids()) == 2
    assert _plain() == before_users
    # and a rerun finishes the job without touching what is already rotated
    report = rotation.keys_rotate(batch_size=2)
    # 7 customers × 4 values + 7 addresses × 2, less the 2 × 2 customers done before the kill
    assert report.values_rotated == 7 * 4 + 7 * 2 - 4 * 4
    assert _key_ids() == {keyring().newest_id}
    settings.FEJZO_ENCRYPTION_KEYS = [new_key]
    assert _plain() == before_users
    assert rotation.keys_rotate().values_rotated == 0


def test_p6_rotation_never_overwrites_a_concurrent_save(settings, old_key):
    user = UserFactory(first_name="Erion")
    settings.FEJZO_ENCRYPTION_KEYS = [generate_key(), old_key]
    fields = rotation.encrypted_columns()[User]
    rows = list(
        User.objects.filter(pk=user.pk).values_list("pk", "seal_id", *(f.attname for f in fields))
    )
    # the site saves a new name between the rotation's read and its write
    fresh = User.objects.get(pk=user.pk)
    fresh.first_name = "Eriona"
    fresh.save()
    table = rotation.TableRotation("accounts.User")
    rotation._rotate_batch(User, fields, rows, table, dry_run=False)
    assert table.rows_changed_meanwhile == 1
    assert User.objects.get(pk=user.pk).first_name == "Eriona"


def test_p6_dry_run_changes_nothing(settings, old_key, data):
    settings.FEJZO_ENCRYPTION_KEYS = [generate_key(), old_key]
    report = rotation.keys_rotate(dry_run=True)
    assert report.values_rotated > 0
    assert len(_key_ids()) == 1 and keyring().newest_id not in _key_ids()


def test_p6_every_encrypted_table_is_rotated():
    assert {model for model in rotation.encrypted_columns()} >= {
        User,
        Address,
        Order,
        OutboxMessage,
    }


def test_p6_a_save_after_rotation_keeps_the_newest_key(settings, old_key):
    # given a customer loaded before the rotation, and saved after it
    user = UserFactory(first_name="Klajdi")
    stale = User.objects.get(pk=user.pk)
    new_key = generate_key()
    settings.FEJZO_ENCRYPTION_KEYS = [new_key, old_key]
    rotation.keys_rotate()
    stale.language = "en"
    stale.save()
    # then nothing went back to the old key, and dropping it loses nothing
    assert _key_ids() == {keyring().newest_id}
    settings.FEJZO_ENCRYPTION_KEYS = [new_key]
    assert User.objects.get(pk=user.pk).first_name == "Klajdi"


def test_p6_the_start_up_check_finds_any_value_on_a_dropped_key(settings, old_key):
    from privacy.checks import check_keys_open_stored_values

    first = UserFactory()
    new_key = generate_key()
    settings.FEJZO_ENCRYPTION_KEYS = [new_key, old_key]
    UserFactory()  # the newest row is on the new key; the first is not
    settings.FEJZO_ENCRYPTION_KEYS = [new_key]
    errors = check_keys_open_stored_values()
    assert errors and all(error.id == "privacy.E005" for error in errors)
    assert first.pk


def test_p6_a_dump_holds_ciphertext_never_plaintext():
    from django.core import serializers

    user = UserFactory(first_name="Mirela", email="mirela.dump@example.al")
    dumped = serializers.serialize("json", [user])
    assert "Mirela" not in dumped and "mirela.dump" not in dumped and "fz1$" in dumped
