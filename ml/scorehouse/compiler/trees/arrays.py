"""Numbers as the text of a constant array: the one string literal a tree's thresholds,
values and child numbers are parsed from (how each engine splits and casts it is in
:mod:`scorehouse.compiler.render`, ``ARRAYS``).

Every number goes through the engine's string-to-DOUBLE cast, which rounds correctly in all
of the engines that take arrays, so the shortest round-trip text of a double (``repr``) is
read back to the same bits.
"""

from __future__ import annotations

import numpy as np


def integer_text(values: np.ndarray) -> str:
    return ",".join(map(str, np.asarray(values, dtype=np.int64).tolist()))


def double_text(values: np.ndarray) -> str:
    """Comma-separated shortest round-trip texts; ±inf as ``Infinity`` and ``-Infinity``,
    which every engine here reads back as a DOUBLE."""
    v = np.asarray(values, dtype=np.float64)
    if np.isnan(v).any():
        raise ValueError("NaN has no place in a tree's constants")
    return ",".join(_TEXTS.get(x) or repr(x) for x in v.tolist())


_TEXTS = {float("inf"): "Infinity", float("-inf"): "-Infinity"}
