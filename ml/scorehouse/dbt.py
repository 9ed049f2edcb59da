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

from scorehouse.engines import ENGINES
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

    # fail early and readably when another process holds the warehouse (dbt would say so
    # after a long traceback, or in Hive's words); afterwards release what dbt's adapter
    # keeps open in this process
    engine = ENGINES.get(target.type)
    if engine is not None:
        engine.check_free(target)
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
        if engine is not None:
            engine.after_dbt()
    seconds = time.perf_counter() - started
    nodes = _node_results(outcome.result)
    if not outcome.success:
        raise ScorehouseError(_failure_message(command, target, nodes, outcome.exception))
    return DbtRun(args=(command, *args), nodes=nodes, seconds=seconds)


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
            f"{reason} (the DuckDB file is locked by another process, e.g. a notebook, a "
            "running dbt or scorehouse: close it and try again)"
        )
    return reason
