"""The `massage-evidence` command: a thin layer over the library.

Each command parses its options, calls the library and returns an exit status:
0 no failing finding, 1 failing findings, 2 usage error, unreadable input or internal failure.
Heavy modules are imported inside the commands so that `--version` and `validate` start fast.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .limits import DEFAULT_LIMITS, MAX_SAFE_DEPTH

if TYPE_CHECKING:
    from .config import Config
    from .limits import Limits

PROG = "massage-evidence"
DEFAULT_CLAIMS = Path("data/claims.yaml")
FINDING_FORMATS = ("text", "json")
_INPUT_OPTIONS = "massage_evidence.input_options"

_Command = TypeVar("_Command", bound=Callable[..., Any])


def input_options(command: _Command) -> _Command:
    """Add the options that bound what a command reads; `_input_policy` collects them.

    Why: every command that loads a claims file takes the same limits, and a command
    line that sets them must win over pyproject.toml (which a pull request can change).
    """
    limits = DEFAULT_LIMITS
    options = (
        (
            "--max-file-size",
            str,
            "SIZE",
            "Refuse input files larger than SIZE: bytes, or e.g. 256MiB."
            f" [default: {limits.max_file_bytes // 2**20}MiB]",
        ),
        (
            "--max-yaml-nodes",
            int,
            "N",
            "Refuse a claims file that expands to more than N YAML values, aliases"
            f" included. [default: {limits.max_yaml_nodes}]",
        ),
        (
            "--max-depth",
            int,
            "N",
            f"Refuse YAML nested deeper than N levels (N up to {MAX_SAFE_DEPTH})."
            f" [default: {limits.max_depth}]",
        ),
        (
            "--max-items",
            int,
            "N",
            f"Refuse more than N claims, or N bibliography entries. [default: {limits.max_items}]",
        ),
    )
    command = click.option(
        "--allow-outside-root/--no-allow-outside-root",
        default=None,
        expose_value=False,
        callback=_remember,
        help="Read documents and bibliographies outside the claims file's repository"
        " (trusted claims files only). [default: no]",
    )(command)
    for name, kind, metavar, text in reversed(options):
        command = click.option(
            name, type=kind, metavar=metavar, expose_value=False, callback=_remember, help=text
        )(command)
    return command


def _remember(context: click.Context, parameter: click.Parameter, value: object) -> None:
    if value is not None and parameter.name is not None:
        context.meta.setdefault(_INPUT_OPTIONS, {})[parameter.name] = value


def _input_policy(config: Config) -> tuple[Limits, bool]:
    """The limits and the outside-root permission: the command line's, else the config's."""
    given = dict(click.get_current_context().meta.get(_INPUT_OPTIONS, {}))
    allow = bool(given.pop("allow_outside_root", config.allow_outside_root))
    settings = {name.replace("_", "-"): value for name, value in given.items()}
    return config.limits.override(settings, origin="--{}"), allow


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="massage-evidence", prog_name=PROG)
def cli() -> None:
    """Tie health claims to the research on them, grade the evidence, and check it in CI."""


@cli.command()
@click.argument("claims", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FINDING_FORMATS),
    default="text",
    show_default=True,
    help="How to print findings.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Run only these rules: codes, code prefixes or names, comma-separated.",
)
@click.option(
    "--ignore", multiple=True, metavar="CODES", help="Skip these rules (same forms as --select)."
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the findings to FILE instead of standard output.",
)
@input_options
def validate(
    claims: Path | None,
    fmt: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    strict: bool,
    output: Path | None,
) -> int:
    """Run every rule on CLAIMS and report the findings.

    CLAIMS defaults to `claims` under [tool.massage-evidence] in the nearest
    pyproject.toml, else to data/claims.yaml. The same table may set `select`,
    `ignore`, `strict`, the limits and `allow-outside-root`; options given here win.
    """
    from .findings import Severity
    from .formats import FORMATTERS
    from .validation import Selection, check_with_inputs

    path, config = _claims_and_config(claims)
    selection = Selection.of(select or config.select, ignore or config.ignore, origin="--{}")
    limits, allow = _input_policy(config)
    checked = check_with_inputs(path, selection=selection, limits=limits, allow_outside_root=allow)
    findings = checked.findings
    _emit(FORMATTERS[fmt](findings), output, checked.inputs)
    failing = {Severity.ERROR, Severity.WARNING} if strict or config.strict else {Severity.ERROR}
    return 1 if any(f.severity in failing for f in findings) else 0


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json", "markdown")),
    default="text",
    show_default=True,
    help="text: one line per rule; markdown: the reference page docs/rules.md.",
)
def rules(fmt: str) -> int:
    """List every rule: code, name, severity and what it finds."""
    from .ruledocs import rules_json, rules_markdown, rules_text

    click.echo(
        {"text": rules_text, "json": rules_json, "markdown": rules_markdown}[fmt](), nl=False
    )
    return 0


def _claims_and_config(claims: Path | None) -> tuple[Path, Config]:
    """The claims file to use and the settings that apply to it.

    The nearest pyproject.toml is searched upward from the claims file's folder when
    CLAIMS is given, else from the current folder.
    """
    from .config import find_config

    config = find_config(claims.parent if claims is not None else Path.cwd())
    path = claims or config.claims or DEFAULT_CLAIMS
    if not path.exists():
        raise click.UsageError(f"claims file {str(path)!r} does not exist")
    if path.is_dir():
        raise click.UsageError(f"claims file {str(path)!r} is a folder")
    return path, config


def _emit(text: str, output: Path | None, inputs: Sequence[str] = ()) -> None:
    """Print `text`, or write it atomically to `output`, never over one of `inputs`."""
    if output is None:
        click.echo(text, nl=False)
        return
    from .atomic import write_atomic

    write_atomic(output, text, inputs=inputs)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status instead of exiting."""
    from .errors import MassageEvidenceError

    try:
        status = cli.main(
            list(argv) if argv is not None else None, prog_name=PROG, standalone_mode=False
        )
    except click.exceptions.NoArgsIsHelpError as error:
        click.echo(error.ctx.get_help(), err=True)
        return 2
    except click.ClickException as error:
        click.echo(f"{PROG}: error: {error.format_message()}", err=True)
        return 2
    except MassageEvidenceError as error:
        click.echo(f"{PROG}: error: {error}", err=True)
        return 2
    except click.Abort:
        click.echo(f"{PROG}: aborted", err=True)
        return 2
    except Exception:  # a bug: say so, keep the traceback for the report, exit 2 not 1
        click.echo(f"{PROG}: internal error, please report it with this output:", err=True)
        traceback.print_exc()
        return 2
    return status if isinstance(status, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
