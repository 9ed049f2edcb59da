"""SQL literals whose value and type survive every dialect exactly.

A decimal literal like ``0.94`` is DECIMAL in DuckDB, PostgreSQL and Spark: slow in sums and
rounded twice on its way to DOUBLE. Numbers are therefore written in exponent form, which
those engines read as DOUBLE through a correctly rounded parse, and wrapped in a cast to
DOUBLE. The renderer drops the cast again for dialects where the exponent form already is a
DOUBLE (see ``render.py``), so only PostgreSQL keeps it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sqlglot import exp

DOUBLE = exp.DataType.build("double")
TEXT = exp.DataType.build("text")
# A threshold of ±inf is written as the largest double: what a comparison with it decides
# differs only for an infinite input, which the trees that compare with it handle apart
# (trees/case.py, trees/walk.py) or never get (scikit-learn refuses it).
MAX_DOUBLE = float(np.finfo(np.float64).max)
# The least double that float32 rounds to infinity (2**128 - 2**103, halfway between the
# largest float32 and 2**128, rounded to even): scikit-learn's trees cast their input to
# float32 and refuse a row where that gives an infinity.
FLOAT32_OVERFLOW = 2.0**128 - 2.0**103
# The texts of the IEEE special values in a cast from text to DOUBLE; render.py rewrites
# them for engines that spell them otherwise.
SPECIAL_TEXTS = {"NaN", "Infinity", "-Infinity"}


def number_text(value: float) -> str:
    """The shortest text that round-trips ``value``, always with an exponent."""
    value = float(value)
    if math.isnan(value):
        raise ValueError("NaN has no SQL literal; use NULL")
    if math.isinf(value):
        value = math.copysign(MAX_DOUBLE, value)
    text = repr(value)
    return text if "e" in text else text + "e0"


def double(value: float) -> exp.Expression:
    """A DOUBLE literal equal to ``value`` bit for bit."""
    text = number_text(value)
    # built directly: Literal.number() would re-format the text and drop the exponent
    number: exp.Expression = exp.Literal(this=text.lstrip("-"), is_string=False)
    if text.startswith("-"):
        number = exp.Neg(this=number)
    return exp.Cast(this=number, to=DOUBLE.copy())


def special(value: float) -> exp.Expression:
    """NaN, +inf or -inf as a DOUBLE: ``CAST('Infinity' AS DOUBLE)`` (see render.py)."""
    if math.isnan(value):
        text = "NaN"
    elif math.isinf(value):
        text = "Infinity" if value > 0 else "-Infinity"
    else:
        raise ValueError(f"{value!r} is a finite number: use double()")
    return exp.Cast(this=exp.Literal.string(text), to=DOUBLE.copy())


def is_special_literal(node: exp.Expression) -> bool:
    return (
        isinstance(node, exp.Cast)
        and node.to.this == exp.DataType.Type.DOUBLE
        and isinstance(node.this, exp.Literal)
        and node.this.is_string
        and node.this.this in SPECIAL_TEXTS
    )


def is_double_literal(node: exp.Expression) -> bool:
    if not isinstance(node, exp.Cast) or node.to.this != exp.DataType.Type.DOUBLE:
        return False
    inner = node.this.this if isinstance(node.this, exp.Neg) else node.this
    return isinstance(inner, exp.Literal) and not inner.is_string


def value(v: Any) -> exp.Expression:
    """A literal for a class label or a category: string, integer, boolean or double."""
    if isinstance(v, (bool, np.bool_)):
        return exp.Boolean(this=bool(v))
    if isinstance(v, (int, np.integer)):
        return exp.Literal.number(int(v))
    if isinstance(v, (float, np.floating)):
        return exp.Null() if math.isnan(v) else double(float(v))
    if v is None:
        return exp.Null()
    return exp.Literal.string(str(v))


def float32_cut(threshold: float) -> float:
    """The DOUBLE cut point ``c`` with ``x <= c`` exactly when ``float32(x) <= threshold``.

    scikit-learn's trees cast their input to float32 before comparing it with a float64
    threshold. Rounding to float32 is monotone, so the set of doubles that pass is a
    half-line ending at the largest double that rounds (to nearest, ties to even) onto the
    largest float32 ``m`` with ``m <= threshold``.
    """
    f32 = np.float32
    m = f32(threshold)
    if float(m) > threshold:
        m = np.nextafter(m, f32(-np.inf))
    if np.isinf(m):
        return MAX_DOUBLE if m > 0 else -MAX_DOUBLE
    above = np.nextafter(m, f32(np.inf))
    if np.isinf(above):  # m is the largest float32: every finite input passes
        return MAX_DOUBLE
    midpoint = (float(m) + float(above)) / 2.0  # exact: a float32 midpoint fits in a double
    mantissa_even = int(np.array(m, dtype=np.float32).view(np.uint32)) % 2 == 0
    return midpoint if mantissa_even else float(np.nextafter(midpoint, -np.inf))
