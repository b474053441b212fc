"""How a replication's process uses the machine: freed memory kept for reuse, one BLAS thread.

Memory. A national run's numpy temporaries are megabytes each. glibc's malloc
hands a block above its mmap threshold back to the kernel as soon as it is
freed, so the next temporary of that size is faulted in and zeroed again, page
by page: matching a national month's queries made over five million page faults
that way and spent a fifth of its time in the kernel. Raising the threshold to
glibc's ceiling (32 MiB on 64-bit systems) and the trim threshold to 1 GiB keeps
such blocks in the heap for the next temporary. Elsewhere than glibc nothing
changes.

Threads. Replications run in parallel as processes (``--jobs``), one per core.
The only multi-threaded step, a small matrix product in comparing records, gains
nothing from more threads: BLAS threads that wait by spinning took more CPU
than the product itself, and take it from the process next to them. So a
replication runs with one (matching a national month's queries: 170 s of CPU
instead of 245 s, measured).
"""

from __future__ import annotations

import ctypes
import functools
import sys

from threadpoolctl import threadpool_limits

M_TRIM_THRESHOLD = -1  # mallopt parameters, from glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_CEILING = 32 * 1024 * 1024
TRIM_THRESHOLD = 1024 * 1024 * 1024


def one_blas_thread() -> threadpool_limits:
    """A context in which BLAS runs on one thread (the previous limits come back after)."""
    return threadpool_limits(1, user_api="blas")


@functools.cache
def keep_freed_memory() -> bool:
    """Have glibc's malloc keep freed blocks for reuse, once per process; whether it could."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_CEILING)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
