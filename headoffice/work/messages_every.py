"""`headoffice serve --messages`: a messages run every few minutes beside the server."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from fieldcore.messaging import MessageChannel
from headoffice import clock
from headoffice.messages.outgoing import Sender
from headoffice.messages.run_lock import RunBusy
from headoffice.work.messages_run import RunReport, run_messages


@dataclass(frozen=True)
class Schedule:
    """What the loop runs with: how often, which channels (made afresh each run), where."""

    every: timedelta
    senders: Callable[[], dict[MessageChannel, Sender]]
    letters_dir: Path | None = None


class MessagesEvery:
    """A daemon thread running `run_messages` as of head office's clock, every so often.

    Several servers may each run one: the run lock in the database lets one send at a
    time and the others pass their turn. Nothing that goes wrong stops the server: the
    trouble is said and the next turn tries again.
    """

    def __init__(
        self,
        engine: Engine,
        schedule: Schedule,
        said: Callable[[RunReport], None],
        trouble: Callable[[Exception], None],
    ) -> None:
        self.engine = engine
        self.schedule = schedule
        self.said = said
        self.trouble = trouble
        self.turns = 0
        self._stopping = threading.Event()
        self._last_trouble: str | None = None
        self._thread = threading.Thread(target=self._loop, name="messages", daemon=True)

    def start(self) -> None:
        """Begin now; the first run starts at once."""
        self._thread.start()

    def stop(self, wait: float = 30.0) -> None:
        """Let the run in progress finish (up to `wait` seconds), then end the loop.

        A run cut short by the process ending is finished by the next one (outbox.recover).
        """
        self._stopping.set()
        self._thread.join(wait)

    def once(self) -> RunReport | None:
        """One turn: the run's report, or None when another process had the turn or it failed."""
        self.turns += 1
        senders = {}
        try:
            senders = self.schedule.senders()
            report = run_messages(
                self.engine, clock.now(), senders, self.schedule.letters_dir, dry_run=False
            )
        except RunBusy:
            return None  # another server's loop, or a cron run, is sending
        except Exception as error:  # the server goes on; the trouble is said
            self._say_trouble(error)
            return None
        finally:
            for sender in senders.values():
                sender.close()
        self._last_trouble = None
        self.said(report)
        return report

    def _say_trouble(self, error: Exception) -> None:
        # The same trouble every few minutes is said once, until it changes or clears.
        what = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0]}"
        if what != self._last_trouble:
            self.trouble(error)
        self._last_trouble = what

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self.once()
            self._stopping.wait(self.schedule.every.total_seconds())
