"""Run dbt inside the scorehouse process, on the project and target scorehouse uses.

The project folder, profiles folder and target come from scorehouse's :class:`Target`, so
``scorehouse`` and a ``dbt`` run by hand read the same settings. A dbt command that fails
raises :class:`ScorehouseError` naming the nodes that failed, and why.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scorehouse.errors import ScorehouseError
from scorehouse.project import Target, dbt_profiles_dir

FAILED_STATUSES = frozenset({"error", "fail", "runtime error", "partial success"})
MAX_LISTED_FAILURES = 10
_HEADER = re.compile(r"^\w+ (Error|Warning)( in \w+ \S+ \(.*\))?$")


@dataclass(frozen=True)
class NodeResult:
    """What dbt did with one node (model, seed, test, unit test) of a run."""

    unique_id: str
    resource_type: str
    name: str
    schema: str | None
    relation_name: str | None
    materialized: str | None
    status: str
    message: str | None

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES

    @property
    def relation(self) -> str:
        """``schema.name`` of the relation the node built."""
        return f"{self.schema}.{self.relation_name}"


@dataclass(frozen=True)
class DbtRun:
    """The outcome of one successful dbt command."""

    args: tuple[str, ...]
    nodes: tuple[NodeResult, ...]
    seconds: float

    def relations(self, materialized: Sequence[str] = ("table", "incremental")) -> list[NodeResult]:
        """The models the run built with one of the ``materialized`` strategies."""
        return [
            node
            for node in self.nodes
            if node.resource_type == "model"
            and node.materialized in materialized
            and node.status == "success"
        ]

    def count(self, resource_type: str) -> int:
        return sum(1 for node in self.nodes if node.resource_type == resource_type)


def run_dbt(
    target: Target,
    command: str,
    *args: str,
    vars: Mapping[str, Any] | None = None,
    quiet: bool = False,
) -> DbtRun:
    """Run ``dbt <command> <args>`` on ``target``'s project, profile and target.

    ``vars`` are passed as ``--vars`` (JSON); ``quiet`` keeps dbt's progress lines off the
    terminal (errors are still shown).
    """
    from dbt.cli.main import dbtRunner

    _check_duckdb_unlocked(target)
    if target.type == "spark":
        from scorehouse.warehouse.spark import check_free

        check_free(target)  # dbt-spark would fail later, in Hive's words
    cli_args = [
        command,
        *args,
        "--project-dir",
        str(target.project_dir),
        "--profiles-dir",
        str(dbt_profiles_dir(target)),
        "--target",
        target.name,
    ]
    if vars:
        cli_args += ["--vars", json.dumps(dict(vars), default=str)]
    if quiet:
        cli_args.insert(0, "--quiet")
    started = time.perf_counter()
    # dbt-duckdb opens a relative `path` from the working directory, while scorehouse reads
    # it relative to the project: run dbt from the project so both mean the same file.
    try:
        with contextlib.chdir(target.project_dir):
            outcome = dbtRunner().invoke(cli_args)
    finally:
        _release_duckdb()
    seconds = time.perf_counter() - started
    nodes = _node_results(outcome.result)
    if not outcome.success:
        raise ScorehouseError(_failure_message(command, target, nodes, outcome.exception))
    return DbtRun(args=(command, *args), nodes=nodes, seconds=seconds)


def _check_duckdb_unlocked(target: Target) -> None:
    """Fail early, and readably, when another process holds the target's DuckDB file.

    dbt would report it only after a long traceback on the terminal.
    """
    if target.type != "duckdb":
        return
    import duckdb

    from scorehouse.warehouse import duckdb_path

    path = duckdb_path(target)
    if not path.is_file():
        return
    try:
        duckdb.connect(str(path)).close()
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise ScorehouseError(f"cannot run dbt: {_explain(str(error))}") from error
        raise
    except duckdb.Error:
        pass  # e.g. already open in this process with other settings: dbt will share it


def _release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a command.

    dbt-duckdb caches one connection per process and may hold it (and the file's lock)
    after the command returns. Closed here, the file is free for other processes at once,
    and the next command opens the file its own project names rather than reusing one whose
    relative path meant another folder.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # dbt-duckdb not installed: nothing to release
        return
    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if env is not None:
            env.close()


def _node_results(result: Any) -> tuple[NodeResult, ...]:
    """The per-node results of a run; empty for commands without any (parse, deps...)."""
    out = []
    for item in getattr(result, "results", None) or ():
        node = getattr(item, "node", None)
        if node is None:
            continue
        config = getattr(node, "config", None)
        out.append(
            NodeResult(
                unique_id=node.unique_id,
                resource_type=str(node.resource_type),
                name=node.name,
                schema=getattr(node, "schema", None),
                relation_name=getattr(node, "alias", None) or node.name,
                materialized=getattr(config, "materialized", None),
                status=str(item.status),
                message=item.message,
            )
        )
    return tuple(out)


def _failure_message(
    command: str, target: Target, nodes: Sequence[NodeResult], exception: BaseException | None
) -> str:
    where = f"dbt {command} on target {target.name!r} ({target.project_dir})"
    failed = [node for node in nodes if node.failed]
    if not failed:
        # The run stopped before any node: a project, profile or connection problem.
        reason = str(exception) if exception else "see the dbt output above"
        return f"{where} failed: {_explain(reason)}"
    lines = [f"{where} failed on {len(failed)} of {len(nodes)} nodes:"]
    for node in failed[:MAX_LISTED_FAILURES]:
        lines.append(f"  {node.resource_type} {node.name}: {_explain(_reason(node))}")
    if len(failed) > MAX_LISTED_FAILURES:
        lines.append(f"  ... and {len(failed) - MAX_LISTED_FAILURES} more (see logs/dbt.log)")
    return "\n".join(lines)


def _reason(node: NodeResult) -> str:
    """The telling line of a node's message, without dbt's "Runtime Error in model x" header."""
    lines = [line.strip() for line in (node.message or "").splitlines() if line.strip()]
    telling = [line for line in lines if not _HEADER.match(line)]
    return (telling or lines or [node.status])[0]


def _explain(reason: str) -> str:
    """dbt's message, with a hint for the one error users hit most: a locked DuckDB file."""
    if "could not set lock" in reason.lower():
        return (
            f"{reason} (the DuckDB file is held by another process, e.g. a notebook, a "
            "running dbt or scorehouse: close it and try again)"
        )
    return reason
