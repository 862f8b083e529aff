"""Reference tables every page reads and hardly anyone writes (the region tree, the levy policy
rows, the filing windows, the working-day calendar), kept in the shared cache: Redis in
production, so every web instance reads the same and a write on one clears it for all (issue 20:
these reads were 2–5 of a page's queries).

A table's entries carry the table's generation, a random token kept beside them. A write to the
table (`changed`, connected to the models' save and delete signals by `watch`; bulk writes call
it themselves) replaces the token, so every entry of the table is stale at once; an entry read
with another token is loaded again. A lost token (eviction, a cache flush) is a new generation
too, never an old one. Inside a transaction the token is replaced again on commit (other
processes may have cached the old rows meanwhile), and until the transaction ends the writer
reads the table past the cache, so rows that may still roll back are never cached.

An entry may be read from several tables (`cached_many`): it is fresh while none of them changed.
The 工作台's queue figures are kept so (backoffice.queues), each with the tables its query reads."""

import threading
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
TIMEOUT_S = 6 * 3600  # a safety net only: writes clear entries at once
_written = threading.local()  # tables this thread wrote in its open transaction


def _token_key(table: str) -> str:
    return f"ref:{table}:generation"


def cached(table: str, key: str, load: Callable[[], T]) -> T:
    """`load()`'s value for `key` of `table`, from the cache while the table has not changed.
    One cache round trip when the entry is there."""
    return cached_many([((table,), key)], lambda _stale: [load()])[0]


def cached_many(entries: list[tuple[tuple[str, ...], str]], load: Callable[[list[int]], list],
                timeout: int = TIMEOUT_S) -> list:
    """The values of several entries, each (the tables it is read from, its key), in one cache round
    trip. `load(stale)` gets the indexes of the entries that are missing or stale and returns their
    values in that order (so one query can load them all)."""
    tables = sorted({table for read, _key in entries for table in read})
    entry_keys = [f"ref:{'+'.join(read)}:{key}" for read, key in entries]
    found = cache.get_many([*map(_token_key, tables), *entry_keys])
    tokens = {table: found.get(_token_key(table)) or _begin_generation(table) for table in tables}
    unsafe = {table for table in tables if _uncommitted(table)}
    values, stale = [None] * len(entries), []
    for i, ((read, _key), entry_key) in enumerate(zip(entries, entry_keys, strict=True)):
        entry = found.get(entry_key)
        if entry is not None and entry[0] == tuple(tokens[t] for t in read) and not unsafe.intersection(read):
            values[i] = entry[1]
        else:
            stale.append(i)
    if stale:
        fresh = {}
        for i, value in zip(stale, load(stale), strict=True):
            values[i] = value
            read = entries[i][0]
            if not unsafe.intersection(read):
                fresh[entry_keys[i]] = (tuple(tokens[t] for t in read), value)
        cache.set_many(fresh, timeout)
    return values


def _begin_generation(table: str) -> str:
    """A table without a token (never read, or evicted) begins a new generation."""
    token = uuid.uuid4().hex
    if not cache.add(_token_key(table), token, None):
        token = cache.get(_token_key(table)) or token  # another process began the generation first
    return token


def changed(table: str) -> None:
    """Every cached entry of `table` is stale (call after a write the signals do not see:
    bulk_create, QuerySet.update)."""
    _new_generation(table)
    if connection.in_atomic_block:
        tables = _tables()
        tables.add(table)
        transaction.on_commit(lambda: (tables.discard(table), _new_generation(table)))


def _new_generation(table: str) -> None:
    cache.set(_token_key(table), uuid.uuid4().hex, None)


def _tables() -> set:
    """The tables written in the open transaction (an outermost atomic block of its own: a set left
    by a transaction that rolled back belongs to no later one)."""
    outermost = id(connection.atomic_blocks[0]) if connection.atomic_blocks else None
    if getattr(_written, "transaction", None) != outermost:
        _written.transaction, _written.tables = outermost, set()
    return _written.tables


def _uncommitted(table: str) -> bool:
    return connection.in_atomic_block and table in _tables()


def watch(table: str, *models) -> None:
    """Clear `table` whenever a row of one of `models` is saved or deleted."""
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(_clear(table), sender=model, weak=False, dispatch_uid=f"reference:{table}:{model.__name__}")


def _clear(table: str):
    def receiver(**_kwargs):
        changed(table)
    return receiver
