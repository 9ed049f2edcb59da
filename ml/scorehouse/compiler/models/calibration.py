"""CalibratedClassifierCV: each fold's classifier, its calibrators, then the mean.

This follows ``_CalibratedClassifier.predict_proba`` and ``CalibratedClassifierCV.predict_proba``
of scikit-learn 1.9 step by step, so the arithmetic, and its rounding, is the same:

- the base classifier's response: ``decision_function``, else ``predict_proba`` (the
  positive column when binary), as ``_get_response_values`` reads it;
- one calibrator per response column: sigmoid ``expit(-(a_·f + b_))``, or isotonic
  ``np.interp`` over ``X_thresholds_``/``y_thresholds_`` after clipping ``f`` to their range;
- binary ``[1 - p, p]``; multiclass ``p / Σp`` (uniform when Σp is 0);
- values in (1, 1 + 1e-5] become 1;
- the mean over ``calibrated_classifiers_``, in order; label = the first largest mean.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlglot import exp

from scorehouse.compiler import heads, literals
from scorehouse.compiler.columns import Column, add, case, copied, div, is_null, left_sum, mul, sub
from scorehouse.compiler.context import Context, Prediction
from scorehouse.compiler.pipeline import translate_estimator
from scorehouse.errors import UnsupportedEstimatorError

# _CalibratedClassifier.predict_proba sets values in (1, 1 + 1e-5] to exactly 1.
CLIP_ABOVE_ONE = 1.0 + 1e-5


def calibrated_classifier_cv(model: Any, inputs: list[Column], ctx: Context) -> Prediction:
    if model.method not in ("sigmoid", "isotonic"):
        # temperature scaling decides per batch whether its input looks like probabilities
        raise UnsupportedEstimatorError(
            f"CalibratedClassifierCV(method={model.method!r}): scorehouse compiles the "
            "'sigmoid' and 'isotonic' methods"
        )
    classes = np.asarray(model.classes_)
    # Each fold's classifier reads the same inputs and each fold's probabilities are needed
    # for the mean: both are carried past the stages of the folds that follow.
    inputs = ctx.stage(inputs, "calibration_input")
    for column in inputs:
        ctx.query.carry(column)
    folds = []
    for fold in model.calibrated_classifiers_:
        probabilities = ctx.stage(_fold_probabilities(ctx, fold, inputs, classes), "calibrated")
        for column in probabilities:
            ctx.query.carry(column)
        folds.append(probabilities)
    n_folds = literals.double(float(len(folds)))
    mean = [
        Column(
            f"mean_{k}",
            div(left_sum([_clip_above_one(f[k].expr) for f in folds]), n_folds.copy()),
            numeric=True,
        )
        for k in range(len(classes))
    ]
    return heads.class_probabilities(mean, classes)


# Its folds' estimators stage and guard their own inputs (see dispatch.translate_model).
calibrated_classifier_cv.nested = True  # type: ignore[attr-defined]


def _fold_probabilities(
    ctx: Context, fold: Any, inputs: list[Column], classes: np.ndarray
) -> list[Column]:
    """One ``_CalibratedClassifier``'s probabilities, before the clip above 1."""
    base = _unfrozen(fold.estimator)
    # each fold gets its own references: a stage owns the expressions it is given
    own = [copied(c) for c in inputs]
    prediction = translate_estimator(ctx, base, own)
    if prediction.response is None:
        raise UnsupportedEstimatorError(
            f"{type(base).__name__} inside CalibratedClassifierCV: its response is not compiled"
        )
    responses = _as_columns(ctx, prediction.response(ctx.stage(prediction.values, "base")))
    index = {c: i for i, c in enumerate(classes.tolist())}
    n_classes = len(classes)
    raw = [literals.double(0.0) for _ in range(n_classes)]
    # zip() as in scikit-learn: a binary response has one column and one calibrator
    pairs = zip(base.classes_.tolist(), responses, fold.calibrators, strict=False)
    for cls, response, calibrator in pairs:
        position = index[cls] + 1 if n_classes == 2 else index[cls]
        raw[position] = _calibrate(calibrator, fold.method, response)
    if n_classes == 2:
        (p,) = ctx.stage([Column("calibrated_1", raw[1], numeric=True)], "calibrator")
        return [Column("p_0", sub(literals.double(1.0), p.expr.copy()), numeric=True), p]
    staged = ctx.stage(
        [Column(f"calibrated_{k}", r, numeric=True) for k, r in enumerate(raw)], "calibrator"
    )
    uniform = literals.double(1.0 / n_classes)
    out = []
    for k, p in enumerate(staged):
        total = numpy_sum([s.expr.copy() for s in staged])
        zero = exp.EQ(this=total.copy(), expression=literals.double(0.0))
        out.append(
            Column(
                f"p_{k}", case([(zero, uniform.copy())], div(p.expr.copy(), total)), numeric=True
            )
        )
    return out


def _unfrozen(estimator: Any) -> Any:
    """The estimator a FrozenEstimator (calibrating a prefit model) delegates to."""
    from sklearn.frozen import FrozenEstimator

    while isinstance(estimator, FrozenEstimator):
        estimator = estimator.estimator
    return estimator


def _as_columns(ctx: Context, responses: list[exp.Expression]) -> list[exp.Expression]:
    """Calibrators read their input several times: stage it unless it is a column already."""
    if all(isinstance(r, exp.Column) for r in responses):
        return responses
    staged = ctx.stage(
        [Column(f"response_{k}", r, numeric=True) for k, r in enumerate(responses)], "response"
    )
    return [s.expr for s in staged]


def _calibrate(calibrator: Any, method: str, f: exp.Expression) -> exp.Expression:
    if method == "sigmoid":
        # expit(-(a·f + b)): the sign flip is exact, so this is expit's own formula
        linear = add(
            mul(f.copy(), literals.double(float(calibrator.a_))),
            literals.double(float(calibrator.b_)),
        )
        return heads.expit(exp.Neg(this=exp.Paren(this=linear)))
    if method == "isotonic":
        return isotonic(calibrator, f)
    raise UnsupportedEstimatorError(f"CalibratedClassifierCV(method={method!r})")


def isotonic(calibrator: Any, f: exp.Expression) -> exp.Expression:
    """``IsotonicRegression(out_of_bounds='clip').predict`` as a balanced nested CASE.

    After clipping to [x_0, x_last], ``np.interp`` takes the last breakpoint j with
    x_j <= f and yields y_j at a breakpoint or at x_last, else
    ``slope_j * (f - x_j) + y_j`` with ``slope_j = (y_{j+1} - y_j) / (x_{j+1} - x_j)``.
    """
    if getattr(calibrator, "out_of_bounds", "clip") != "clip":
        raise UnsupportedEstimatorError(
            f"IsotonicRegression(out_of_bounds={calibrator.out_of_bounds!r}): "
            "scorehouse compiles 'clip'"
        )
    xs = np.asarray(calibrator.X_thresholds_, dtype=np.float64)
    ys = np.asarray(calibrator.y_thresholds_, dtype=np.float64)
    # regions[i] = (lowest f it covers, its value); the first region starts at -inf
    regions: list[tuple[float, exp.Expression, float | None]] = [
        (-np.inf, literals.double(ys[0]), float(ys[0]))
    ]
    for j in range(len(xs) - 1):
        if ys[j] == ys[j + 1]:
            regions.append((float(xs[j]), literals.double(ys[j]), float(ys[j])))
            continue
        slope = (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j])
        segment = add(
            mul(literals.double(slope), sub(f.copy(), literals.double(xs[j]))),
            literals.double(ys[j]),
        )
        regions.append((float(xs[j]), segment, None))
    regions.append((float(xs[-1]), literals.double(ys[-1]), float(ys[-1])))
    merged = [regions[0]]
    for region in regions[1:]:
        if region[2] is not None and region[2] == merged[-1][2]:
            continue  # the same constant as the region below: one region
        merged.append(region)
    return case([(is_null(f), exp.Null())], _search(f, merged, 0, len(merged) - 1))


def _search(
    f: exp.Expression, regions: list[tuple[float, exp.Expression, float | None]], lo: int, hi: int
) -> exp.Expression:
    """Binary search over regions lo..hi by their lower bounds: depth log2 of their number."""
    if lo == hi:
        return regions[lo][1].copy()
    mid = (lo + hi + 1) // 2
    below = exp.LT(this=f.copy(), expression=literals.double(regions[mid][0]))
    return case([(below, _search(f, regions, lo, mid - 1))], _search(f, regions, mid, hi))


def _clip_above_one(p: exp.Expression) -> exp.Expression:
    just_above = exp.And(
        this=exp.GT(this=p.copy(), expression=literals.double(1.0)),
        expression=exp.LTE(this=p.copy(), expression=literals.double(CLIP_ABOVE_ONE)),
    )
    return case([(just_above, literals.double(1.0))], p.copy())


def numpy_sum(terms: list[exp.Expression]) -> exp.Expression:
    """Σ terms in the order ``np.sum(a, axis=1)`` adds a row: numpy's pairwise summation.

    Below 8 terms it adds left to right; up to 128 it keeps 8 running sums, adds them
    pairwise and then the rest; beyond that it splits in two halves (a multiple of 8).
    """
    n = len(terms)
    if n < 8:
        return left_sum(terms)
    if n <= 128:
        partial = list(terms[:8])
        i = 8
        while i < n - n % 8:
            partial = [add(partial[k], terms[i + k]) for k in range(8)]
            i += 8
        pairs = [add(partial[k], partial[k + 1]) for k in (0, 2, 4, 6)]
        total = add(
            exp.Paren(this=add(pairs[0], pairs[1])), exp.Paren(this=add(pairs[2], pairs[3]))
        )
        for term in terms[i:]:
            total = add(total, term)
        return total
    half = n // 2
    half -= half % 8
    return add(numpy_sum(terms[:half]), numpy_sum(terms[half:]))
