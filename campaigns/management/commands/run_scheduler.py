"""Enqueue due work (daily checks, and later alerts and reports): every minute, or once.

    manage.py run_scheduler            loop: one pass a minute until Ctrl-C (or SIGTERM)
    manage.py run_scheduler --once     one pass, then exit (for cron)
    manage.py run_scheduler --sync     run due tasks in this process instead of enqueuing them
                                       (a cron-only host with no worker)

Safe beside another scheduler or after a restart: each occurrence is claimed by a unique row.
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from campaigns.scheduling import run_due_work

INTERVAL_SECONDS = 60
NAP_SECONDS = 0.5


class Command(BaseCommand):
    help = "Enqueue due background work every minute (or once with --once; in-process with --sync)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Evaluate once and exit.")
        parser.add_argument(
            "--sync",
            action="store_true",
            help="Run due tasks in this process instead of enqueuing them for the worker.",
        )

    def handle(self, *args, once: bool, sync: bool, **options):
        if once:
            self.tick(sync)
            return
        stopping = False

        def request_stop(signum, frame):
            # Only a flag: a signal handler that takes a lock (threading.Event.set) can
            # deadlock with the main thread holding it inside Event.wait.
            nonlocal stopping
            stopping = True

        # SIGTERM (systemd, docker stop) and SIGINT (Ctrl-C) both only ask the loop to stop: it
        # ends after the current pass or nap, never with an exception raised mid-query.
        previous = {s: signal.signal(s, request_stop) for s in (signal.SIGTERM, signal.SIGINT)}
        mode = "running due work in-process" if sync else "enqueuing due work"
        self.stdout.write(f"Scheduler started: {mode} every {INTERVAL_SECONDS} s (Ctrl-C stops).")
        try:
            while not stopping:
                started = time.monotonic()
                close_old_connections()
                try:
                    self.tick(sync)
                except Exception as exc:  # a database hiccup must not end the loop
                    self.stderr.write(f"Scheduler pass failed: {exc!r}; next try in a minute.")
                close_old_connections()
                # Sleep until the next pass in short naps, so a stop is seen within one.
                while not stopping and time.monotonic() - started < INTERVAL_SECONDS:
                    time.sleep(NAP_SECONDS)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write("Scheduler stopped.")

    def tick(self, sync: bool) -> None:
        outcome = run_due_work(sync=sync)
        self.stdout.write(f"Scheduler: {outcome}")
