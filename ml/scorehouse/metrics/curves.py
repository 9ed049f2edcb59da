"""Qini and uplift curves of one ranking, as scikit-uplift defines them.

A local stand-in for the warehouse tables ``uplift_curves`` / ``uplift_ranking`` (built by
dbt from the scores in the warehouse), for data held in Python: the demo comparison of an
uplift model with the churn score and the RFM rule, and reports of data that never went
through dbt. The definitions are those of ``sklift.metrics``: ``qini_curve``,
``perfect_qini_curve``, ``qini_auc_score``, ``uplift_curve``, ``uplift_auc_score``.
"""

from __future__ import annotations

import numpy as np


def _cumulative(y: np.ndarray, score: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, ...]:
    """Targeted, treated, treated conversions and control conversions at each distinct score,
    best score first (stable order among ties, as sklift sorts)."""
    y, score, t = (np.asarray(a, dtype=np.float64) for a in (y, score, t))
    order = np.argsort(score, kind="mergesort")[::-1]
    y, score, t = y[order], score[order], t[order]
    ends = np.r_[np.flatnonzero(np.diff(score)), score.size - 1]
    n = ends + 1.0
    n_t = np.cumsum(t)[ends]
    y_t = np.cumsum(y * t)[ends]
    y_c = np.cumsum(y * (1 - t))[ends]
    return n, n_t, y_t, y_c


def _with_origin(x: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if x.size == 0 or values[0] != 0 or x[0] != 0:
        return np.r_[0.0, x], np.r_[0.0, values]
    return x, values


def qini_curve(y: np.ndarray, score: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Incremental conversions among the n best: y_t(n) - y_c(n)·n_t(n)/n_c(n)."""
    n, n_t, y_t, y_c = _cumulative(y, score, t)
    n_c = n - n_t
    ratio = np.divide(n_t, n_c, out=np.zeros_like(n_t), where=n_c != 0)
    return _with_origin(n, y_t - y_c * ratio)


def uplift_curve(y: np.ndarray, score: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rate_t(n) - rate_c(n))·n among the n best."""
    n, n_t, y_t, y_c = _cumulative(y, score, t)
    n_c = n - n_t
    rate_t = np.divide(y_t, n_t, out=np.zeros_like(y_t), where=n_t != 0)
    rate_c = np.divide(y_c, n_c, out=np.zeros_like(y_c), where=n_c != 0)
    return _with_origin(n, (rate_t - rate_c) * n)


def _perfect_qini(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """sklift's perfect Qini ranking: treated buyers first, control buyers last."""
    y, t = np.asarray(y, dtype=np.float64), np.asarray(t, dtype=np.float64)
    return y * t - y * (1 - t)


def _perfect_uplift(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """sklift's perfect uplift ranking: 2·[y = t], plus y when control buyers outnumber treated
    non-buyers, else plus t."""
    y, t = np.asarray(y), np.asarray(t)
    control_buyers = np.sum((y == 1) & (t == 0))
    treated_non_buyers = np.sum((y == 0) & (t == 1))
    return 2 * (y == t) + (y if control_buyers > treated_non_buyers else t)


def _normalised(curve, perfect, y: np.ndarray, score: np.ndarray, t: np.ndarray) -> float:
    x, values = curve(y, score, t)
    px, pvalues = curve(y, perfect(y, t), t)
    random = np.trapezoid([0.0, pvalues[-1]], [0.0, px[-1]])
    perfect = np.trapezoid(pvalues, px) - random
    return float((np.trapezoid(values, x) - random) / perfect)


def qini_auc_score(y: np.ndarray, score: np.ndarray, t: np.ndarray) -> float:
    """The Qini coefficient: the area between the Qini curve and the random line, over that
    of the perfect ranking (sklift's ``qini_auc_score`` with ``negative_effect=True``)."""
    return _normalised(qini_curve, _perfect_qini, y, score, t)


def uplift_auc_score(y: np.ndarray, score: np.ndarray, t: np.ndarray) -> float:
    """AUUC normalised the same way (sklift's ``uplift_auc_score``)."""
    return _normalised(uplift_curve, _perfect_uplift, y, score, t)


def true_qini(true_uplift: np.ndarray, score: np.ndarray) -> float:
    """The noise-free Qini of a ranking when each row's true uplift is known (simulated data):
    the area under the cumulative true uplift, above the random line, over the best ranking's."""
    truth = np.asarray(true_uplift, dtype=np.float64)

    def area(order: np.ndarray) -> float:
        return float(np.trapezoid(np.r_[0.0, np.cumsum(truth[order])]))

    random = truth.sum() * truth.size / 2.0
    best = area(np.argsort(-truth, kind="mergesort"))
    return (area(np.argsort(-np.asarray(score), kind="mergesort")) - random) / (best - random)


def uplift_by_decile(
    y: np.ndarray, score: np.ndarray, t: np.ndarray, bins: int = 10
) -> list[dict[str, float]]:
    """Observed uplift (treated rate - control rate) in each tenth of the ranking, best first,
    with a 95 % Wald interval."""
    y, t = np.asarray(y, dtype=np.float64), np.asarray(t, dtype=np.int64)
    order = np.argsort(-np.asarray(score, dtype=np.float64), kind="mergesort")
    rows = []
    for decile, part in enumerate(np.array_split(order, bins), start=1):
        treated, control = y[part][t[part] == 1], y[part][t[part] == 0]
        if len(treated) == 0 or len(control) == 0:
            continue
        rt, rc = treated.mean(), control.mean()
        se = np.sqrt(rt * (1 - rt) / len(treated) + rc * (1 - rc) / len(control))
        rows.append(
            {
                "decile": decile, "customers": len(part), "rate_treatment": rt,
                "rate_control": rc, "uplift": rt - rc, "uplift_ci_low": rt - rc - 1.96 * se,
                "uplift_ci_high": rt - rc + 1.96 * se,
            }
        )  # fmt: skip
    return rows
