"""The relay's events between publishing and the broker's confirm, and those that came back.

Publisher confirms name deliveries by tag; this keeps which stored event each tag carries, which
of them the broker returned as unroutable (it confirms those too, though it delivered nothing),
and how often each returned event came back, so that it is sent again after a longer pause.
"""

from __future__ import annotations

from collections import OrderedDict

RETURNED_RETRY_FIRST = 0.5  # seconds before an unroutable event is sent again; doubles each time
RETURNED_RETRY_CEILING = 30.0


class InFlight:
    """The events of one channel awaiting the broker's confirm, by delivery tag."""

    def __init__(self) -> None:
        self._events: OrderedDict[int, tuple[int, str]] = OrderedDict()  # tag -> sequence, id
        self._returned: set[str] = set()  # ids of events returned, their confirm still to come
        self._unroutable: dict[int, int] = {}  # sequence -> times it came back unroutable
        self._next_tag = 0

    def __len__(self) -> int:
        return len(self._events)

    def sent(self, sequence: int, event_id: str) -> None:
        """Note an event just published: its tag is the next on the channel."""
        self._next_tag += 1
        self._events[self._next_tag] = (sequence, event_id)

    def returned(self, event_id: str) -> None:
        """Note an event the broker returned as unroutable; its confirm is still to come."""
        self._returned.add(event_id)

    def settle(self, delivery_tag: int, multiple: bool) -> tuple[list[int], list[int]]:
        """The sequences a confirm (or refusal) settles: those delivered, and those returned."""
        tags = [t for t in self._events if t <= delivery_tag] if multiple else [delivery_tag]
        entries = [self._events.pop(t) for t in tags if t in self._events]
        if not self._returned:
            return [sequence for sequence, _ in entries], []
        delivered: list[int] = []
        returned: list[int] = []
        for sequence, event_id in entries:
            if event_id in self._returned:
                self._returned.discard(event_id)
                returned.append(sequence)
            else:
                delivered.append(sequence)
        return delivered, returned

    def pause_before_sending_again(self, sequence: int) -> float:
        """Seconds before a returned event is sent again: twice as long each time it comes back."""
        times = self._unroutable[sequence] = self._unroutable.get(sequence, 0) + 1
        return min(RETURNED_RETRY_FIRST * 2 ** (times - 1), RETURNED_RETRY_CEILING)

    def delivered(self, sequences: list[int]) -> None:
        """Forget how often these events came back: they have now been delivered."""
        if self._unroutable:
            for sequence in sequences:
                self._unroutable.pop(sequence, None)
