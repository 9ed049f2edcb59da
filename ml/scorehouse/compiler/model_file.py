"""Read a saved scikit-learn model (joblib or pickle file) for compilation.

Unpickling runs code the file names: load only model files you trust, such as the ones
``scorehouse train`` writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scorehouse.errors import ScorehouseError


def load_estimator(path: str | Path) -> Any:
    """The fitted estimator saved in ``path`` by ``joblib.dump`` or ``pickle.dump``."""
    import joblib  # reads plain pickle files too

    path = Path(path)
    if not path.is_file():
        raise ScorehouseError(f"model file {path} does not exist")
    try:
        estimator = joblib.load(path)
    except (ModuleNotFoundError, AttributeError) as error:
        raise ScorehouseError(
            f"model file {path} needs code that is not installed here ({error}); "
            "compile it where the model was trained"
        ) from error
    except Exception as error:  # unpickling fails in many ways on a damaged file
        raise ScorehouseError(
            f"model file {path} is not a readable joblib or pickle file "
            f"({type(error).__name__}: {error})"
        ) from error
    if not (
        callable(getattr(estimator, "fit", None)) and callable(getattr(estimator, "predict", None))
    ):
        raise ScorehouseError(
            f"model file {path} holds a {type(estimator).__name__}, not a scikit-learn estimator"
        )
    return estimator
