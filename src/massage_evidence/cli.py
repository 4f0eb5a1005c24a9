"""The `massage-evidence` command: a thin layer over the library.

Each command parses its options, calls the library and returns an exit status:
0 no failing finding, 1 failing findings, 2 usage error, missing input or internal failure.
Heavy modules are imported inside the commands so that `--version` and `validate` start fast.
"""

from __future__ import annotations

import functools
import io
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .limits import DEFAULT_LIMITS, MAX_SAFE_DEPTH

if TYPE_CHECKING:
    from .cache import Cache
    from .config import Config
    from .limits import Limits
    from .models import Corpus

PROG = "massage-evidence"
DEFAULT_CLAIMS = Path("data/claims.yaml")
FINDING_FORMATS = ("text", "json", "github", "sarif", "junit")
_INPUT_OPTIONS = "massage_evidence.input_options"
_LONGEST_NAME = 255  # bytes in a file name on Linux, macOS and Windows file systems
_SETTINGS_FILES = "massage_evidence.settings_files"  # read by the run, so never an output

_Command = TypeVar("_Command", bound=Callable[..., Any])


def output_option(what: str) -> Callable[[_Command], _Command]:
    """`-o/--output FILE`: write `what` to FILE (atomically) instead of standard output."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, dir_okay=False),
        help=f"Write {what} to FILE instead of standard output.",
    )


def cache_option(instead: str) -> Callable[[_Command], _Command]:
    """`--no-cache`: do the work again `instead` of reusing the user cache's results."""
    return click.option("--no-cache", is_flag=True, help=f"{instead}.")


def _templates_read(context: click.Context, _: click.Parameter, value: Path | None) -> Path | None:
    if value is not None:
        _note_settings_files(context, *(path for path in value.rglob("*") if path.is_file()))
    return value


templates_option = click.option(
    "--templates",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    callback=_templates_read,
    help="Folder of templates that replace packaged ones by name.",
)


def _note_settings_files(context: click.Context, *paths: Path) -> None:
    """Remember files the run reads besides the corpus (pyproject.toml, templates)."""
    context.meta.setdefault(_SETTINGS_FILES, []).extend(str(path) for path in paths)


def _inputs(corpus_inputs: Sequence[str]) -> tuple[str, ...]:
    """Every file the run reads: `corpus_inputs` and the settings files noted."""
    noted = click.get_current_context().meta.get(_SETTINGS_FILES, [])
    return (*corpus_inputs, *noted)


def _count(value: str) -> int | str:
    """A whole number as written; anything else is left as text, for the limits to refuse
    in their own words (click's echo of the value would be as long as the value)."""
    text = value.strip()
    digits = text.lstrip("+-")
    return int(text) if digits.isascii() and digits.isdecimal() and len(text) <= 30 else text


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
            _count,
            "N",
            "Refuse a claims file that expands to more than N YAML values, aliases"
            f" included. [default: {limits.max_yaml_nodes}]",
        ),
        (
            "--max-depth",
            _count,
            "N",
            f"Refuse YAML nested deeper than N levels (N up to {MAX_SAFE_DEPTH})."
            f" [default: {limits.max_depth}]",
        ),
        (
            "--max-items",
            _count,
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
    return config.limits.override(settings, origin="--"), allow


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
@cache_option("Check everything again instead of reusing the results of an unchanged corpus")
@output_option("the findings")
@input_options
def validate(
    claims: Path | None,
    fmt: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    strict: bool,
    no_cache: bool,
    output: Path | None,
) -> int:
    """Run every rule on CLAIMS and report the findings.

    CLAIMS defaults to `claims` under [tool.massage-evidence] in the nearest
    pyproject.toml, else to data/claims.yaml. The same table may set `select`,
    `ignore`, `strict`, the limits and `allow-outside-root`; options given here win.
    Results are cached in the user's cache folder (MASSAGE_EVIDENCE_CACHE_DIR): an
    unchanged corpus is not checked again.
    """
    from .cache import Cache
    from .formats import FORMATTERS, Report
    from .validation import Selection, check_with_inputs

    path, config = _claims_and_config(claims)
    selection = Selection.of(select or config.select, ignore or config.ignore, origin="--")
    limits, allow = _input_policy(config)
    cache = None if no_cache else Cache()
    checked = check_with_inputs(
        path, selection=selection, limits=limits, allow_outside_root=allow, cache=cache
    )
    report = Report(checked.findings, checked.rules(selection), strict or config.strict)
    _emit(FORMATTERS[fmt](report), output, checked.inputs)
    return 1 if report.failed else 0


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


@cli.command()
@click.argument("claims", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("html", "md")),
    default="html",
    show_default=True,
    help="html: one self-contained page; md: GitHub-flavoured Markdown.",
)
@output_option("the report")
@templates_option
@click.option(
    "--style",
    type=click.Choice(("apa", "vancouver")),
    default="apa",
    show_default=True,
    help="Citation style of the references.",
)
@cache_option("Format every reference again instead of reusing those of earlier reports")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Processes that format the references not in the cache. [default: one per CPU]",
)
@input_options
def report(
    claims: Path | None,
    fmt: str,
    output: Path | None,
    templates: Path | None,
    style: str,
    no_cache: bool,
    jobs: int | None,
) -> int:
    """Render the evidence report of CLAIMS.

    The HTML report links each quoted passage to the annotated documents that
    `massage-evidence annotate` writes; keep both in one folder. References are
    formatted once and kept in the user's cache folder (MASSAGE_EVIDENCE_CACHE_DIR).
    """
    from .cache import Cache
    from .citations import available_cpus
    from .rendering import render

    cache = None if no_cache else Cache()
    corpus = _load(claims, cache)
    if corpus is None:
        return 1
    page = render(
        corpus, fmt, style=style, templates=templates, cache=cache, jobs=jobs or available_cpus()
    )
    _emit(page, output, corpus.input_paths)
    return 0


@cli.command()
@click.argument("arguments", nargs=-1, metavar="[CLAIMS] [DOCUMENT]...")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(),
    help="Folder to write DOCUMENT.html files into (default: the current folder).",
)
@click.option(
    "--report-url",
    default="report.html",
    show_default=True,
    help="Where the report is, relative to the annotated documents.",
)
@templates_option
@input_options
def annotate(
    arguments: tuple[str, ...], output: Path, report_url: str, templates: Path | None
) -> int:
    """Render source documents as HTML with their claims highlighted.

    Each passage that makes a claim is coloured by the claim's verdict and links to
    the claim in the report. DOCUMENT names documents by their key in claims.yaml
    (default: all of them). CLAIMS is recognised by its .yaml or .yml suffix, in
    any case.
    """
    from .atomic import write_atomic
    from .errors import OutputError
    from .findings import did_you_mean
    from .rendering import render_document
    from .views import document_file

    named = arguments[0].lower().endswith((".yaml", ".yml")) if arguments else False
    claims = Path(arguments[0]) if named else None
    names = arguments[1:] if claims is not None else arguments
    corpus = _load(claims)
    if corpus is None:
        return 1
    for name in names:
        if name not in corpus.documents:
            hint = (
                did_you_mean(name, corpus.documents) or f" (known: {', '.join(corpus.documents)})"
            )
            raise click.UsageError(f"unknown document {name!r}{hint}")
    targets = {name: output / document_file(name) for name in names or corpus.documents}
    for name, target in targets.items():
        if target.parent != output or "\0" in name:  # claims.yaml may come from a pull request
            raise OutputError(
                f"cannot annotate document {name!r}: its key is not a file name;"
                " rename it in the claims file"
            )
        if len(os.fsencode(target.name)) > _LONGEST_NAME:
            raise OutputError(
                f"cannot annotate document {name[:40]!r}…: its key is too long for a file"
                f" name ({_LONGEST_NAME} bytes at most); shorten it in the claims file"
            )
    # Every page is rendered before any is written: a template error leaves nothing.
    pages = {
        target: render_document(corpus, name, report_href=report_url, templates=templates)
        for name, target in targets.items()
    }
    for target, page in pages.items():
        write_atomic(target, page, inputs=_inputs(corpus.input_paths))
        click.echo(f"wrote {target}", err=True)
    return 0


def _is_web_url(text: str) -> bool:
    """Whether `text` is an absolute http(s) URL that a ClaimReview can point at."""
    from urllib.parse import urlsplit

    if not text.isprintable() or any(c.isspace() for c in text):
        return False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises for a port that is not a number up to 65535
    except ValueError:  # that, or an invalid IPv6 host
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


EXPORT_FORMATS = ("json", "csl-json", "web-annotation", "claimreview", "scifact")


@cli.command()
@click.argument("claims", required=False, type=click.Path(path_type=Path))
@click.option(
    "--to", "fmt", type=click.Choice(EXPORT_FORMATS), required=True, help="The export format."
)
@click.option(
    "--url",
    metavar="URL",
    help="claimreview: where the HTML report is published; each review links to its"
    " claim there, URL#claim-ID (required by Google).",
)
@click.option(
    "--author", metavar="NAME", help="claimreview: the organisation publishing the reviews."
)
@output_option("the export")
@input_options
def export(
    claims: Path | None, fmt: str, url: str | None, author: str | None, output: Path | None
) -> int:
    """Export CLAIMS for other tools: the corpus as JSON, the references as CSL-JSON, W3C
    Web Annotations, schema.org ClaimReview or SciFact JSON Lines.

    A corpus with error findings (those that `validate` fails on, after the `select`
    and `ignore` of [tool.massage-evidence]) is not exported: its findings go to
    standard error and the exit status is 1.
    """
    from . import exporting
    from .formats import Report, as_text
    from .validation import Selection, validate

    make: Callable[[Corpus], str]
    if fmt == "claimreview":
        if url is None:
            raise click.UsageError("--to claimreview needs --url, where the report is published")
        if not _is_web_url(url):
            raise click.UsageError(
                f"--url {url!r} is not a web address; give the report's https:// URL"
            )
        make = functools.partial(exporting.export_claimreview, url=url, author=author)
    elif url is not None or author is not None:
        raise click.UsageError("--url and --author apply to --to claimreview only")
    else:
        make = {
            "json": exporting.export_json,
            "csl-json": exporting.export_csl_json,
            "web-annotation": exporting.export_web_annotation,
            "scifact": exporting.export_scifact,
        }[fmt]
    corpus = _load(claims)
    if corpus is None:
        return 1
    _, config = _claims_and_config(claims)
    selection = Selection.of(config.select, config.ignore)
    report = Report(validate(corpus, selection=selection), selection.rules())
    if report.failed:
        click.echo(as_text(report), err=True, nl=False)
        return 1
    _emit(make(corpus), output, corpus.input_paths)
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
@output_option("the diff")
@input_options
def diff(old: Path, new: Path, fmt: str, output: Path | None) -> int:
    """Show what changed in the evidence from OLD_CLAIMS to NEW_CLAIMS: claims added and
    removed, certainty and verdict changes, stance changes, references added and removed,
    and anchors the new documents no longer contain.

    The exit status is 0 whenever both versions load, changes or not (gate on `validate`);
    1 when either version's claims file or bibliography cannot be read, with its findings
    on standard error.
    """
    from .diffing import diff_corpora, diff_json, diff_markdown
    from .formats import Report, as_text
    from .rules import get_rule

    before, after = _load(old), _load(new)
    if before is None or after is None:
        return 1
    for corpus in (before, after):
        if not corpus.bibliography_read:  # else every reference would look added or removed
            code, problem = corpus.load_problems[0]  # loading reports the bibliography first
            click.echo(as_text(Report([get_rule(code).finding(problem)])), err=True, nl=False)
            return 1
    changes = diff_corpora(before, after)
    text = diff_markdown(changes) if fmt == "md" else diff_json(changes)
    _emit(text, output, before.input_paths + after.input_paths)
    return 0


def _load(claims: Path | None, cache: Cache | None = None) -> Corpus | None:
    """The corpus, or None after printing the findings that stop it from loading.
    A `cache` keeps the parsed bibliography."""
    from .errors import LoadError
    from .formats import Report, as_text
    from .loading import load

    path, config = _claims_and_config(claims)
    limits, allow = _input_policy(config)
    try:
        return load(path, limits=limits, allow_outside_root=allow, cache=cache)
    except LoadError as error:
        click.echo(as_text(Report(error.findings)), err=True, nl=False)
        return None


def _claims_and_config(claims: Path | None) -> tuple[Path, Config]:
    """The claims file to use and the settings that apply to it.

    The nearest pyproject.toml is searched upward from the claims file's folder when
    CLAIMS is given, else from the current folder.
    """
    from .config import find_config

    config = find_config(claims.parent if claims is not None else Path.cwd())
    if config.source is not None:
        _note_settings_files(click.get_current_context(), config.source)
    path = claims or config.claims or DEFAULT_CLAIMS
    if not path.exists():
        raise click.UsageError(f"claims file {str(path)!r} does not exist")
    if path.is_dir():
        raise click.UsageError(f"claims file {str(path)!r} is a folder")
    return path, config


def _emit(text: str, output: Path | None, inputs: Sequence[str] = ()) -> None:
    """Print `text`, or write it atomically to `output`, never over one of `inputs` or
    the settings files the run read."""
    if output is None:
        click.echo(text, nl=False)
        return
    from .atomic import write_atomic

    write_atomic(output, text, inputs=_inputs(inputs))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status instead of exiting."""
    from ._gc import paused_gc
    from .errors import MassageEvidenceError

    if isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.errors == "strict":
        # A file name that is not UTF-8 is printed as its bytes, as Python does in the C locale.
        sys.stdout.reconfigure(errors="surrogateescape")
    try:
        with paused_gc():  # a command builds one corpus and exits: no cycles worth collecting
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
        try:
            Path.cwd()  # paths in findings are relative to it
        except FileNotFoundError:
            click.echo(f"{PROG}: error: the current folder no longer exists; cd to one", err=True)
            return 2
        click.echo(f"{PROG}: internal error, please report it with this output:", err=True)
        traceback.print_exc()
        return 2
    return status if isinstance(status, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
