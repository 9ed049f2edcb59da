"""The ``scorehouse`` command. Each sub-command parses, calls the library, and prints."""

from __future__ import annotations

from pathlib import Path

import click

from scorehouse.cli.compile_cmd import compile_command
from scorehouse.cli.context import Context
from scorehouse.cli.demo_cmd import demo_command
from scorehouse.cli.demo_data_cmd import demo_data_command
from scorehouse.cli.export_cmd import export_command
from scorehouse.cli.init_cmd import init_command
from scorehouse.cli.lifecycle_cmds import COMMANDS as LIFECYCLE_COMMANDS
from scorehouse.cli.monitor_cmds import COMMANDS as MONITOR_COMMANDS
from scorehouse.cli.report_cmd import report_command
from scorehouse.cli.uplift_cmd import uplift_command
from scorehouse.errors import ScorehouseError


class ScorehouseGroup(click.Group):
    """Show a ScorehouseError as a one-line message instead of a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except ScorehouseError as error:
            raise click.ClickException(str(error)) from error


@click.group(cls=ScorehouseGroup)
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The dbt project folder (default: the working directory or a folder above it).",
)
@click.option(
    "--target", "-t", default=None, help="The dbt target to use (default: the profile's)."
)
@click.option(
    "--profiles-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder with profiles.yml (default: as dbt looks it up, then profiles.example.yml).",
)
@click.version_option(package_name="scorehouse")
@click.pass_context
def cli(
    ctx: click.Context, project_dir: Path | None, target: str | None, profiles_dir: Path | None
):
    """scorehouse: train scikit-learn models, compile them to SQL, score them with dbt."""
    ctx.obj = Context(project_dir, target, profiles_dir)


for command in (
    compile_command,
    demo_data_command,
    demo_command,
    export_command,
    init_command,
    *LIFECYCLE_COMMANDS,
    *MONITOR_COMMANDS,
    report_command,
    uplift_command,
):
    cli.add_command(command)
