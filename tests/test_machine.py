"""How a replication's process uses the machine (sim.machine)."""

import platform

from threadpoolctl import threadpool_info

from sim.machine import keep_freed_memory, one_blas_thread


def _blas_threads() -> list[int]:
    return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]


def test_blas_runs_on_one_thread_inside_and_as_before_after():
    before = _blas_threads()
    with one_blas_thread():
        assert all(threads == 1 for threads in _blas_threads())
    assert _blas_threads() == before


def test_freed_memory_is_kept_where_the_c_library_is_glibc():
    assert keep_freed_memory() == (
        platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    )
