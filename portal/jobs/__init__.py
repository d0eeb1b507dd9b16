"""Background jobs: `enqueue(name, **plain_values)` and `after_commit(session, name, …)`.

With a queue configured (QUEUE_URL = redis://…), a job goes on an RQ queue in Redis and a
worker (`portal worker`, on any machine) runs it: it survives a restart of the web
process and is retried when it fails. Without one (the embedded default), the same job
function runs at once, in the calling process.

Job functions take plain values (ids, strings) and build their own session, so they can
run in another process long after the request; each is idempotent (running it twice, or
after the thing it was for has gone, does no harm). The jobs are listed in JOBS below,
by name; their functions live in portal.jobs.tasks and register themselves with `@task`
(create_app imports them), so this module stays on the ground floor and any package may
enqueue."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any, Callable

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)

DEFAULT_QUEUE = "portal"
_PENDING = "portal.jobs.pending"  # session.info key: jobs waiting for the commit
_EXTENSION = "portal.jobs"


@dataclass(frozen=True)
class Spec:
    """How one kind of job runs on the queue."""

    function: str  # name of the function in portal.jobs.tasks
    timeout: int  # seconds before the worker kills it (then retried like a failure)
    retries: int = 0
    delays: tuple[int, ...] = (60,)  # seconds before each retry (the last one repeats)
    keep_failed: int = 30 * 24 * 3600  # seconds a failed job stays listed (rq info)
    keep_result: int = 24 * 3600


JOBS: dict[str, Spec] = {
    # The 18-page demo copy took 19 s on a busy test machine: 15 minutes leaves room for the
    # largest files. A job whose worker died is retried twice.
    "pdf_copy": Spec("pdf_copy", timeout=900, retries=2, delays=(10, 60)),
    # A mail server that is away is tried again for about two hours. The message may hold
    # a one-time link: it is deleted once sent, and a failed one is kept a week only.
    "send_mail": Spec("send_mail", timeout=60, retries=5, delays=(30, 120, 600, 1800, 3600),
                      keep_failed=7 * 24 * 3600, keep_result=0),
    "scan_notes": Spec("scan_notes", timeout=4 * 3600),
    "purge": Spec("purge", timeout=3600, retries=2, delays=(600, 3600)),
}


class UnknownJob(KeyError):
    """A job name not in JOBS (a programming error)."""


# ----------------------------------------------------------------- enqueueing
def queue_url(app: Flask | None = None) -> str | None:
    """The Redis URL of the queue, or None: jobs then run inline."""
    return (app or current_app).config.get("QUEUE_URL") or None


def queue_name(app: Flask | None = None) -> str:
    return str((app or current_app).config.get("QUEUE_NAME") or DEFAULT_QUEUE)


def rq_queue(app: Flask | None = None) -> Any:
    """The RQ queue of this app (one Redis client per app, reused)."""
    from redis import Redis
    from rq import Queue

    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    connection = app.extensions.get(_EXTENSION)
    if connection is None:
        # Short timeouts: a Redis that is away must not hold a page for long (see enqueue).
        connection = app.extensions[_EXTENSION] = Redis.from_url(
            queue_url(app), socket_connect_timeout=5, socket_timeout=10)
    return Queue(queue_name(app), connection=connection)


def enqueue(name: str, **values: Any) -> str | None:
    """Run job `name` with these plain values: on the queue (returns the job id) or, with
    no queue configured, now (returns None). Call it once your transaction is committed:
    the job may start before this returns."""
    spec = _spec(name)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not queue_url(app):
        run_inline(name, values)
        return None
    from redis.exceptions import RedisError
    from rq import Retry

    delays = list(app.config.get("JOB_RETRY_DELAYS") or spec.delays)
    try:
        job = rq_queue(app).enqueue(
            run, args=(name, values), job_timeout=spec.timeout, result_ttl=spec.keep_result,
            failure_ttl=spec.keep_failed, description=name,
            retry=Retry(max=spec.retries, interval=delays) if spec.retries else None)
    except RedisError:
        # Redis away: the work is done here rather than lost (slower, but nothing is dropped).
        log.exception("job %s could not be queued: run inline instead", name)
        run_inline(name, values)
        return None
    log.info("job %s queued as %s", name, job.id)
    return job.id


def after_commit(session: Session, name: str, **values: Any) -> None:
    """Enqueue job `name` when `session` commits; forget it if the session rolls back.
    For work that must follow the data it depends on (a mail with a link to a new token)."""
    _spec(name)
    if not session.in_transaction():
        session.begin()  # so that a rollback before any query still drops the job
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        event.listen(session, "after_commit", _enqueue_pending)
        event.listen(session, "after_soft_rollback", _drop_pending)
    pending.append((name, values))


def _enqueue_pending(session: Session) -> None:
    pending = session.info.get(_PENDING) or []
    jobs, pending[:] = list(pending), []
    for name, values in jobs:
        try:
            enqueue(name, **values)
        except Exception:  # noqa: BLE001 - the commit happened; Redis away must not undo the page
            log.exception("job %s could not be queued", name)


def _drop_pending(session: Session, previous: SessionTransaction) -> None:
    # A savepoint rolled back (begin_nested) leaves the rest of the transaction, and its
    # jobs, standing: only the rollback of the whole transaction drops them.
    pending = session.info.get(_PENDING)
    if pending and not previous.nested:
        log.info("%d job(s) dropped: their transaction was rolled back", len(pending))
        pending.clear()


def _spec(name: str) -> Spec:
    try:
        return JOBS[name]
    except KeyError:
        raise UnknownJob(name) from None


# ----------------------------------------------------------------- running
_worker_pid: int | None = None  # set by the worker before it forks its work horses
_own_app: Flask | None = None  # the app of a process that runs jobs without one (`rq worker`)


def mark_worker_process() -> None:
    """Called by the worker before it starts: its children are forks of this process."""
    global _worker_pid
    _worker_pid = os.getpid()


_FUNCTIONS: dict[str, Callable[..., Any]] = {}


def task(function: Callable[..., Any]) -> Callable[..., Any]:
    """Register a job function under its name (portal.jobs.tasks uses it; create_app
    imports that module, so every process that runs jobs has them). Registering, rather
    than this module importing the tasks, keeps the queue below the areas it serves."""
    _FUNCTIONS[function.__name__] = function
    return function


def _function(spec: Spec) -> Callable[..., Any]:
    try:
        return _FUNCTIONS[spec.function]
    except KeyError:
        raise UnknownJob(spec.function) from None


def _app() -> Flask:
    global _own_app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _own_app is None:
        from portal import create_app

        _own_app = create_app()
    return _own_app


def run(name: str, values: dict[str, Any]) -> Any:
    """What the worker runs: job `name` inside an app context of its own. Exceptions go
    up to RQ, which retries the job or files it with the failed jobs (`rq info`)."""
    spec = _spec(name)
    app = _app()
    if _worker_pid is not None and os.getpid() != _worker_pid:
        # A forked work horse must not use the parent's pooled connections
        # (SQLAlchemy docs, "Using Connection Pools with Multiprocessing or os.fork()").
        from portal.db import Database

        Database.state(app).engine.dispose(close=False)
    with app.app_context():
        return _function(spec)(**values)


def run_inline(name: str, values: dict[str, Any]) -> Any:
    """Run a job now, in this process. A failure is logged with its traceback and does not
    reach the page that asked for it (the job's own records say what happened)."""
    try:
        return run(name, values)
    except Exception:  # noqa: BLE001 - reported in the log, like a worker would
        log.exception("job %s failed (run inline: no QUEUE_URL)", name)
        return None
