"""A function or class of the note sent to a process started the ``spawn`` way fails at once.

A process started with the ``spawn`` or ``forkserver`` start method is a fresh interpreter
that finds the functions and classes it is sent by importing their module. The note's
``__main__`` is no importable module, so the child cannot find them: a ``Process`` dies at
its start, and a ``Pool``'s worker dies, is replaced, and ``pool.map`` waits until the
block's time limit (``run/spawned.py`` explains that timeout).

While a note runs, what ``multiprocessing`` pickles for such a child is pickled by a
subclass of ``ForkingPickler`` (:func:`_pickler`) that refuses the note's own functions and
classes with a :class:`pickle.PicklingError` that says why and what to do: the process
object of a ``Process`` or of a pool's worker (``multiprocessing.reduction.dump`` while a
spawning ``Popen`` is set), and the tasks of a ``Pool`` whose workers were started that way
(``Pool._handle_tasks``, which sets the error on the task's result, so ``pool.map`` raises
it in the block). Fork children inherit the note's module and are left alone; so are
processes started after the note, where the note's module is no longer ``__main__``.

Both are private parts of ``multiprocessing``: where one is missing, it is not patched and
the block fails at its time limit as before, with the hint of ``run/spawned.py``.

A ``concurrent.futures.ProcessPoolExecutor`` pickles its work items in a thread of its own,
and a worker that cannot unpickle one dies, which breaks the pool (``BrokenProcessPool``,
with no word of why). Its ``submit`` (which ``map`` calls) first looks through the function
and arguments it is given, when the pool's processes are started in a way that imports what
they are sent (:func:`_refuses`): the note's own function fails there, in the block, with
the same :class:`pickle.PicklingError`. That look is a pickling whose bytes are dropped, in
which tensors and arrays are not copied (they hold no function).
"""

from __future__ import annotations

import io
import pickle
import sys
import types
from collections.abc import Callable
from typing import Any

#: The start methods whose children import what they are sent.
IMPORTING = frozenset({"spawn", "forkserver"})

#: What a note's function or class sent to such a child fails with.
MESSAGE = (
    "{name} is defined in the note; a process started with {method} cannot import the note: "
    "define it in a module next to the note (import it), or use the fork start method "
    "(mp.get_context('fork'))"
)


def _pickler(base: type, module: types.ModuleType, method: str) -> Any:
    """A subclass of ``base`` (``ForkingPickler``) that refuses what ``module`` defines."""

    def reducer_override(self: Any, obj: Any) -> Any:
        __tracebackhide__ = True
        if (
            isinstance(obj, (types.FunctionType, type))
            and getattr(obj, "__module__", None) == module.__name__
            and sys.modules.get(module.__name__) is module
        ):
            name = getattr(obj, "__qualname__", None) or repr(obj)
            raise pickle.PicklingError(MESSAGE.format(name=name, method=method))
        return NotImplemented

    return type("NotePickler", (base,), {"reducer_override": reducer_override})


class SpawnGuard:
    """Between :meth:`start` and :meth:`stop`, refuse the functions and classes of
    ``module`` (the note's ``__main__``) in what is pickled for spawned children."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module
        self._saved: list[tuple[Any, str, Any]] = []

    def start(self) -> None:
        try:
            from multiprocessing import context, pool, reduction
        except ImportError:  # pragma: no cover - a Python without multiprocessing
            return
        base = getattr(reduction, "ForkingPickler", None)
        dump = getattr(reduction, "dump", None)
        spawning = getattr(context, "get_spawning_popen", None)
        if isinstance(base, type) and callable(dump) and callable(spawning):
            self._patch(reduction, "dump", self._dump(base, dump, spawning))
        handle = vars(pool.Pool).get("_handle_tasks")
        if isinstance(base, type) and isinstance(handle, staticmethod):
            tasks = self._tasks(base, handle.__func__)
            self._patch(pool.Pool, "_handle_tasks", staticmethod(tasks))
        from concurrent.futures import process

        submit = vars(process.ProcessPoolExecutor).get("submit")
        if callable(submit):
            self._patch(process.ProcessPoolExecutor, "submit", self._submit(submit))

    def stop(self) -> None:
        for target, name, value in reversed(self._saved):
            setattr(target, name, value)
        self._saved = []

    def _patch(self, target: Any, name: str, value: Any) -> None:
        self._saved.append((target, name, vars(target)[name]))
        setattr(target, name, value)

    def _dump(
        self, base: type, dump: Callable[..., None], spawning: Callable[[], Any]
    ) -> Callable[..., None]:
        module = self.module

        def checked_dump(obj: Any, file: Any, protocol: int | None = None) -> None:
            __tracebackhide__ = True
            method = getattr(spawning(), "method", None)
            if method not in IMPORTING:
                dump(obj, file, protocol)
                return
            _pickler(base, module, method)(file, protocol).dump(obj)

        return checked_dump

    def _tasks(self, base: type, handle: Callable[..., None]) -> Callable[..., None]:
        module = self.module

        def handle_tasks(taskqueue: Any, put: Any, outqueue: Any, workers: Any, cache: Any) -> None:
            method = _start_method(workers)
            connection = getattr(put, "__self__", None)
            send_bytes = getattr(connection, "send_bytes", None)
            if method in IMPORTING and callable(send_bytes):
                pickler = _pickler(base, module, method)

                def put(task: Any) -> None:
                    __tracebackhide__ = True
                    buffer = io.BytesIO()
                    pickler(buffer).dump(task)
                    send_bytes(buffer.getbuffer())

            handle(taskqueue, put, outqueue, workers, cache)

        return handle_tasks

    def _submit(self, submit: Callable[..., Any]) -> Callable[..., Any]:
        module = self.module

        def checked_submit(executor: Any, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True
            context = getattr(executor, "_mp_context", None)
            method = getattr(context, "_name", None)
            if method in IMPORTING:
                _refuses((fn, args, kwargs), module, method)
            return submit(executor, fn, *args, **kwargs)

        return checked_submit


def _start_method(workers: Any) -> str | None:
    """The start method of a pool's worker processes, read off the first one started."""
    for worker in list(workers):
        method = getattr(getattr(worker, "_popen", None), "method", None)
        if isinstance(method, str):
            return method
    return None


class _Discarded:
    """A file that drops what is written to it."""

    def write(self, data: Any) -> int:
        return len(data)


#: Types whose instances are not looked through: their data holds no function.
_DATA_TYPES = ("torch.Tensor", "torch.nn.parameter.Parameter", "numpy.ndarray")


def _refuses(obj: Any, module: types.ModuleType, method: str) -> None:
    """Raise the refusal if pickling ``obj`` reaches a function or class of ``module``.

    Only the refusal is raised: what else cannot be pickled is left to the pool.
    """
    __tracebackhide__ = True
    refusing = _pickler(pickle.Pickler, module, method)
    check = refusing.reducer_override

    def reducer_override(self: Any, obj: Any) -> Any:
        __tracebackhide__ = True
        kind = type(obj)
        if f"{kind.__module__}.{kind.__qualname__}" in _DATA_TYPES:
            return (int, ())
        return check(self, obj)

    pickler = type("NoteLook", (refusing,), {"reducer_override": reducer_override})
    try:
        pickler(_Discarded(), pickle.HIGHEST_PROTOCOL).dump(obj)
    except pickle.PicklingError as error:
        if str(error).endswith(_REFUSAL_END):
            raise
    except Exception:  # not picklable here for another reason: the pool says so itself
        return


#: How every refusal ends, to tell it from other errors of pickling.
_REFUSAL_END = MESSAGE.rpartition("{method}")[2]
