"""The legal register's daily work: notices whose day came, and expired packages' files."""

from __future__ import annotations

import logging

from django_tasks import TaskContext, task

from core.daily import daily_ensure, daily_job
from legal.services import legal_notices_send, packages_expire

logger = logging.getLogger(__name__)


@daily_job
@task(takes_context=True)
def legal_daily(context: TaskContext) -> dict[str, int]:
    """Daily: mail the people whose notice was withheld until today, delete the files of
    packages whose link expired; queue tomorrow's run, even when this one fails.

    Running it twice, or two at once, mails nobody twice (legal.services.notices).
    """
    done: dict[str, int] = {}
    failed: list[str] = []
    try:
        for name, step in (("notices", legal_notices_send), ("packages_expired", packages_expire)):
            try:
                done[name] = step()
            except Exception:
                logger.exception("legal daily step failed", extra={"step": name})
                failed.append(name)
        if failed:
            raise RuntimeError(f"legal daily steps failed: {', '.join(failed)}")
        return done
    finally:
        daily_ensure(legal_daily, current_run=context.task_result.id)
