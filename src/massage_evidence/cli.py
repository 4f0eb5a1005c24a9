"""The `massage-evidence` command: a thin layer over the library.

Each command parses its options, calls the library and returns an exit status:
0 no failing finding, 1 failing findings, 2 usage error, unreadable input or internal failure.
Heavy modules are imported inside the commands so that `--version` and `validate` start fast.
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .config import Config
    from .findings import Finding
    from .models import Corpus

PROG = "massage-evidence"
DEFAULT_CLAIMS = Path("data/claims.yaml")
FINDING_FORMATS = ("text", "json")


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
    `ignore` and `strict`; options given here win.
    """
    from .findings import Severity
    from .formats import FORMATTERS
    from .validation import Selection, check

    path, config = _claims_and_config(claims)
    selection = Selection.of(select or config.select, ignore or config.ignore, origin="--{}")
    findings = check(path, selection=selection)
    _emit(FORMATTERS[fmt](findings), output)
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


EXPORT_FORMATS = ("json", "web-annotation", "claimreview", "scifact")


@cli.command()
@click.argument("claims", required=False, type=click.Path(path_type=Path))
@click.option(
    "--to", "fmt", type=click.Choice(EXPORT_FORMATS), required=True, help="The export format."
)
@click.option(
    "--url",
    metavar="URL",
    help="claimreview: where the evidence report is published; each review links to"
    " URL#claim-id (required by Google).",
)
@click.option(
    "--author", metavar="NAME", help="claimreview: the organisation publishing the reviews."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the export to FILE instead of standard output.",
)
def export(
    claims: Path | None, fmt: str, url: str | None, author: str | None, output: Path | None
) -> int:
    """Export CLAIMS for other tools: the corpus as JSON, W3C Web Annotations,
    schema.org ClaimReview or SciFact JSON Lines.

    A corpus with error findings (those that `validate` fails on, after the `select`
    and `ignore` of [tool.massage-evidence]) is not exported: its findings go to
    standard error and the exit status is 1.
    """
    from . import exporting
    from .findings import Severity
    from .validation import Selection, validate

    make: Callable[[Corpus], str]
    if fmt == "claimreview":
        if url is None:
            raise click.UsageError("--to claimreview needs --url, where the report is published")
        make = functools.partial(exporting.export_claimreview, url=url, author=author)
    elif url is not None or author is not None:
        raise click.UsageError("--url and --author apply to --to claimreview only")
    else:
        make = {
            "json": exporting.export_json,
            "web-annotation": exporting.export_web_annotation,
            "scifact": exporting.export_scifact,
        }[fmt]
    path, config = _claims_and_config(claims)
    corpus = _loaded(path)
    if corpus is None:
        return 1
    findings = validate(corpus, selection=Selection.of(config.select, config.ignore))
    if any(f.severity is Severity.ERROR for f in findings):
        _report_findings(findings)
        return 1
    _emit(make(corpus), output)
    return 0


@cli.command()
def schema() -> int:
    """Print the JSON Schema of claims.yaml, for editor completion and checks."""
    from .exporting import export_schema

    click.echo(export_schema(), nl=False)
    return 0


@cli.command()
@click.argument(
    "old", metavar="OLD_CLAIMS", type=click.Path(path_type=Path, exists=True, dir_okay=False)
)
@click.argument(
    "new", metavar="NEW_CLAIMS", type=click.Path(path_type=Path, exists=True, dir_okay=False)
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("md", "json")),
    default="md",
    show_default=True,
    help="md: GitHub-flavoured Markdown for a pull-request comment.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the diff to FILE instead of standard output.",
)
def diff(old: Path, new: Path, fmt: str, output: Path | None) -> int:
    """Show what changed in the evidence from OLD_CLAIMS to NEW_CLAIMS: claims added and
    removed, certainty and verdict changes, stance changes, references added and removed,
    and anchors the new documents no longer contain.

    The exit status is 0 whenever both versions load, changes or not (gate on `validate`);
    1 when either cannot be loaded, with its findings on standard error.
    """
    from .diffing import diff_corpora, diff_json, diff_markdown

    before, after = _loaded(old), _loaded(new)
    if before is None or after is None:
        return 1
    changes = diff_corpora(before, after)
    _emit(diff_markdown(changes) if fmt == "md" else diff_json(changes), output)
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


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from .atomic import write_atomic

    write_atomic(output, text)


def _loaded(path: Path) -> Corpus | None:
    """The corpus at `path`, or None after printing the findings that stop loading it to
    standard error, as `validate` prints them."""
    from .errors import LoadError
    from .loading import load

    try:
        return load(path)
    except LoadError as error:
        _report_findings(error.findings)
        return None


def _report_findings(findings: list[Finding]) -> None:
    from .formats import as_text

    click.echo(as_text(findings), err=True, nl=False)


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
