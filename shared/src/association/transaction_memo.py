"""What a transaction keeps for itself while it lasts (a lookup, a lock taken), forgotten with it.

The consumer applies a batch of events in one transaction, so what a handler would read or do
again for every event of the batch is kept once in a memo of the transaction. A rollback, of the
transaction or of any savepoint in it, forgets every memo of the transaction: what was read or
locked since may be undone, and is read or taken again on demand.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

_MEMOS = "association.transaction_memos"


def transaction_memo(session: Session, name: str) -> dict[Any, Any]:
    """A dict named `name` that lasts as long as the session's current transaction.

    Savepoints share it with their transaction; rolling one back empties every memo of the
    transaction (see the module). A new transaction starts with none. Outside a transaction
    nothing is kept (a fresh dict each time). A caller that changes what it keeps in the database
    updates or clears its memo itself.
    """
    transaction = session.get_transaction()
    if transaction is None:
        return {}
    held = session.info.get(_MEMOS)
    if held is None or held[0] is not transaction:
        held = session.info[_MEMOS] = (transaction, {})
    memos: dict[str, dict[Any, Any]] = held[1]
    memo = memos.get(name)
    if memo is None:
        memo = memos[name] = {}
    return memo


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _rolled_back: SessionTransaction) -> None:
    session.info.pop(_MEMOS, None)
