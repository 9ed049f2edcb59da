"""What a training run leaves on disk: the fitted pipeline, its ONNX export, the compiled
SQL, the reference distributions and the metadata, hashed for lineage.

A version's files live in ``artifacts/<warehouse id>/<model>/v<N>``: the warehouse id is
drawn once per warehouse and kept in its registry (``ml_warehouse``), so two targets, or a
warehouse recreated from scratch, never share or overwrite each other's folders. The
registry records the folder relative to the project (a moved or copied project reads its
own files) and a digest of every file in it; the files are checked against that digest
before a version is compiled or promoted. A run is staged in ``artifacts/.staging/`` and
moved into place when it registers; what a killed run left there is removed by the next.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import uuid
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from scorehouse.errors import ScorehouseError
from scorehouse.metrics.reference import Bin
from scorehouse.spec import Spec

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


STAGING = ".staging"


def artifact_root(project_root: Path) -> Path:
    return project_root / "artifacts"


def version_dir(project_root: Path, warehouse_id: str, model: str, version: int) -> Path:
    """Where version ``version`` of ``model`` of warehouse ``warehouse_id`` lives."""
    root = artifact_root(project_root)
    folder = root / warehouse_id / model / f"v{int(version)}"
    _check_inside(folder, root)
    return folder


def _check_inside(folder: Path, root: Path) -> None:
    """Names are checked where they are declared; this keeps a path from leaving the
    artifacts folder whatever reaches it."""
    if not folder.resolve().is_relative_to(root.resolve()):
        raise ScorehouseError(f"refusing to use {folder}: it is outside {root}")


def relative(folder: Path, project_root: Path) -> str:
    """``folder`` as the registry records it: relative to the project, with ``/``."""
    return folder.relative_to(project_root).as_posix()


def new_staging_dir(project_root: Path) -> Path:
    """A fresh folder for one training run's files, named after this process."""
    staging = artifact_root(project_root) / STAGING
    remove_abandoned_staging(staging)
    return staging / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"


def remove_abandoned_staging(staging: Path) -> list[Path]:
    """Remove the staging folders of processes that no longer run (killed mid-training)."""
    removed = []
    if not staging.is_dir():
        return removed
    for folder in staging.iterdir():
        pid_text = folder.name.split("-", 1)[0]
        if pid_text.isdigit() and _alive(int(pid_text)):
            continue  # a run in progress (this process's own included)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def folder_digest(folder: Path) -> str:
    """One SHA-256 over the name and content of every file in ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).hexdigest().encode() + b"\n")
    return digest.hexdigest()


def verified_dir(project_root: Path, row: dict[str, Any]) -> Path:
    """The folder of a registered version (a row of ml_model_versions), after checking that
    its files are the ones the registry recorded."""
    recorded = Path(str(row["artifact_dir"]))
    folder = recorded if recorded.is_absolute() else project_root / recorded
    what = f"{row['model_name']} v{row['version']}"
    if not folder.is_dir():
        raise ScorehouseError(
            f"the artifacts of {what} are missing: {folder} does not exist (the registry of "
            "this target points there; was the folder moved or deleted?)"
        )
    expected = row.get("artifact_hash")
    if expected:
        found = folder_digest(folder)
        if found != expected:
            raise ScorehouseError(
                f"the artifacts of {what} in {folder} are not the ones this warehouse "
                f"registered: the registry records digest {expected}, the files on disk give "
                f"{found}. Retrain the model, or restore the folder that belongs to this target"
            )
    return folder


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
