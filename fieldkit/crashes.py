"""An error nobody expected: one line on screen, its traceback in a private log, exit 1.

Both apps' command groups use it, and both Textual apps after they stop on an
unhandled error (Textual shows the traceback; the log keeps it).
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click


def full_traceback(error: BaseException) -> str:
    """The usual traceback text of an error, chained causes included."""
    return "".join(traceback.format_exception(error)).rstrip()


def frames_only(error: BaseException) -> str:
    """The traceback of an error and its causes with their types but not their messages,
    for a log that must hold nothing of a borrower (a message can quote one)."""
    chain: list[BaseException] = []
    link: BaseException | None = error
    while link is not None and link not in chain:
        chain.append(link)
        link = link.__cause__ or link.__context__
    parts = [
        "Traceback (most recent call last):\n"
        + "".join(traceback.format_tb(link.__traceback__))
        + f"{type(link).__module__}.{type(link).__qualname__} (its message is not logged)"
        for link in reversed(chain)
    ]
    return "\n\nwhich led to:\n\n".join(parts)


def log_crash(
    path: Path,
    error: BaseException | None,
    describe: Callable[[BaseException], str] = full_traceback,
) -> str:
    """Append the error to the log at `path`; the sentence to show instead of its traceback."""
    what = f"unexpected error ({type(error).__name__})" if error else "the app stopped"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Readable by this user only from its first byte: a traceback can quote a borrower.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as log:
            stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            log.write(f"{stamp} ERROR {what}\n{describe(error) if error else ''}\n")
    except OSError as problem:
        return f"{what}; the log {path} could not be written ({problem})"
    return f"{what}; the details are in {path}"


class Commands(click.Group):
    """A command group whose unexpected errors are logged by `log_crash`, not printed.

    Subclasses say where the log is (`crash_log`) and how to describe an error.
    """

    def crash_log(self, ctx: click.Context) -> Path:
        raise NotImplementedError

    def describe(self, error: BaseException) -> str:
        return full_traceback(error)

    def expected(self, error: Exception) -> click.ClickException | None:
        """An error a user can meet and act on, said as a sentence (and its exit code)."""
        return None

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, EOFError):
            raise  # click says these itself (an interrupted prompt is "Aborted!")
        except BrokenPipeError:
            # The reader went away (`fieldapp route | head`): no error of ours, and nothing
            # more to say; stdout goes nowhere so that flushing it at exit cannot fail too.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            raise click.exceptions.Exit(141) from None  # 128 + SIGPIPE, as a shell reports it
        except Exception as error:
            if (said := self.expected(error)) is not None:
                raise said from None
            message = log_crash(self.crash_log(ctx), error, self.describe)
            raise click.ClickException(message) from None
