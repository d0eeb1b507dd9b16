"""`portal worker` runs the background jobs; `portal scheduler` queues the periodic ones.
Both need QUEUE_URL (Redis); start as many workers as you like, on any machine, and ONE
scheduler (two would queue each periodic job twice; the jobs are idempotent, so that only
wastes work)."""

from __future__ import annotations

import logging

import click
from flask import current_app

from portal import jobs

# The periodic jobs: name → cron expression (server's local time). PERIODIC_JOBS in the
# settings replaces this mapping (a job set to None or "" is not scheduled).
PERIODIC = {
    "purge": "30 2 * * *",  # every night: retention periods end on calendar days
    "scan_notes": "0 3 * * 0",  # every Sunday: the sensitive-data audit of notes (report only)
}


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # one INFO line per page otherwise


def _need_queue() -> None:
    if not jobs.queue_url():
        raise click.UsageError(
            "No queue is configured (QUEUE_URL=redis://…): jobs run inline in the web process. "
            "On a single server, run `portal purge` and `portal scan-notes` from cron instead.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop (tests, cron).")
def worker(burst: bool) -> None:
    """Run background jobs from the queue (PDF copies, e-mails, scans, purges)."""
    from rq import Worker

    _need_queue()
    _logging()
    queue = jobs.rq_queue()
    jobs.mark_worker_process()
    # A forking worker: each job runs in a child process, so WeasyPrint's memory goes back
    # to the system after every copy and a job that crashes or times out kills only its
    # child. with_scheduler: the worker also re-queues retries when their delay is up.
    ran = Worker([queue], connection=queue.connection).work(burst=burst, with_scheduler=True)
    if burst:
        click.echo("No more jobs waiting." if ran else "No job was waiting.")


@click.command("scheduler")
def scheduler() -> None:
    """Queue the periodic jobs (retention purge, notes audit) at their times; run one."""
    from rq.cron import CronScheduler

    _need_queue()
    _logging()
    queue = jobs.rq_queue()
    cron = CronScheduler(connection=queue.connection)
    for name, when in dict(current_app.config.get("PERIODIC_JOBS") or PERIODIC).items():
        if not when:
            continue
        spec = jobs.JOBS[name]
        cron.register(jobs.run, queue_name=queue.name, args=(name, {}), cron=when,
                      job_timeout=spec.timeout, failure_ttl=spec.keep_failed, name=f"portal-{name}")
        click.echo(f"{name}: {when}")
    cron.start()


COMMANDS = [worker, scheduler]
