"""Matrix products of the statistical models on numpy's BLAS, held to one thread.

thinc multiplies with blis by default. On this project's machines (AVX-512) numpy's OpenBLAS does
the products of en_core_web_sm's models (the tok2vec CNN, the transition models' precomputed
layer) about 1.8x faster: the NER over the bench's windows took 1.33-1.49 s CPU instead of
1.92-2.02 s, with the same entities on every window. OpenBLAS would use a thread per core; on a
busy machine (and with the batch's workers already one per core) that cost more CPU than it saved
(3.4 s), so every model pass runs inside ``one_blas_thread()``.

A model switched with ``use_numpy_matmul`` must run inside ``one_blas_thread()``.
"""
from __future__ import annotations

from contextlib import nullcontext
from functools import lru_cache

from spacy.language import Language


@lru_cache(maxsize=1)
def _blas():
    """numpy's BLAS controller, when ``threadpoolctl`` can hold it to one thread (else ``None``)."""
    from threadpoolctl import ThreadpoolController

    controller = ThreadpoolController()
    return controller if controller.select(user_api="blas").lib_controllers else None


def one_blas_thread():
    """A context in which numpy's BLAS runs on one thread (a no-op where it cannot be held)."""
    blas = _blas()
    return blas.limit(limits=1, user_api="blas") if blas is not None else nullcontext()


def use_numpy_matmul(nlp: Language, names: list[str] | None = None) -> None:
    """Give the layers of the components ``names`` (all, by default) thinc's ``NumpyOps`` without
    blis, so their products go to numpy's BLAS; only where that BLAS can be held to one thread.

    A transition model's output layer (``upper``) keeps blis: spaCy's C decoder multiplies it
    with blis whatever its ops say, and ``model.greedy_parse``, which multiplies it through its
    ops, must get the same scores bit for bit."""
    from thinc.api import NumpyOps

    if _blas() is None:
        return
    ops = NumpyOps(use_blis=False)
    for name in names if names is not None else nlp.pipe_names:
        model = getattr(nlp.get_pipe(name), "model", None)
        if model is None:
            continue
        upper = {id(node) for node in model.get_ref("upper").walk()} if model.has_ref("upper") else set()
        for node in model.walk():
            if isinstance(node.ops, NumpyOps) and id(node) not in upper:
                node.ops = ops
