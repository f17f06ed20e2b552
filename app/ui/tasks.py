"""One small background API with named pools (after Picard's util/thread.py, Anki's taskman).

    task = runner.submit("network", context.sync.sync, connection_id,
                         on_result=self._sync_finished, on_error=self._sync_failed,
                         on_progress=self._sync_progressed)   # passes progress= and cancel=
    task.cancel()                                             # sets the job's threading.Event

Pools: "db" (one thread: database writes stay in submission order), "pdf" (one thread:
reportlab is not thread-safe), "network" (a few threads in parallel), "bulk-read" (one thread:
long reads, such as a view's complete id list, that must not hold up the db pool's short ones;
SQLite in WAL mode reads beside the writer).

Results, errors and progress come back on the GUI thread: the worker emits a signal of the
TaskRunner (a QObject living in the GUI thread) with the task's key; its bound slot finds the
Task there and emits the public signals, so callers' slots always run on the GUI thread (house
rule 3). Workers never hold a Task: the GUI thread owns each one, and so it is also destroyed
there, never on a worker that lets go of it last. Tests swap in SynchronousTaskRunner, which
runs the job inline with the same interface.
"""
from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

DB, PDF, NETWORK, BULK_READ = "db", "pdf", "network", "bulk-read"
POOL_SIZES = {DB: 1, PDF: 1, NETWORK: 4, BULK_READ: 1}

Callback = Callable[[Any], None]


class Task(QObject):
    """One submitted job. Its signals are emitted on the GUI thread."""

    succeeded = Signal(object)  # the job's return value
    failed = Signal(object)  # the exception it raised
    progressed = Signal(object)  # whatever the job passed to its progress callback
    finished = Signal()  # after succeeded or failed

    def __init__(self, pool: str, name: str) -> None:
        super().__init__()
        self.pool = pool
        self.name = name
        self.cancel_event = threading.Event()
        self.done = False

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()


class TaskRunner(QObject):
    """Thread pools by name; create one in the GUI thread and hand it to the windows."""

    task_failed = Signal(object, object)  # Task, exception: for jobs without an error slot

    _completed = Signal(object, bool, object)  # from a worker: task key, ok?, result or exception
    _reported = Signal(object, object)  # from a worker: task key, progress value

    def __init__(self, pool_sizes: dict[str, int] | None = None) -> None:
        super().__init__()
        self._sizes = dict(pool_sizes or POOL_SIZES)
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._active: dict[int, Task] = {}  # by key: the GUI thread owns Tasks until delivered
        self._keys = itertools.count(1)
        self._closed = False
        self._completed.connect(self._deliver)
        self._reported.connect(self._relay_progress)

    def submit(self, pool: str, job: Callable[..., Any], *args: Any,
               on_result: Callback | None = None, on_error: Callback | None = None,
               on_progress: Callback | None = None, cancellable: bool = False,
               **kwargs: Any) -> Task:
        """Run job(*args, **kwargs) on `pool`. With on_progress the job gets `progress=`,
        with cancellable (or on_progress) it gets `cancel=` (a threading.Event)."""
        if self._closed:
            task = Task(pool, getattr(job, "__qualname__", repr(job)))
            log.debug("Task %s submitted after shutdown; dropped", task.name)
            return task
        key, task = self._prepare(pool, job, on_result, on_error, on_progress)
        call = self._call(key, task.cancel_event, job, args, kwargs, on_progress is not None,
                          cancellable or on_progress is not None)
        self._executor(pool).submit(call)
        return task

    def _prepare(self, pool: str, job: Callable[..., Any], on_result, on_error,
                 on_progress) -> tuple[int, Task]:
        if pool not in self._sizes:
            raise ValueError(f"No task pool named {pool!r}")
        task = Task(pool, getattr(job, "__qualname__", repr(job)))
        if task.thread() is not self.thread():  # submitted from a worker: the GUI owns it
            task.moveToThread(self.thread())
        if on_result is not None:
            task.succeeded.connect(on_result)
        if on_error is not None:
            task.failed.connect(on_error)
        else:
            task.failed.connect(self._unhandled)
        if on_progress is not None:
            task.progressed.connect(on_progress)
        key = next(self._keys)
        self._active[key] = task
        return key, task

    def _call(self, key: int, cancel: threading.Event, job: Callable[..., Any], args: tuple,
              kwargs: dict, with_progress: bool, with_cancel: bool) -> Callable[[], None]:
        # Only the key, the cancel event and the runner's signals go to the worker, never the
        # Task: a worker letting go of it last would destroy a QObject on the wrong thread.
        if with_progress:
            kwargs = {**kwargs, "progress": partial(self._emit, self._reported, key)}
        if with_cancel:
            kwargs = {**kwargs, "cancel": cancel}
        completed = self._completed
        name = getattr(job, "__qualname__", repr(job))

        def run() -> None:
            try:
                value = job(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI
                log.debug("Task %s failed: %s", name, exc)
                TaskRunner._emit(completed, key, False, exc)
            else:
                TaskRunner._emit(completed, key, True, value)
        return run

    @staticmethod
    def _emit(signal, *args: object) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the runner was deleted with the app: nobody is listening
            pass

    @Slot(object, object)
    def _relay_progress(self, key: int, value: object) -> None:
        task = self._active.get(key)
        if task is not None:  # none after delivery (or shutdown): progress never trails
            task.progressed.emit(value)

    @Slot(object, bool, object)
    def _deliver(self, key: int, ok: bool, value: object) -> None:
        task = self._active.pop(key, None)
        if task is None:  # dropped at shutdown
            return
        task.done = True
        (task.succeeded if ok else task.failed).emit(value)
        task.finished.emit()

    @Slot(object)
    def _unhandled(self, exc: object) -> None:
        task = self.sender()
        log.error("Background task %s failed", getattr(task, "name", "?"),
                  exc_info=exc if isinstance(exc, BaseException) else None)
        self.task_failed.emit(task, exc)

    def _executor(self, pool: str) -> ThreadPoolExecutor:
        executor = self._pools.get(pool)
        if executor is None:
            executor = ThreadPoolExecutor(self._sizes[pool], thread_name_prefix=f"pd-{pool}")
            self._pools[pool] = executor
        return executor

    @property
    def active(self) -> int:
        return len(self._active)

    def shutdown(self, *, wait: bool = True, timeout_hint: float | None = None) -> None:
        """Cancel long jobs, drop queued ones, and (by default) wait for running ones. Nothing
        is delivered after it: the windows the results were for are closing."""
        self._closed = True
        for task in list(self._active.values()):
            task.cancel()
        for executor in self._pools.values():
            executor.shutdown(wait=wait, cancel_futures=True)
        self._pools.clear()
        self._active.clear()  # dropped or stopped: they will not deliver now


_inline = threading.local()


def running_inline_job() -> bool:
    """True inside a job SynchronousTaskRunner runs on the calling thread: in the app that job
    would run on a pool thread, so the GUI-thread database guard lets it through."""
    return getattr(_inline, "depth", 0) > 0


def _inline_job(job: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        _inline.depth = getattr(_inline, "depth", 0) + 1
        try:
            return job(*args, **kwargs)
        finally:
            _inline.depth -= 1
    run.__qualname__ = getattr(job, "__qualname__", repr(job))
    return run


class SynchronousTaskRunner(TaskRunner):
    """Runs each job inline on the calling thread: deterministic tests, same interface."""

    def submit(self, pool: str, job: Callable[..., Any], *args: Any,
               on_result: Callback | None = None, on_error: Callback | None = None,
               on_progress: Callback | None = None, cancellable: bool = False,
               **kwargs: Any) -> Task:
        key, task = self._prepare(pool, job, on_result, on_error, on_progress)
        call = self._call(key, task.cancel_event, _inline_job(job), args, kwargs,
                          on_progress is not None, cancellable or on_progress is not None)
        # Same thread: the runner's internal signals are delivered directly, in order.
        call()
        return task
