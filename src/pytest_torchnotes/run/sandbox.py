"""The isolation of one note: a fresh ``__main__``, its own working directory, the global
state it may change snapshotted and put back, Ctrl-C told apart from a block's own
``KeyboardInterrupt``."""

from __future__ import annotations

import mmap
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pytest_torchnotes.markdown.blocks import Block, ParsedNote
from pytest_torchnotes.run import (
    atexits,
    calledobjects,
    callregistries,
    classattrs,
    classsource,
    codecsearch,
    copyregs,
    dynamo_rules,
    execs,
    exiting,
    faulthandling,
    fdreserve,
    folders,
    freeing,
    funcattrs,
    heldcontainers,
    heldlocks,
    identity,
    knobs,
    loggerattrs,
    note_modules,
    objattrs,
    opaqueattrs,
    patches,
    permanent,
    pools,
    processes,
    putenv,
    rawfds,
    rawthreads,
    rlimits,
    selfsignal,
    sessionfds,
    spawnpickling,
    start,
    stdstreams,
    threadfork,
    torch_configs,
    torchcaches,
    torchregistries,
    workspace,
    writeguard,
    written_modules,
)
from pytest_torchnotes.run.between import BetweenBlocks
from pytest_torchnotes.run.continuity import Continuity
from pytest_torchnotes.run.execute import Executor
from pytest_torchnotes.run.knobs import log_handlers
from pytest_torchnotes.run.results import NoteResult

if TYPE_CHECKING:
    from pytest_torchnotes.run.runner import RunSettings

#: Global state the runner itself changes for every note: not worth reporting.
OURS = frozenset(
    {
        "working directory",
        "sys.path",
        "sys.displayhook",
        "os._exit",
        "signal handler SIGINT",
        "random state",
        "torch CPU random state",
    }
)


class _Guard(Protocol):
    """What puts back one kind of state a note may change: ``restore`` names what it put
    back."""

    def restore(self) -> list[str]: ...


def _limits_on(executor: Executor, limits: rlimits.LimitGuard) -> None:
    """Before a block under the limits a note sets: memory held for the session, then the
    limits. A block that takes all the memory a data limit leaves (and keeps it) left the
    session's own steps after it none: they failed the note with the session's MemoryError
    and no result for the block. An anonymous mapping, not a heap object: let go, it goes
    back to the system, and the interpreter's small objects, whose arenas are mappings of
    their own, can use it (a freed ``bytearray`` stays in the C library's heap). A private
    mapping: ``mmap``'s default, a shared one, is not counted by ``RLIMIT_DATA`` (the
    process's ``VmData``), and letting it go gave the session nothing."""
    executor.memory_reserve = mmap.mmap(
        -1, rlimits.RESERVE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS
    )
    limits.enter()


def _held_by_capture(executor: Executor) -> tuple[int, ...]:
    """The descriptors the block capture of ``executor`` holds now."""
    return () if executor.fd is None else executor.fd.held()


class SessionInterrupted(KeyboardInterrupt):
    """The person running the session pressed Ctrl-C while a block ran."""


@dataclass(frozen=True)
class Sandbox:
    """What an isolated note runs in: its ``__main__`` namespace, and what refuses writes
    to the repository while one of its blocks runs."""

    namespace: dict[str, Any]
    refusing: Callable[[], ContextManager[None]]


@contextmanager
def sandbox(
    settings: RunSettings,
    note: ParsedNote,
    path: Path,
    executor: Executor,
    result: NoteResult,
    scratch: workspace.Workspace | None,
    folder_entries: Mapping[Path, folders.Folder],
    kept: Continuity | None = None,
) -> Iterator[Sandbox]:
    """Isolate one note; afterwards record what global state it changed. ``scratch`` is the
    scratch directory of the note's folder (``None`` when notes run in place),
    ``folder_entries`` what each folder of notes holds, and ``kept`` the state the previous
    note found, where it may be this note's too (:mod:`.continuity`)."""
    code = "\n".join(item.code for item in note.items)
    # Put on for the session before anything of the note's is saved: a note whose code
    # patches through computed names has every attribute of os put back after it.
    session_guards = (execs.guard(), identity.guard())
    classsource.install()
    fdreserve.refill()
    threadfork.install()
    guards: list[_Guard] = []
    names = patches.patched_names(f"{settings.setup}\n{code}")
    owners = classattrs.changed_owners(code, names is None or bool(names))
    # What the owners reach, read once for the classes, functions and objects among it.
    reached = list(classattrs.reached_through(owners, code)) if owners else []
    classes = classattrs.find_classes(owners, code, reached) if owners else []
    if classes:
        guards.append(classattrs.ClassGuard(classes))
    functions = funcattrs.find_functions(reached)
    if functions:
        guards.append(funcattrs.FunctionGuard(functions))
    objects = objattrs.find_objects(reached)
    if objects:
        guards.append(objattrs.ObjectGuard(objects))
    guards.extend(
        guard
        for guard in (heldcontainers.guard(code), calledobjects.guard(code))
        if guard is not None
    )
    opaque = opaqueattrs.opaque_names(code)
    if opaque:
        guards.append(opaqueattrs.OpaqueGuard(opaqueattrs.every_class(), opaque))
    if (owners or opaque) and loggerattrs.names_loggers(code):
        guards.append(loggerattrs.LoggerAttributeGuard())
    # Wrappers of functions of os, put on before the attributes of os are saved and taken
    # off after they are put back: they are not the note's.
    wrapping: list[
        putenv.PutenvGuard | rawfds.RawFdGuard | sessionfds.SessionFdGuard | rlimits.LimitGuard
    ] = []
    if any(word in code for word in putenv.WORDS):
        wrapping.append(putenv.PutenvGuard())
    if rawfds.names_one(code):
        wrapping.append(rawfds.RawFdGuard(executor.filename))
    if sessionfds.names_one(code):
        held = partial(_held_by_capture, executor)
        wrapping.append(sessionfds.SessionFdGuard(executor.filename, os.getpid(), held))
    if rlimits.names_one(f"{settings.setup}\n{code}"):  # a limit set by setup code too
        limits = rlimits.LimitGuard(os.getpid())
        executor.around_block.append((partial(_limits_on, executor, limits), limits.leave))
        executor.lift_limits = limits.leave_memory
        executor.memory_limit = limits.memory_limit
        wrapping.append(limits)
    for wrapper in wrapping:
        wrapper.start()
    between = None
    if names is None or names:
        targets = patches.patch_targets(session=names is not None)
        targets.extend(written_modules.written_modules(owners, code, targets))
        attributes = patches.AttributeGuard(targets, names)
        guards.append(attributes)
        # What the note patches is taken off while the session works between its blocks.
        between = executor.between = BetweenBlocks.of(attributes)
    guards.extend(wrapping)
    entries = note_modules.ModulesGuard(code)
    if stdstreams.names_one(code):
        streams = stdstreams.StdStreamsGuard()
        streams.start()
        guards.append(streams)
    if torch_configs.CONFIG_USE.search(code):
        guards.append(torch_configs.ConfigGuard())
    # A note that names a handler may move one that was there: its readings walk the loggers.
    log_handlers.exact = any(word in code for word in log_handlers.HANDLER_WORDS)
    state = knobs.StateGuard(knobs.every_knob())
    # Torch warns every time while notes run, not once per process, so that every note
    # reports the warnings it triggers. Set before the snapshot: a note that turns it
    # off is put back and named like any other knob.
    warn_always = _torch_warn_always(True)
    reused = None
    if kept is not None and wrapping:  # the guards put on before the snapshot are its own
        kept.forget()
    elif kept is not None:  # taken once: the note's end decides what is kept
        reused = kept.take(state.knobs)
    if reused is None:
        state.snapshot()
    else:
        state.saved = reused
    root_handlers = start.detach_root_handlers()
    threads = set(threading.enumerate())
    children = processes.descendants() if processes.adopt_orphans() else set()
    saved_main = sys.modules.get("__main__")
    modules = entries.names_now()  # its list, where nothing was imported since
    reducers = copyregs.CopyregGuard(modules)
    called = callregistries.CallRegistryGuard(code, modules)
    registrations = torchregistries.TorchRegistryGuard()
    compile_rules = dynamo_rules.DynamoRulesGuard()
    module = note_modules.new_main_module()
    note_classes = classsource.register(module, executor.filename, partial(_code_blocks, note))
    if scratch is not None:
        folder = str(scratch.enter(folders.beside(path, folder_entries[path.parent], code)))
        rule = writeguard.rule_for(
            (path.parent, *settings.protected), (scratch.root, tempfile.gettempdir())
        )
        refusing: Callable[[], ContextManager[None]] = partial(writeguard.refusing, rule)
    else:
        folder = str(path.parent)
        refusing = nullcontext
    interrupted = executor.interrupted
    # What the modules the note writes register is the note's too, as they are.
    at_exit = atexits.AtExitGuard(executor.filename, folder, str(path.parent))
    spawning = spawnpickling.SpawnGuard(module)
    hooks = permanent.PermanentHooks(
        executor.filename, lambda: executor.in_block, folder, str(path.parent)
    )
    if faulthandling.FAULTHANDLER_WORD in code:  # its functions are wrapped from here on
        guards.append(faulthandling.FaulthandlerGuard(executor.time_limit.watchdog.file))
    self_sent = selfsignal.SelfSent(os.getpid(), threads)
    unwatch = selfsignal.watch(self_sent)
    for session_guard in session_guards:
        session_guard.notes_running += 1
    try:
        spawning.start()  # imports multiprocessing, which registers with atexit
        hooks.start()
        at_exit.start()
        codecsearch.start(executor.filename)
        rawthreads.running(executor.filename)
        entries.enter(module)  # sys.modules["__main__"]
        os.chdir(folder)
        sys.path.insert(0, folder)
        sys.displayhook = start.display
        os._exit = exiting.refusing_exit(os.getpid(), executor.exit_in_thread, threads)  # type: ignore[assignment]
        _catch_interrupts(interrupted, self_sent)
        start.seed_everything(note.config.seed if note.config.seed is not None else settings.seed)
        start.reset_print_options()
        yield Sandbox(module.__dict__, refusing)
    finally:
        # First: what runs below imports torch and the standard library's modules through
        # sys.modules, where the note may have put a stand-in (sys.modules["torch"] = x).
        entries_restored = entries.restore()
        # A thread of the note's that still runs may change the state after it is read
        # back, a daemon thread or one that ends within threads_left's grace alike.
        threads_ran = not threads.issuperset(threading.enumerate())
        unwatch()
        for session_guard in session_guards:
            session_guard.notes_running -= 1
        spawning.stop()
        compile_rules.stop()  # its finder, before sys.meta_path is compared
        inert = [
            *hooks.stop(),
            *heldlocks.free_logging_lock(),
            *heldlocks.free_import_locks(threads, folder),
        ]  # before the session logs
        executor.between = None
        # Free the note's objects while its working directory and os._exit are still
        # in place: a finalizer that writes a relative path or calls os._exit acts in
        # the note's sandbox, not in the session. What runs is named first: freeing a
        # pool may end its workers, or not yet.
        try:
            running = processes.running_left(children)
        except Exception:  # the note broke what it needs (open, os): named after restore
            running = {}
        result.freeing = freeing.free_within(
            executor.time_limit,
            note.config.timeout or settings.timeout,
            partial(note_modules.release, module),
        )
        result.at_exit = at_exit.stop()
        searches = codecsearch.stop()
        rawthreads.running("")
        entries.leave(saved_main, modules)  # sys.modules["__main__"] = saved_main
        note_classes.forget()
        start.reattach_root_handlers(root_handlers)
        restored = state.restore(always=OURS)
        log_handlers.exact = False
        _torch_warn_always(warn_always)
        for guard in guards:
            restored.extend(guard.restore())
        codecsearch.forget_lookups(restored)
        restored.extend(entries_restored)
        restored.extend(executor.hooks_left())
        if between is not None:
            restored.extend(name for name in between.changed() if name not in restored)
        if torchcaches.changed_torch(restored):
            torchcaches.clear_function_caches()
        note_modules.forget_modules(modules, folder)
        restored.extend(reducers.restore())  # what the forgotten modules registered too
        restored.extend(registrations.restore())
        restored.extend(called.restore())
        restored.extend(compile_rules.restore())
        restored.extend(searches)
        restored.extend(inert)
        result.restored = [name for name in restored if name not in OURS]
        # A pool of the note's is terminated first: ended from outside, it hangs the exit.
        ended_pools = pools.terminate_left(threads) if threads_ran else []
        result.processes = [*ended_pools, *processes.end_left(children, running=running)]
        processes.stop_adopting()
        result.threads = exiting.threads_left(threads)
        if kept is not None:
            # What the runner changes itself (OURS) is set back as saved, whatever it read.
            clean = not (result.restored or threads_ran or result.freeing or wrapping)
            kept.leave(state.knobs, state.saved, clean)
        if scratch is not None:
            scratch.leave()


def _code_blocks(note: ParsedNote) -> list[classsource.CodeBlock]:
    return [
        classsource.CodeBlock(item.code_line, item.code, isinstance(item, Block) and item.doctest)
        for item in note.items
    ]


def _catch_interrupts(interrupted: threading.Event, self_sent: selfsignal.SelfSent) -> None:
    """Tell a Ctrl-C of the person running the session from a block raising
    ``KeyboardInterrupt`` itself, or sending ``SIGINT`` to its own process."""
    if threading.current_thread() is not threading.main_thread():
        return

    def on_interrupt(signum: int, frame: Any) -> None:
        if self_sent.take():
            raise KeyboardInterrupt  # the block's own
        interrupted.set()
        raise SessionInterrupted

    signal.signal(signal.SIGINT, on_interrupt)


def _torch_warn_always(on: bool) -> bool:
    """Set ``torch.set_warn_always`` and return what it was."""
    torch = sys.modules.get("torch")
    if torch is None:  # pragma: no cover - the knobs of a note import torch first
        return False
    before = bool(torch.is_warn_always_enabled())
    torch.set_warn_always(on)
    return before
