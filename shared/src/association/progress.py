"""Progress of the long commands (seed, catch-up, rebuilds): count, rate and time left.

On a terminal (stderr is a TTY) tqdm rewrites one line in place; otherwise — logs, CI, a file —
the same figures go out as a log line every `interval` seconds or every `every` items, and once
at the end, so that a rebuild of millions of events is never silent for minutes.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import IO, TypeVar

from tqdm import tqdm

log = logging.getLogger("association.progress")
Item = TypeVar("Item")
# A log line has no bar: the count, the share done, the time so far and left, the rate.
LOG_LINE = (
    "{desc}: {n_fmt}/{total_fmt}{unit} ({percentage:.0f}%) [{elapsed}<{remaining}, {rate_fmt}]"
)


class Progress:
    """How far a command has come through `total` items (None when unknown, then no time left).

    `advance(n)` counts n more; `close()` (or leaving the `with` block) reports the last figures.
    `terminal` says which of the two ways it reports; by default, whether `stream` is a TTY.
    """

    def __init__(
        self,
        description: str,
        total: int | None = None,
        *,
        unit: str = "events",
        stream: IO[str] | None = None,
        terminal: bool | None = None,
        interval: float = 10.0,
        every: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.description, self.total, self.unit = description, total, unit
        self.interval, self.every, self.clock = interval, every, clock
        stream = stream or sys.stderr
        on_terminal = stream.isatty() if terminal is None else terminal
        self.bar = (
            tqdm(total=total, desc=description, unit=f" {unit}", file=stream, dynamic_ncols=True)
            if on_terminal
            else None
        )
        self.count = 0
        self.started = self.last_reported = clock()
        self.count_reported = 0

    def advance(self, count: int = 1) -> None:
        """Count `count` more items done, reporting when the interval or item step is reached."""
        self.count += count
        if self.bar is not None:
            self.bar.update(count)
            return
        now = self.clock()
        due_by_items = self.every is not None and self.count - self.count_reported >= self.every
        if due_by_items or now - self.last_reported >= self.interval:
            self._log(now)

    def close(self) -> None:
        """Report the final figures (on a terminal: leave the finished line in place)."""
        if self.bar is not None:
            self.bar.close()
        elif self.count != self.count_reported or self.count == 0:
            self._log(self.clock())

    def line(self, now: float | None = None) -> str:
        """The figures as one line: description, count (of total), rate and time left."""
        elapsed = (self.clock() if now is None else now) - self.started
        return tqdm.format_meter(
            self.count,
            self.total,
            elapsed,
            prefix=self.description,
            unit=f" {self.unit}",
            bar_format=None if self.total is None else LOG_LINE,
        )

    def _log(self, now: float) -> None:
        log.info("%s", self.line(now))
        self.last_reported, self.count_reported = now, self.count

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def counted(items: Iterable[list[Item]], progress: Progress) -> Iterator[list[Item]]:
    """The pages of `items` as they come, each counted in `progress` once handed on."""
    for page in items:
        yield page
        progress.advance(len(page))
