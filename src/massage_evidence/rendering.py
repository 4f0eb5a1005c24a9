"""Rendering: evidence reports and annotated documents through one Jinja environment.

Packaged templates can be overridden by name from a user folder (`--templates DIR`); a user
template can extend the packaged one it replaces as `base/<name>`. Every template runs in
Jinja's sandbox with undefined names as errors, HTML is autoescaped, and templates receive
plain data only (see `views`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.sandbox import SandboxedEnvironment

from ._gc import paused_gc
from .errors import RenderError
from .markdown import markdown_escape
from .models import Corpus
from .views import document_view, report_view

if TYPE_CHECKING:
    from .cache import Cache

REPORT_TEMPLATES = {"html": "report.html.j2", "md": "report.md.j2"}
DOCUMENT_TEMPLATE = "document.html.j2"
_LEADING_NUMBER = re.compile(r"^\s*\[?\d+\]?\.?\s+")


class _ConfinedLoader(FileSystemLoader):
    """User templates from one folder, refusing a file that is a link out of it.

    Why: Jinja refuses `..` in template names but follows a symbolic link in the folder;
    templates may come from a pull request, and a link could show any file the CI job
    can read in the report.
    """

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            source, filename, uptodate = super().get_source(environment, template)
        except UnicodeDecodeError as error:
            raise RenderError(
                f"not valid UTF-8 (byte 0x{error.object[error.start]:02x}); re-save it as UTF-8",
                str(Path(self.searchpath[0]) / template),
            ) from None
        except TemplateNotFound:  # an OSError too, but the next loader's turn
            raise
        except OSError as error:  # e.g. no permission to read it
            raise RenderError(
                f"cannot read it: {error.strerror or error}",
                str(Path(self.searchpath[0]) / template),
            ) from None
        folder = os.path.realpath(self.searchpath[0])
        if os.path.commonpath([os.path.realpath(filename), folder]) != folder:
            raise TemplateError(f"template {template!r} is a link out of {self.searchpath[0]}")
        return source, filename, uptodate


class _CompilingLoader(ChoiceLoader):
    """The loaders in turn; a template that fails to compile is a `RenderError` naming
    its own file, an included one too.

    Why: Jinja's lexer and compiler fail like Python on some constants (a number of
    thousands of digits, which Python will not read or write), before any template frame
    exists to locate the error by.
    """

    def load(
        self,
        environment: Environment,
        name: str,
        globals: MutableMapping[str, Any] | None = None,
    ) -> Template:
        try:
            return super().load(environment, name, globals)
        except (TemplateError, RenderError):
            raise
        except Exception as error:
            _, filename, _ = self.get_source(environment, name)
            message = f"cannot compile it: {type(error).__name__}: {error}"
            raise RenderError(message, filename) from None


class _DataSandbox(SandboxedEnvironment):
    """Jinja's sandbox, reading `data.key` from a dictionary directly when no attribute of
    a dictionary has that name (the sandbox would look for one, fail, then take the key).

    Why: a report of 10k claims reads about a million values this way, and the sandbox's
    own lookup took a third of the time of rendering it.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj and attribute not in _DICT_ATTRIBUTES:
            return obj[attribute]
        return super().getattr(obj, attribute)


_DICT_ATTRIBUTES = frozenset(dir(dict))


def environment(templates: Path | None = None) -> SandboxedEnvironment:
    """The Jinja environment: user templates first, then the packaged ones."""
    packaged = PackageLoader("massage_evidence", "templates")
    loaders = [_ConfinedLoader(templates)] if templates is not None else []
    env = _DataSandbox(
        loader=_CompilingLoader([*loaders, packaged, PrefixLoader({"base": packaged})]),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html.j2", "svg.j2", "html"], default_for_string=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = markdown_escape
    env.filters["md_anchor"] = markdown_anchor
    env.filters["md_entry"] = markdown_entry
    return env


@paused_gc()
def render(
    corpus: Corpus,
    format: str = "html",
    *,
    style: str = "apa",
    templates: Path | None = None,
    cache: Cache | None = None,
    jobs: int = 1,
) -> str:
    """The evidence report of `corpus` as HTML or Markdown (`format` "html" or "md").
    With a `cache`, references formatted by an earlier report are not formatted again;
    with `jobs` above 1, that many processes format the others (as `multiprocessing`
    starts them: a calling script needs `if __name__ == "__main__":`).

    Raises:
        RenderError: a template is missing or failed, with its file and line.
        ConfigError: `style` is not a known citation style.
    """
    if format not in REPORT_TEMPLATES:
        raise RenderError(f"unknown report format {format!r}; use html or md")
    view = report_view(corpus, style=style, cache=cache, jobs=jobs)
    return _render(environment(templates), REPORT_TEMPLATES[format], view)


def render_document(
    corpus: Corpus,
    name: str,
    *,
    report_href: str = "report.html",
    templates: Path | None = None,
) -> str:
    """Source document `name` as HTML with its claim passages highlighted and linked to
    their claims in the report at `report_href`."""
    view = document_view(corpus, name, report_href=report_href)
    return _render(environment(templates), DOCUMENT_TEMPLATE, view)


def _render(env: SandboxedEnvironment, name: str, view: dict[str, Any]) -> str:
    try:
        template = env.get_template(name)
        page = template.render(view)
    except RenderError:
        raise
    except TemplateSyntaxError as error:
        raise RenderError(
            error.message or str(error), error.filename or error.name, error.lineno
        ) from None
    except Exception as error:
        # The sandbox lets a template fail like Python code does (a huge range, 1/0, a
        # filter given the wrong value); those are the template's errors when a template
        # frame raised them.
        path, line = _template_frame(error)
        if path is None and not isinstance(error, TemplateError):
            raise
        raise RenderError(f"{type(error).__name__}: {error}", path, line) from None
    try:
        page.encode("utf-8")  # a template can make a lone surrogate, which no file can hold
    except UnicodeEncodeError as error:
        raise RenderError(
            f"the output holds U+{ord(page[error.start]):04X}, a lone surrogate that UTF-8"
            " cannot store; remove what makes it",
            template.filename,
        ) from None
    return page


def _template_frame(error: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line in a rendering error's traceback.

    Why: Jinja rewrites tracebacks so that template frames carry the template's own file
    name and line, which is what a user needs to fix it; it marks each such frame with a
    `__jinja_exception__` global.
    """
    found: tuple[str | None, int | None] = (None, None)
    trace = error.__traceback__
    while trace is not None:
        if "__jinja_exception__" in trace.tb_frame.f_globals:
            found = trace.tb_frame.f_code.co_filename, trace.tb_lineno
        trace = trace.tb_next
    return found


def markdown_entry(text: object) -> str:
    """A formatted bibliography entry for a numbered Markdown list: escaped, without the
    number a numbered style puts first."""
    return markdown_escape(_LEADING_NUMBER.sub("", str(text)))


def markdown_anchor(text: object) -> str:
    """The anchor GitHub gives a Markdown heading with this text."""
    lowered = str(text).strip().lower()
    return re.sub(r"[^\w\- ]", "", lowered).replace(" ", "-")
