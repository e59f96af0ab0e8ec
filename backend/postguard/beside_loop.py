"""Run an image's analysis beside the gevent loop, so text scans keep flowing.

Under gunicorn's gevent worker (everything monkey-patched) one thread serves
every request. An image's CPU work (decoding, the barcode search, preparing the
picture for Tesseract) would hold it for up to seconds. ``run_beside_loop`` runs
the analysis in a thread of gevent's pool instead: the interpreter then switches
between it and the loop every few milliseconds, as between any two threads.

gevent watches child processes only from its main loop, so Tesseract itself is
started and waited on there: pytesseract's functions that run it are routed to
a greenlet on the main hub while the analysis thread waits for their result.
Without gevent (the Flask test client, the CLI, another server) everything runs
inline, unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

# pytesseract's functions that start a Tesseract process.
TESSERACT_RUNNERS = ("run_tesseract", "get_tesseract_version", "get_languages")
_routed: dict[str, Any] = {}


def gevent_patched() -> bool:
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return False
    return monkey.is_module_patched("threading") and monkey.is_module_patched(
        "subprocess"
    )


def run_beside_loop(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``; under gevent in a pool thread while the calling
    greenlet waits (cooperatively), else inline. Call it from the main thread."""
    if not gevent_patched():
        return fn(*args, **kwargs)
    import gevent

    _route_tesseract_to_main_hub()
    return gevent.get_hub().threadpool.apply(fn, args, kwargs)


def _route_tesseract_to_main_hub() -> None:
    if _routed:
        return
    import gevent
    import pytesseract.pytesseract as tesseract
    from gevent import monkey

    hub = gevent.get_hub()  # the main thread's: the one that can watch children
    main_thread = monkey.get_original("_thread", "get_ident")()
    thread_ident = monkey.get_original("_thread", "get_ident")
    allocate_lock = monkey.get_original("_thread", "allocate_lock")

    def on_main_hub(original):
        @functools.wraps(original)
        def routed(*args, **kwargs):
            if thread_ident() == main_thread:
                return original(*args, **kwargs)
            done = allocate_lock()  # a real lock: this thread truly waits
            done.acquire()
            outcome: dict[str, Any] = {}

            def run() -> None:
                try:
                    outcome["value"] = original(*args, **kwargs)
                except BaseException as exc:  # noqa: BLE001 - handed back below
                    outcome["error"] = exc
                finally:
                    done.release()

            hub.loop.run_callback_threadsafe(gevent.spawn, run)
            done.acquire()
            if "error" in outcome:
                raise outcome["error"]
            return outcome.get("value")

        return routed

    for name in TESSERACT_RUNNERS:
        original = getattr(tesseract, name)
        _routed[name] = original
        setattr(tesseract, name, on_main_hub(original))
