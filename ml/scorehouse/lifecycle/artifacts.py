"""What a training run leaves on disk: the fitted pipeline, its ONNX export, the compiled
SQL, the reference distributions and the metadata, hashed for lineage."""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from scorehouse.errors import ScorehouseError
from scorehouse.lifecycle.reference import Bin
from scorehouse.lifecycle.spec import Spec

PIPELINE_FILE = "pipeline.joblib"
ONNX_FILE = "model.onnx"
SQL_FILE = "scoring.sql"
REFERENCE_FILE = "reference.json"
METADATA_FILE = "metadata.json"
LIBRARIES = (
    "scorehouse",
    "scikit-learn",
    "numpy",
    "pandas",
    "sqlglot",
    "duckdb",
    "dbt-core",
    "onnx",
    "skl2onnx",
)


def artifact_root(project_root: Path) -> Path:
    return project_root / "artifacts"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def frame_digest(frame: pd.DataFrame) -> str:
    """A hash of the training rows' values, independent of the row order they came in."""
    ordered = frame.sort_values(list(frame.columns[:2])).reset_index(drop=True)
    row_hashes = pd.util.hash_pandas_object(ordered, index=False).to_numpy()
    return hashlib.sha256(
        row_hashes.tobytes() + ",".join(map(str, frame.columns)).encode()
    ).hexdigest()


def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def git_commit(folder: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def onnx_export(estimator: Any, spec: Spec) -> bytes:
    """The fitted pipeline as ONNX (one input per feature column), checked by onnx.checker.

    Raises ScorehouseError when skl2onnx cannot convert a step.
    """
    import onnx
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import DoubleTensorType, StringTensorType

    inputs = [(c, DoubleTensorType([None, 1])) for c in spec.data.numeric]
    inputs += [(c, StringTensorType([None, 1])) for c in spec.data.categorical]
    options = {id(estimator): {"zipmap": False}} if spec.task == "binary" else None
    try:
        model = convert_sklearn(estimator, initial_types=inputs, options=options, target_opset=17)
        onnx.checker.check_model(model)
    except Exception as error:
        raise ScorehouseError(f"model {spec.name!r}: ONNX export failed: {error}") from error
    return model.SerializeToString()


def write_artifacts(
    folder: Path,
    estimator: Any,
    spec: Spec,
    sql: str,
    reference: list[Bin],
    meta: dict[str, Any],
) -> str | None:
    """Write every artifact. The ONNX export is an extra delivery format: when skl2onnx
    cannot convert the pipeline, the reason goes into the metadata (``onnx_error``) and the
    training still registers, since scoring runs from the compiled SQL."""
    folder.mkdir(parents=True, exist_ok=False)
    joblib.dump(estimator, folder / PIPELINE_FILE)
    try:
        (folder / ONNX_FILE).write_bytes(onnx_export(estimator, spec))
        meta = {**meta, "onnx_error": None}
    except ScorehouseError as error:
        meta = {**meta, "onnx_error": str(error)}
    (folder / SQL_FILE).write_text(sql + "\n")
    (folder / REFERENCE_FILE).write_text(json.dumps([asdict(b) for b in reference], indent=1))
    (folder / METADATA_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True, default=_json))
    return meta["onnx_error"]


def _json(value: Any) -> Any:
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    return str(value)


def load_pipeline(artifact_dir: str | Path) -> Any:
    path = Path(artifact_dir) / PIPELINE_FILE
    if not path.is_file():
        raise ScorehouseError(
            f"the model file {path} is missing: the artifacts folder was moved or deleted"
        )
    return joblib.load(path)
