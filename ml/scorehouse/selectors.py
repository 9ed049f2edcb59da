"""The dbt selectors of scorehouse's stages, in one place.

The package's models are selected by their fully qualified names (``scorehouse.<folder>``),
which hold wherever the package is installed; the generated scoring models by the folder
of the project they are written to (var ``scorehouse_generated_dir``).
"""

from __future__ import annotations

from collections.abc import Iterable

from scorehouse.project import Project

MONITORING = "scorehouse.monitoring"
UPLIFT = "scorehouse.uplift"
SEGMENTS = "scorehouse.segments"
# a test of a selected input that also reads an unselected model (a relationships test) is
# left out, not run against whatever that model holds
CAUTIOUS = ("--indirect-selection", "cautious")


def features(relations: Iterable[str]) -> tuple[str, ...]:
    """The relations the models train on and score, everything upstream, and their tests."""
    return ("--select", *[f"+{r}" for r in sorted(set(relations))], *CAUTIOUS)


def generated(project: Project) -> str:
    """The generated scoring models of ``project`` (and their tests)."""
    return f"path:{project.generated_dir.relative_to(project.root).as_posix()}"


def scoring(project: Project) -> tuple[str, ...]:
    """The scoring models and what dbt orders after them. The monitoring models read the
    score histories by name, not by ref(): build them in a run of their own, after these."""
    return ("--select", f"{generated(project)}+")


def _inputs(project: Project, *names: str) -> list[str]:
    """The relations the project names in the input-contract vars ``names``."""
    return [str(project.var(name)) for name in names if project.var(name)]


def segments(project: Project) -> tuple[str, ...]:
    """The segments and the inputs they read (contacts, conversions), rebuilt with them.
    Not what those inputs read in turn: on PostgreSQL, rebuilding a relation drops the
    views over it that the run does not rebuild."""
    inputs = _inputs(project, "scorehouse_contacts", "scorehouse_conversions")
    return ("--select", SEGMENTS, *inputs, *CAUTIOUS)


def uplift(project: Project) -> tuple[str, ...]:
    """The uplift models and the inputs they read (campaigns, assignments); the segments
    they read too follow scoring in a step of their own."""
    inputs = _inputs(project, "scorehouse_campaigns", "scorehouse_campaign_assignments")
    return ("--select", UPLIFT, *inputs, *CAUTIOUS)


def uplift_enabled(project: Project) -> bool:
    """Whether the project builds the uplift models (macros/inputs/_enabled.sql)."""
    return bool(project.var("scorehouse_campaigns") or project.var("scorehouse_contacts"))


def monitoring() -> tuple[str, ...]:
    return ("--select", MONITORING)
