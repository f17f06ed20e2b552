"""One small background API with named pools (after Picard's util/thread.py, Anki's taskman).

    task = runner.submit("network", context.sync.sync, connection_id,
                         on_result=self._sync_finished, on_error=self._sync_failed,
                         on_progress=self._sync_progressed)   # passes progress= and cancel=
    task.cancel()                                             # sets the job's threading.Event

Pools: "db" (one thread: database writes stay in submission order), "pdf" (one thread:
reportlab is not thread-safe), "network" (a few threads in parallel).

Results, errors and progress come back on the GUI thread: the worker emits a signal of the
Task, a QObject living in the GUI thread, whose own bound slot re-emits the public signals
there, so callers' slots always run on the GUI thread (house rule 3). Tests swap in
SynchronousTaskRunner, which runs the job inline with the same interface.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

DB, PDF, NETWORK = "db", "pdf", "network"
POOL_SIZES = {DB: 1, PDF: 1, NETWORK: 4}

Callback = Callable[[Any], None]


class Task(QObject):
    """One submitted job. Its signals are emitted on the GUI thread."""

    succeeded = Signal(object)  # the job's return value
    failed = Signal(object)  # the exception it raised
    progressed = Signal(object)  # whatever the job passed to its progress callback
    finished = Signal()  # after succeeded or failed

    _completed = Signal(bool, object)  # from the worker: ok?, result or exception
    _reported = Signal(object)

    def __init__(self, pool: str, name: str) -> None:
        super().__init__()
        self.pool = pool
        self.name = name
        self.cancel_event = threading.Event()
        self.done = False
        self._completed.connect(self._deliver)
        self._reported.connect(self._relay_progress)

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def report(self, value: object) -> None:
        """Called by the job on its worker thread."""
        try:
            self._reported.emit(value)
        except RuntimeError:  # the Task was deleted with its window: nobody is listening
            pass

    def complete(self, ok: bool, value: object) -> None:
        try:
            self._completed.emit(ok, value)
        except RuntimeError:
            pass

    @Slot(object)
    def _relay_progress(self, value: object) -> None:
        if not self.done:
            self.progressed.emit(value)

    @Slot(bool, object)
    def _deliver(self, ok: bool, value: object) -> None:
        self.done = True
        (self.succeeded if ok else self.failed).emit(value)
        self.finished.emit()


class TaskRunner(QObject):
    """Thread pools by name; create one in the GUI thread and hand it to the windows."""

    task_failed = Signal(object, object)  # Task, exception: for jobs without an error slot

    def __init__(self, pool_sizes: dict[str, int] | None = None) -> None:
        super().__init__()
        self._sizes = dict(pool_sizes or POOL_SIZES)
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._active: set[Task] = set()  # Python owns Tasks until they have delivered
        self._closed = False

    def submit(self, pool: str, job: Callable[..., Any], *args: Any,
               on_result: Callback | None = None, on_error: Callback | None = None,
               on_progress: Callback | None = None, cancellable: bool = False,
               **kwargs: Any) -> Task:
        """Run job(*args, **kwargs) on `pool`. With on_progress the job gets `progress=`,
        with cancellable (or on_progress) it gets `cancel=` (a threading.Event)."""
        task = self._prepare(pool, job, on_result, on_error, on_progress)
        call = self._call(task, job, args, kwargs, on_progress is not None,
                          cancellable or on_progress is not None)
        if self._closed:
            log.debug("Task %s submitted after shutdown; dropped", task.name)
            return task
        self._executor(pool).submit(call)
        return task

    def _prepare(self, pool: str, job: Callable[..., Any], on_result, on_error,
                 on_progress) -> Task:
        if pool not in self._sizes:
            raise ValueError(f"No task pool named {pool!r}")
        task = Task(pool, getattr(job, "__qualname__", repr(job)))
        if on_result is not None:
            task.succeeded.connect(on_result)
        if on_error is not None:
            task.failed.connect(on_error)
        else:
            task.failed.connect(self._unhandled)
        if on_progress is not None:
            task.progressed.connect(on_progress)
        self._active.add(task)
        task.finished.connect(self._forget)
        return task

    @staticmethod
    def _call(task: Task, job: Callable[..., Any], args: tuple, kwargs: dict,
              with_progress: bool, with_cancel: bool) -> Callable[[], None]:
        if with_progress:
            kwargs = {**kwargs, "progress": task.report}
        if with_cancel:
            kwargs = {**kwargs, "cancel": task.cancel_event}

        def run() -> None:
            try:
                value = job(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI
                log.debug("Task %s failed: %s", task.name, exc)
                task.complete(False, exc)
            else:
                task.complete(True, value)
        return run

    @Slot()
    def _forget(self) -> None:
        task = self.sender()
        self._active.discard(task)

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
        """Cancel long jobs, drop queued ones, and (by default) wait for running ones."""
        self._closed = True
        for task in list(self._active):
            task.cancel()
        for executor in self._pools.values():
            executor.shutdown(wait=wait, cancel_futures=True)
        self._pools.clear()


class SynchronousTaskRunner(TaskRunner):
    """Runs each job inline on the calling thread: deterministic tests, same interface."""

    def submit(self, pool: str, job: Callable[..., Any], *args: Any,
               on_result: Callback | None = None, on_error: Callback | None = None,
               on_progress: Callback | None = None, cancellable: bool = False,
               **kwargs: Any) -> Task:
        task = self._prepare(pool, job, on_result, on_error, on_progress)
        call = self._call(task, job, args, kwargs, on_progress is not None,
                          cancellable or on_progress is not None)
        # Same thread: the Task's internal signals are delivered directly, in order.
        call()
        return task
