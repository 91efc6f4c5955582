"""The numeric libraries' thread pools, sized for answering messages as they come.

numpy and FAISS each load OpenBLAS with a thread per core. Their products here are small (a few
question vectors against a few thousand rows), too small to gain from splitting, and an OpenBLAS
thread spins for about a tenth of a second after each one: it held a core the embedding model
and the rest of the answer needed (an answer took about twice as long), and an idle bot burnt a
core. The embedding model keeps its own pool (bot/embedding/onnx_encoder.py), whose threads stop
spinning when a call returns.
"""

from __future__ import annotations


def one_blas_thread() -> None:
    """Limit every OpenBLAS loaded so far (numpy's, FAISS's) to the calling thread."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
