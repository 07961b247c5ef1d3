"""Who wants to know when a wave closes. Apps above surveys register a callback here (the
influence app starts the analysis); surveys never imports them."""

from collections.abc import Callable

_wave_closed: list[Callable[[int], None]] = []


def on_wave_closed(callback: Callable[[int], None]) -> Callable[[int], None]:
    """Register callback(wave_id), run after the closing transaction commits."""
    if callback not in _wave_closed:
        _wave_closed.append(callback)
    return callback


def wave_closed(wave_id: int) -> None:
    for callback in _wave_closed:
        callback(wave_id)
