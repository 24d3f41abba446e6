"""P14 (safeguards) and P6: /_health/ says whether the shop is up to anyone, and what is
wrong only to the monitor; it covers the database, the storage, the worker, the outbox
and the access record's chain, each against a threshold in settings; and it is cheap."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.storage import storages
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.testing import run_tasks
from mail.models import MailKind, OutboxMessage, OutboxStatus
from ops.models import Marker, MarkerKind
from ops.services import chain_verify_record, marker_stamp
from ops.tasks import chain_verify, worker_heartbeat
from ops.tests.conftest import OUTSIDE
from privacy.audit import ChainReport

pytestmark = pytest.mark.django_db

HEALTH = "/_health/"
ALL_CHECKS = {
    "database",
    "storage_default",
    "worker",
    "outbox_backlog",
    "outbox_oldest_unsent",
    "chain_verified",
}


@pytest.fixture
def healthy(db):  # type: ignore[no-untyped-def]
    now = timezone.now()
    marker_stamp(kind=MarkerKind.WORKER_HEARTBEAT, now=now)
    marker_stamp(kind=MarkerKind.CHAIN_VERIFIED, now=now, checked=12)


def _message(*, created_ago: timedelta, status: str = OutboxStatus.PENDING) -> OutboxMessage:
    then = timezone.now() - created_ago
    return OutboxMessage.objects.create(
        kind=MailKind.WELCOME,
        to_address="someone@example.al",
        subject="s",
        body_text="b",
        language="sq",
        status=status,
        next_attempt_at=then,
        created_at=then,
    )


def _failing(client, name: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    response = client.get(HEALTH)
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert [key for key, check in checks.items() if not check["ok"]] == [name]
    return checks[name]  # type: ignore[no-any-return]


def test_p14_all_checks_pass_and_the_monitor_sees_each(client, healthy):
    response = client.get(HEALTH)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) >= ALL_CHECKS
    assert all(check["ok"] and check["message"] == "" for check in body["checks"].values())
    assert "no-cache" in response["Cache-Control"]


def test_p6_a_caller_from_outside_learns_only_up_or_down(client, healthy):
    assert client.get(HEALTH, **OUTSIDE).json() == {"status": "ok"}
    Marker.objects.filter(kind=MarkerKind.WORKER_HEARTBEAT).delete()
    cache.clear()
    response = client.get(HEALTH, **OUTSIDE)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_p6_callers_from_outside_make_no_check_run_for_ten_seconds(
    client, healthy, django_assert_num_queries
):
    """A check writes to every storage: asking from outside must cost the shop nothing."""
    cache.clear()
    assert client.get(HEALTH, **OUTSIDE).status_code == 200
    Marker.objects.filter(kind=MarkerKind.WORKER_HEARTBEAT).delete()
    with django_assert_num_queries(0):
        assert client.get(HEALTH, **OUTSIDE).json() == {"status": "ok"}
    # The monitor and the balancer always get a fresh run.
    assert client.get(HEALTH).status_code == 503


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_FORWARDED_FOR": "203.0.113.9"},  # through the proxy: loopback is the proxy
        {"HTTP_FORWARDED": "for=203.0.113.9"},
        {"HTTP_AUTHORIZATION": "Bearer wrong-token-of-the-right-length-000000000"},
    ],
)
def test_p6_proxied_or_wrong_token_callers_get_no_details(client, healthy, ops_token, headers):
    remote = {} if "HTTP_AUTHORIZATION" not in headers else OUTSIDE
    assert client.get(HEALTH, **headers, **remote).json() == {"status": "ok"}


def test_p14_the_monitor_token_gets_details_from_anywhere(client, healthy, ops_token):
    response = client.get(HEALTH, HTTP_AUTHORIZATION=f"Bearer {ops_token}", **OUTSIDE)
    assert set(response.json()["checks"]) >= ALL_CHECKS


def test_p14_without_a_token_set_no_bearer_is_accepted(client, healthy, settings):
    settings.FEJZO_OPS_TOKEN = ""
    response = client.get(HEALTH, HTTP_AUTHORIZATION="Bearer ", **OUTSIDE)
    assert response.json() == {"status": "ok"}


def test_p14_no_heartbeat_or_a_stale_one_is_red(client, healthy, settings):
    Marker.objects.filter(kind=MarkerKind.WORKER_HEARTBEAT).delete()
    assert "no heartbeat" in str(_failing(client, "worker")["message"])
    settings.OPS_WORKER_STALE_SECONDS = 120
    marker_stamp(kind=MarkerKind.WORKER_HEARTBEAT, now=timezone.now() - timedelta(seconds=100))
    assert client.get(HEALTH).status_code == 200
    marker_stamp(kind=MarkerKind.WORKER_HEARTBEAT, now=timezone.now() - timedelta(seconds=130))
    assert "last heartbeat" in str(_failing(client, "worker")["message"])


def test_p14_an_outbox_backlog_beyond_the_threshold_is_red(client, healthy, settings):
    settings.OPS_OUTBOX_BACKLOG_MAX = 2
    settings.OPS_OUTBOX_OLDEST_MAX_SECONDS = 3600
    for _ in range(2):
        _message(created_ago=timedelta(minutes=5))
    _message(created_ago=timedelta(seconds=10))  # due, but within the grace: not behind
    _message(created_ago=timedelta(minutes=5), status=OutboxStatus.SENT)
    assert client.get(HEALTH).status_code == 200
    _message(created_ago=timedelta(minutes=5))
    assert (
        _failing(client, "outbox_backlog")["message"]
        == "Unavailable: 3 messages due and not delivered"
    )


def test_p14_the_oldest_unsent_message_beyond_the_threshold_is_red(client, healthy, settings):
    settings.OPS_OUTBOX_OLDEST_MAX_SECONDS = 600
    _message(created_ago=timedelta(minutes=20), status=OutboxStatus.SENT)
    _message(created_ago=timedelta(minutes=9), status=OutboxStatus.SENDING)
    assert client.get(HEALTH).status_code == 200
    _message(created_ago=timedelta(minutes=11), status=OutboxStatus.SENDING)
    assert "oldest unsent" in str(_failing(client, "outbox_oldest_unsent")["message"])


def test_p14_a_broken_chain_is_red_until_a_walk_finds_it_intact(client, healthy, monkeypatch):
    # given: the daily walk finds an entry changed
    broken = ChainReport(checked=41, first_bad_seq=42, problem="entry hash does not match")
    monkeypatch.setattr("ops.services.audit_verify", lambda: broken)
    chain_verify_record()
    # then
    assert "chain broken: entry hash does not match" in str(
        _failing(client, "chain_verified")["message"]
    )
    assert client.get(HEALTH, **OUTSIDE).json() == {"status": "unavailable"}
    # when: the chain is repaired and walked again
    monkeypatch.setattr("ops.services.audit_verify", lambda: ChainReport(checked=42))
    marker = chain_verify_record()
    assert (marker.ok, marker.checked, marker.problem) == (True, 42, "")
    assert client.get(HEALTH).status_code == 200


def test_p14_a_chain_walk_older_than_the_threshold_is_red(client, healthy, settings):
    settings.OPS_CHAIN_VERIFIED_MAX_HOURS = 26
    marker_stamp(kind=MarkerKind.CHAIN_VERIFIED, now=timezone.now() - timedelta(hours=25))
    assert client.get(HEALTH).status_code == 200
    marker_stamp(kind=MarkerKind.CHAIN_VERIFIED, now=timezone.now() - timedelta(hours=27))
    assert "last verified" in str(_failing(client, "chain_verified")["message"])
    Marker.objects.filter(kind=MarkerKind.CHAIN_VERIFIED).delete()
    assert "not been verified" in str(_failing(client, "chain_verified")["message"])


def test_p14_a_storage_that_cannot_write_is_red(client, healthy, monkeypatch):
    def refuse(*args: object, **kwargs: object) -> str:
        raise OSError("bucket unavailable for valbona@example.al")

    monkeypatch.setattr(storages["default"], "save", refuse)
    check = _failing(client, "storage_default")
    # An unexpected error says nothing of itself, not even to the monitor.
    assert check["message"] == "Unknown Error: unknown error"


def test_p14_the_probe_leaves_no_file_in_the_storage(client, healthy):
    client.get(HEALTH)
    _dirs, files = storages["default"].listdir("health_check_storage_test")
    assert files == []


def test_p14_the_load_balancer_probe_checks_only_this_server(client, settings):
    # given: no worker, no verified chain (a fresh shop), which /_health/ reports
    assert client.get(HEALTH).status_code == 503
    # then: the app server itself can serve
    response = client.get("/_health/web/", **OUTSIDE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    storage = {f"storage_{alias}" for alias in settings.STORAGES if alias != "staticfiles"}
    assert set(client.get("/_health/web/").json()["checks"]) == {"database", *storage}


def test_p14_health_answers_get_and_head_only(client, healthy):
    assert client.head(HEALTH).status_code == 200
    assert client.post(HEALTH).status_code == 405


def test_p14_a_poll_is_cheap(client, healthy, django_assert_max_num_queries):
    # Polled every 10 s by each monitor and load balancer: three queries, a few ms.
    client.get(HEALTH)
    with django_assert_max_num_queries(3):
        assert client.get(HEALTH, **OUTSIDE).status_code == 200
    started = time.perf_counter()
    for _ in range(20):
        client.get(HEALTH)
    assert (time.perf_counter() - started) / 20 < 0.25


def test_p14_the_heartbeat_job_stamps_and_queues_its_next_run_once(db):
    # given: the job queued as jobs_ensure queues it
    worker_heartbeat.enqueue()
    stale = DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=TaskResultStatus.SUCCESSFUL,
        args_kwargs={"args": [], "kwargs": {}},
        task_path=worker_heartbeat.module_path,
        backend_name="default",
        run_after=timezone.now() - timedelta(hours=3),
        finished_at=timezone.now() - timedelta(hours=2),
    )
    # when
    before = timezone.now()
    run_tasks()
    # then: stamped, the old run pruned, one next run waiting a minute ahead
    assert Marker.objects.get(kind=MarkerKind.WORKER_HEARTBEAT).at >= before
    assert not DBTaskResult.objects.filter(pk=stale.pk).exists()
    waiting = DBTaskResult.objects.filter(
        task_path=worker_heartbeat.module_path, status=TaskResultStatus.READY
    )
    assert waiting.count() == 1
    assert waiting.get().run_after > before + timedelta(seconds=50)
    run_tasks()  # not yet due: nothing runs, nothing is queued twice
    assert waiting.count() == 1


def test_p14_the_daily_chain_walk_records_an_intact_chain(db):
    chain_verify.enqueue()
    run_tasks()
    marker = Marker.objects.get(kind=MarkerKind.CHAIN_VERIFIED)
    assert marker.ok
    assert DBTaskResult.objects.filter(
        task_path=chain_verify.module_path, status=TaskResultStatus.READY
    ).exists()
