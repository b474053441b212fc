"""Where replications run: in this process, in a local process pool, or on a Dask cluster.

Every executor has the same small interface: ``submit`` a task, ``wait_any``
for some to finish, read each one's ``result``. The order in which tasks finish
differs between executors; the runner puts results back in a fixed order, so
the tables written are the same whatever the executor and the number of jobs.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection
from typing import Any


def available_cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message says how to install it."""


class Executor(ABC):
    """Runs tasks and hands back their results as they complete."""

    jobs: int = 1

    @abstractmethod
    def submit(self, function: Callable[..., Any], *args: Any) -> Any:
        """Start ``function(*args)``; return a handle for ``wait_any`` and ``result``."""

    @abstractmethod
    def wait_any(self, handles: Collection[Any]) -> set[Any]:
        """Block until at least one of ``handles`` has finished; return the finished ones."""

    def result(self, handle: Any) -> Any:
        """The value returned by a finished task (its exception is raised here)."""
        return handle.result()

    def close(self) -> None:  # noqa: B027 (nothing to release by default)
        """Release workers and connections."""

    @abstractmethod
    def describe(self) -> str:
        """A short description for the manifest, e.g. ``processes (4 jobs)``."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Deferred:
    """A task of the serial executor: run when it is waited for."""

    def __init__(self, order: int, function: Callable[..., Any], args: tuple):
        self.order = order
        self._call = (function, args)
        self._value: Any = None

    def run(self) -> None:
        function, args = self._call
        self._value = function(*args)

    def result(self) -> Any:
        return self._value


class SerialExecutor(Executor):
    """Runs each task in this process, in the order submitted (``--jobs 1``)."""

    def __init__(self) -> None:
        self._submitted = 0

    def submit(self, function: Callable[..., Any], *args: Any) -> _Deferred:
        self._submitted += 1
        return _Deferred(self._submitted, function, args)

    def wait_any(self, handles: Collection[_Deferred]) -> set[_Deferred]:
        first = min(handles, key=lambda handle: handle.order)
        first.run()
        return {first}

    def describe(self) -> str:
        return "serial (1 job)"


class ProcessExecutor(Executor):
    """A pool of ``jobs`` worker processes on this machine (``--jobs N``).

    On Linux the workers are forked, so a script needs no
    ``if __name__ == "__main__":`` guard and workers start at once; elsewhere
    they are spawned (Python's default there), and a script calling
    ``sim.run`` must guard its top level as usual for multiprocessing.
    """

    def __init__(self, jobs: int):
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        self.jobs = jobs
        self._pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=jobs, mp_context=multiprocessing.get_context(method)
        )

    def submit(self, function: Callable[..., Any], *args: Any) -> concurrent.futures.Future:
        return self._pool.submit(function, *args)

    def wait_any(self, handles: Collection[concurrent.futures.Future]) -> set:
        done, _ = concurrent.futures.wait(handles, return_when=concurrent.futures.FIRST_COMPLETED)
        return set(done)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def describe(self) -> str:
        return f"processes ({self.jobs} jobs)"


class DaskExecutor(Executor):
    """Tasks on a Dask cluster: a scheduler address, or ``"local"`` for a LocalCluster.

    Needs the optional extra: ``pip install idsim[dask]``. Every worker must be
    able to import the same version of idsim.

    Args:
        address: ``tcp://host:8786`` of a running scheduler, or ``"local"``.
        jobs: workers of a local cluster (default: every core).
        processes: local workers as processes (True) or threads of this process.
    """

    def __init__(self, address: str, jobs: int | None = None, processes: bool = True):
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:
            raise MissingExtra(
                "running on Dask needs the optional extra: pip install 'idsim[dask]'"
            ) from error
        self._cluster = None
        if address == "local":
            self._cluster = LocalCluster(
                n_workers=jobs or available_cores(),
                threads_per_worker=1,
                processes=processes,
                dashboard_address=None,
            )
            self._client = Client(self._cluster)
        else:
            self._client = Client(address)
        self.address = address
        self.jobs = max(1, sum(self._client.nthreads().values()))

    def submit(self, function: Callable[..., Any], *args: Any) -> Any:
        return self._client.submit(function, *args, pure=False)

    def wait_any(self, handles: Collection[Any]) -> set:
        from distributed import wait

        done, _ = wait(list(handles), return_when="FIRST_COMPLETED")
        return set(done)

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def describe(self) -> str:
        return f"dask {self.address} ({self.jobs} workers)"


def make_executor(jobs: int | None = None, dask: str | None = None, tasks: int = 0) -> Executor:
    """The executor for ``--jobs`` and ``--dask``.

    Args:
        jobs: worker processes (default: every core); 1 runs in this process.
        dask: a Dask scheduler address or ``"local"``; takes precedence over a pool.
        tasks: how many tasks there will be, if known: no more workers are started.
    """
    if dask:
        return DaskExecutor(dask, jobs)
    jobs = available_cores() if jobs is None else jobs
    if tasks:
        jobs = min(jobs, tasks)
    return SerialExecutor() if jobs <= 1 else ProcessExecutor(jobs)
