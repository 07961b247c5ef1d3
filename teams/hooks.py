"""Who wants to know when HR erases a person. Apps above teams register a callback here (surveys
drops free text and secret links, influence drops flags, reviews and stored exports); teams never
imports them."""

from collections.abc import Callable

_person_erased: list[Callable[[int], None]] = []


def on_person_erased(callback: Callable[[int], None]) -> Callable[[int], None]:
    """Register callback(person_id), run INSIDE the erasure transaction: if it raises, nothing
    of the erasure is kept."""
    if callback not in _person_erased:
        _person_erased.append(callback)
    return callback


def person_erased(person_id: int) -> None:
    for callback in _person_erased:
        callback(person_id)
