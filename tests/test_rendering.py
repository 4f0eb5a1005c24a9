"""Evidence reports and annotated documents: content, escaping, templates, command line."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from massage_evidence import RenderError, load
from massage_evidence.cli import main
from massage_evidence.markdown import markdown_escape
from massage_evidence.rendering import render, render_document

from .conftest import REPO, VALID_ARTICLE, VALID_CLAIMS, Project, run_unprivileged

DESKS = REPO / "tests" / "data" / "standing-desks" / "claims.yaml"
BUNDLED = REPO / "data" / "claims.yaml"


class _Resources(HTMLParser):
    """Every URL an HTML page would fetch (not links the reader may follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag != "a":
            self.fetched += [v or "" for k, v in attrs if k in {"src", "href", "srcset", "data"}]
        if "style" in values and "url(" in (values["style"] or ""):
            self.fetched.append(values["style"] or "")


def resources(page: str) -> _Resources:
    parser = _Resources()
    parser.feed(page)
    return parser


def test_markdown_report_golden(golden: Callable[[str, str], None]) -> None:
    """The Markdown report of a small fixed corpus, byte for byte."""
    golden("standing-desks.md", render(load(DESKS), "md"))


def test_markdown_report_golden_vancouver(golden: Callable[[str, str], None]) -> None:
    """The same report with Vancouver references."""
    golden("standing-desks-vancouver.md", render(load(DESKS), "md", style="vancouver"))


def test_bundled_markdown_fits_a_pull_request_comment() -> None:
    """GitHub refuses comments over 65,536 characters; the bundled report fits."""
    assert len(render(load(BUNDLED), "md")) < 65_536


def test_html_report_is_self_contained() -> None:
    """No script, stylesheet, image or font is fetched: one file, no network."""
    parsed = resources(render(load(BUNDLED), "html"))
    assert (parsed.fetched, parsed.scripts) == ([], 0)


def test_html_report_content() -> None:
    """Summary, evidence map with legend and text alternative, claims, bibliography."""
    page = render(load(BUNDLED), "html")
    for needle in (
        '<h2 id="summary">At a glance</h2>',
        '<svg id="evidence-map" role="img"',
        "The evidence map as a table",
        '<article class="claim verdict-refuted" id="claim-circulation-flushes-toxins">',
        'href="wellness.html#passage-circulation-flushes-toxins-0"',
        '<a href="https://doi.org/10.1249/MSS.0b013e3181c9214f">',
        '<li id="ref-furlan2015massage"',
        "high (systematic-review: chou2017nonpharmacologic, crawford2016impact + 1 more)"
        " − risk-of-bias − imprecision = low",
    ):
        assert needle in page


def test_annotated_document_keeps_the_text() -> None:
    """Outside the highlights the document is unchanged: stripping tags gives it back."""
    corpus = load(BUNDLED)
    for name, document in corpus.documents.items():
        page = render_document(corpus, name)
        body = re.search(r'<div class="document-text">(.*?)</div>\n</main>', page, re.S)
        assert body is not None
        assert html.unescape(re.sub(r"<[^>]+>", "", body.group(1))) == document.text


def test_annotated_document_links_each_passage_to_its_claim() -> None:
    """Each highlight links to its claim in the report and carries the passage's anchor."""
    page = render_document(load(BUNDLED), "wellness")
    assert (
        '<span class="anchor-point" id="passage-circulation-flushes-toxins-0"></span>'
        '<a class="passage verdict-refuted" href="report.html#claim-circulation-flushes-toxins"'
    ) in page
    assert resources(page).fetched == []


PAYLOAD_SCRIPT = "<script>window.__pwned = 1</script>"
PAYLOAD_IMG = '"><img src=x onerror="window.__pwned=1">'


def hostile(project: Project) -> Path:
    """A corpus with script payloads in a statement, a note, a quote and a BibTeX title."""
    project.write(
        "article.txt", f"Regular massage eases back pain {PAYLOAD_SCRIPT} {PAYLOAD_IMG}\n"
    )
    project.write(
        "claims.yaml",
        VALID_CLAIMS.replace(
            "statement: Massage may reduce back pain.",
            f"statement: 'Massage may reduce back pain {PAYLOAD_SCRIPT}'",
        )
        .replace(
            "        stance: supports",
            f"        stance: supports\n        note: '{PAYLOAD_IMG}'\n"
            f"    population: '{PAYLOAD_IMG}'",
        )
        .replace("exact: massage eases back pain", f"exact: '{PAYLOAD_SCRIPT}'"),
    )
    project.write(
        "refs.bib",
        "@article{smith2020,\n  author = {Smith, A.},\n"
        f"  title = {{A trial {PAYLOAD_SCRIPT} {PAYLOAD_IMG}}},\n"
        '  journal = {J},\n  year = {2020},\n  doi = {10.1000/x"><script>1</script>},\n}\n',
    )
    return project.root / "claims.yaml"


def test_every_text_field_is_escaped(project: Project) -> None:
    """Payloads in claims, notes, quotes and references come out as text, never as markup."""
    corpus = load(hostile(project))
    for page in (render(corpus, "html"), render_document(corpus, "article")):
        assert "<script>" not in page
        assert "<img" not in page
        assert resources(page).scripts == 0
        assert "&lt;script&gt;" in page
    markdown = render(corpus, "md")
    assert "<script>" not in markdown
    assert "<img" not in markdown


@pytest.mark.parametrize(
    ("fields", "links"),
    [
        (  # a DOI written as a resolver URL is linked once, not under doi.org twice
            "doi = {https://doi.org/10.1000/abc}",
            ["https://doi.org/10.1000/abc"],
        ),
        ("url = {https://example.org/trial}", ["https://example.org/trial"]),
        ("url = {javascript:alert(1)}", []),  # shown as text, never a link
        ("url = {JaVaScRiPt:alert(1)}", []),
        ("url = {data:text/html,x}", []),
    ],
)
def test_reference_links(valid: Project, fields: str, links: list[str]) -> None:
    """Only web addresses become links in the bibliography."""
    valid.write(
        "refs.bib",
        f"@article{{smith2020,\n  author = {{Smith, A.}},\n  title = {{A trial}},\n"
        f"  journal = {{J}},\n  year = {{2020}},\n  {fields},\n}}\n",
    )
    page = render(load(valid.root / "claims.yaml"), "html")
    bibliography = page[page.index('<ol class="bibliography">') :]
    assert re.findall(r'<a href="([^"#]*)"', bibliography) == links


def test_a_category_title_with_a_web_address(valid: Project) -> None:
    """In the summary table a category's title is a link's text, so an address in it is
    not an autolink (links may not nest); in the map and its heading it is one."""
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace("studies:", "categories:\n  pain: Pain, see https://e.org\nstudies:"),
    )
    lines = render(load(valid.root / "claims.yaml"), "md").splitlines()
    assert [line for line in lines if "e.org" in line] == [
        "| [Pain, see https://e.org](#pain-see-httpseorg) | 1 | 1 |  |  |  |  |",
        "| Pain, see <https://e.org> | 🟢 [pain-relief](#pain-relief) |  |  |  |",
        "## Pain, see <https://e.org>",
    ]


@pytest.mark.parametrize("end", ["\n", "\r", "\r\n"])
def test_a_passage_is_cited_at_its_line(valid: Project, end: str) -> None:
    """The report gives the line a passage is on, whatever the document's line ends."""
    valid.write("article.txt", VALID_ARTICLE.replace("\n", end).encode())
    page = render(load(valid.root / "claims.yaml"), "md")
    assert "> “massage eases back pain” (article, line 2)" in page.splitlines()


def test_markdown_escape() -> None:
    """Markdown punctuation, HTML and line breaks are neutralised."""
    assert markdown_escape("a|b *c* [d](e) <x> & f\nnext") == (
        r"a\|b \*c\* \[d\](e) &lt;x&gt; &amp; f next"
    )


def test_markdown_escape_keeps_mentions_and_issue_numbers_as_text() -> None:
    """GitHub would notify @name and link #12 in a pull-request comment; an e-mail address
    and a # before a word are left as they are."""
    assert markdown_escape("ask @nccih about #12 (see a@b.org, #tag)") == (
        r"ask @&#8203;nccih about \#&#8203;12 (see a@b.org, \#tag)"
    )


def test_markdown_escape_keeps_web_addresses_whole() -> None:
    """A web address in free text is an autolink, so nothing is escaped inside it: a
    YouTube handle keeps its @, a fragment its #12; sentence punctuation after it and a
    bracket it did not open stay outside, and a | that would end a table cell is %7C.
    Inside a link's text, where a link may not be, it is escaped as text."""
    assert markdown_escape(
        "see https://youtube.com/@rub_it#12, (https://en.wikipedia.org/wiki/Back_(anatomy))."
        " Or https://e.org/a?b=1&c=|2 *now*"
    ) == (
        "see <https://youtube.com/@rub_it#12>, (<https://en.wikipedia.org/wiki/Back_(anatomy)>)."
        r" Or <https://e.org/a?b=1&c=%7C2> \*now\*"
    )
    assert markdown_escape("https://e.org/@x_y", links=False) == r"https://e.org/@&#8203;x\_y"


def test_user_template_overrides_and_extends(project: Project) -> None:
    """A user template replaces the packaged one by name and may extend it as base/NAME."""
    project.write(
        "templates/report.html.j2",
        '{% extends "base/report.html.j2" %}{% block footer %}<footer>Our footer</footer>'
        "{% endblock %}",
    )
    page = render(load(DESKS), "html", templates=project.root / "templates")
    assert "<footer>Our footer</footer>" in page
    assert '<svg id="evidence-map"' in page


@pytest.mark.parametrize(
    ("template", "message", "line"),
    [
        ("# {{ title }}\n{{ nope }}\n", "UndefinedError: 'nope' is undefined", 2),
        (
            "\n\n{{ title.__class__ }}\n",
            "SecurityError: access to attribute '__class__' of 'str' object is unsafe.",
            3,
        ),
        ("{% for x in range(10**9) %}{% endfor %}", "OverflowError: Range too big", 1),
        ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero", 1),
        (
            "{{ title | attr('__class__') }}",
            "SecurityError: access to attribute '__class__' of 'str' object is unsafe.",
            1,
        ),
        (
            "{{ '{0.__class__}'.format(title) }}",
            "SecurityError: access to attribute '__class__' of 'str' object is unsafe.",
            1,
        ),
        ("# {{ title }\n", "unexpected '}'", 1),
        (
            "{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n",
            "RecursionError: maximum recursion depth exceeded",
            1,
        ),
        ("{{ 'abc'|truncate(-1) }}", "AssertionError", 1),
        ("\n{{ 'x'|xmlattr }}", "AttributeError: 'str' object has no attribute 'items'", 2),
        ("{{ 1|dictsort }}", "AttributeError: 'int' object has no attribute 'items'", 1),
        (
            "{% set d = {'a': 1} %}\n{% for k in d %}{{ d.update({k ~ k: 1}) }}{% endfor %}",
            "RuntimeError: dictionary changed size during iteration",
            2,
        ),
    ],
)
def test_template_errors_point_at_the_template_line(
    project: Project, template: str, message: str, line: int
) -> None:
    """Undefined names, sandbox escapes and syntax errors are RenderErrors with file:line."""
    project.write("templates/report.md.j2", template)
    with pytest.raises(RenderError) as caught:
        render(load(DESKS), "md", templates=project.root / "templates")
    assert caught.value.path == str(project.root / "templates" / "report.md.j2")
    assert caught.value.line == line
    assert message in str(caught.value)


@pytest.mark.parametrize("included", [False, True], ids=["template", "included"])
@pytest.mark.parametrize("number", ["(9**9999)|string", "9" * 5000])
def test_a_template_with_a_number_python_cannot_write(
    project: Project, number: str, included: bool
) -> None:
    """Jinja folds or reads a constant Python refuses to turn into digits before any
    template frame runs: still one error naming the template, the included one if that
    is where the number is."""
    failing = "part.txt" if included else "report.md.j2"
    if included:
        project.write("templates/report.md.j2", "# {{ title }}\n{% include 'part.txt' %}\n")
    project.write(f"templates/{failing}", f"# {{{{ {number} }}}}\n")
    with pytest.raises(RenderError) as caught:
        render(load(DESKS), "md", templates=project.root / "templates")
    assert str(caught.value).startswith(
        f"{project.root / 'templates' / failing}: cannot compile it: ValueError:"
        " Exceeds the limit (4300 digits) for integer string conversion"
    )


def test_an_included_template_that_is_not_utf8(project: Project) -> None:
    """An included template that is not UTF-8 is named itself, as the one rendered is."""
    project.write("templates/report.md.j2", "# {{ title }}\n{% include 'part.txt' %}\n")
    project.write("templates/part.txt", b"\xff\n")
    with pytest.raises(RenderError) as caught:
        render(load(DESKS), "md", templates=project.root / "templates")
    assert str(caught.value) == (
        f"{project.root / 'templates' / 'part.txt'}: not valid UTF-8 (byte 0xff);"
        " re-save it as UTF-8"
    )


def test_an_error_in_an_included_template_names_that_file(project: Project) -> None:
    """The file and line are those of the template that failed, whatever its folder."""
    project.write("tp/report.md.j2", "# {{ title }}\n{% include 'part.txt' %}\n")
    project.write("tp/part.txt", "a\nb\n{{ nope.x }}\n")
    with pytest.raises(RenderError) as caught:
        render(load(DESKS), "md", templates=project.root / "tp")
    assert (caught.value.path, caught.value.line) == (str(project.root / "tp" / "part.txt"), 3)


def test_a_template_that_makes_a_lone_surrogate(project: Project) -> None:
    """Text that UTF-8 cannot store is refused before anything is written."""
    project.write("templates/report.md.j2", "# {{ '\\ud800' }}\n")
    with pytest.raises(RenderError) as caught:
        render(load(DESKS), "md", templates=project.root / "templates")
    assert str(caught.value) == (
        f"{project.root / 'templates' / 'report.md.j2'}: the output holds U+D800, a lone"
        " surrogate that UTF-8 cannot store; remove what makes it"
    )


def test_a_template_that_is_not_utf8(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """A template file that is not UTF-8 is named in one line, exit 2."""
    project.write("templates/report.md.j2", b"# \xff{{ title }}\n")
    assert main(["report", str(DESKS), "--format", "md", "--templates", "templates"]) == 2
    assert capsys.readouterr().err == (
        "massage-evidence: error: templates/report.md.j2: not valid UTF-8 (byte 0xff);"
        " re-save it as UTF-8\n"
    )


def test_template_error_exits_two(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """On the command line a template error is exit 2 with one line naming file and line."""
    project.write("templates/report.md.j2", "{{ nope }}\n")
    status = main(["report", str(DESKS), "--format", "md", "--templates", "templates"])
    assert status == 2
    assert capsys.readouterr().err == (
        "massage-evidence: error: templates/report.md.j2:1: UndefinedError: 'nope' is undefined\n"
    )


def test_report_and_annotate_write_files(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """`report -o` and `annotate -o DIR` write their files; annotate names each one."""
    assert main(["report", str(DESKS), "-o", "report.html"]) == 0
    assert main(["annotate", str(DESKS), "-o", "."]) == 0
    assert capsys.readouterr().err == "wrote blog.html\n"
    assert sorted(p.name for p in project.root.iterdir()) == ["blog.html", "report.html"]
    assert "blog.html#passage-sitting-time-reduced-0" in (project.root / "report.html").read_text()


def test_annotate_takes_a_claims_file_with_an_upper_case_suffix(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """`CLAIMS.YAML` is the claims file, not a document key."""
    for name in DESKS.parent.iterdir():
        shutil.copy(name, project.root / name.name)
    (project.root / DESKS.name).rename(project.root / "CLAIMS.YAML")
    assert main(["annotate", "CLAIMS.YAML", "-o", "."]) == 0
    assert capsys.readouterr().err == "wrote blog.html\n"


def test_annotate_unknown_document(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown document key is a usage error with a suggestion."""
    assert main(["annotate", str(DESKS), "blgo"]) == 2
    assert capsys.readouterr().err == (
        "massage-evidence: error: unknown document 'blgo'; did you mean 'blog'?\n"
    )


def test_report_of_a_corpus_that_does_not_load(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A claims file that does not load prints its findings and exits 1, writing nothing."""
    project.write("claims.yaml", "version: 1\ntitle: T\nclaims:\n\t- id: x\n")
    assert main(["report", "claims.yaml", "-o", "report.html"]) == 1
    assert capsys.readouterr().err.startswith("claims.yaml:4:1: ME101 [error]")
    assert not (project.root / "report.html").exists()


def test_a_template_linked_out_of_its_folder_is_refused(project: Project) -> None:
    """A symbolic link in the templates folder cannot show a file from elsewhere."""
    project.write("secret.txt", "password=hunter2\n")
    (project.root / "templates").mkdir()
    (project.root / "templates" / "report.md.j2").symlink_to(project.root / "secret.txt")
    with pytest.raises(RenderError) as caught:
        render(load(DESKS), "md", templates=project.root / "templates")
    assert "hunter2" not in str(caught.value)
    assert str(caught.value) == (
        f"TemplateError: template 'report.md.j2' is a link out of {project.root / 'templates'}"
    )


def test_report_jobs(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """`--jobs N` gives the same report as one process; fewer than one is a usage error."""
    assert main(["report", str(DESKS), "--no-cache", "--jobs", "1", "-o", "one.html"]) == 0
    assert main(["report", str(DESKS), "--no-cache", "-j", "2", "-o", "two.html"]) == 0
    assert (project.root / "one.html").read_text() == (project.root / "two.html").read_text()
    assert main(["report", str(DESKS), "--jobs", "0"]) == 2
    assert capsys.readouterr().err == (
        "massage-evidence: error: Invalid value for '-j' / '--jobs': 0 is not in the range x>=1.\n"
    )


@pytest.mark.parametrize("included", [False, True], ids=["template", "included"])
def test_a_template_that_cannot_be_read(valid: Project, included: bool) -> None:
    """A template without read permission, or one it includes: one line, exit 2."""
    failing = "part.txt" if included else "report.md.j2"
    if included:
        valid.write("tp/report.md.j2", "# {{ title }}\n{% include 'part.txt' %}\n")
    valid.write(f"tp/{failing}", "# {{ title }}\n").chmod(0)
    child = run_unprivileged(
        "report", "claims.yaml", "--format", "md", "--templates", "tp", cwd=valid.root
    )
    assert (child.returncode, child.stdout, child.stderr) == (
        2,
        "",
        f"massage-evidence: error: tp/{failing}: cannot read it: Permission denied\n",
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ d.id }} {{ d.items()|list }}", "c1 [('id', 'c1'), ('items', 'x'), ('get', 'y')]"),
        ("{{ d.get('id') }}", "c1"),
    ],
)
def test_the_data_sandbox_reads_as_the_sandbox(source: str, expected: str) -> None:
    """A key is read directly only where the sandbox would have read it too: `items`
    and `get` stay a dictionary's methods even when keys have those names."""
    from jinja2.sandbox import SandboxedEnvironment

    from massage_evidence.rendering import environment

    data = {"d": {"id": "c1", "items": "x", "get": "y"}}
    assert SandboxedEnvironment().from_string(source).render(data) == expected
    assert environment().from_string(source).render(data) == expected


def test_the_data_sandbox_renders_the_bundled_report_as_the_sandbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jinja2.sandbox import SandboxedEnvironment

    from massage_evidence import rendering

    corpus = load(REPO / "data" / "claims.yaml")
    fast = render(corpus, "html")
    monkeypatch.setattr(rendering._DataSandbox, "getattr", SandboxedEnvironment.getattr)
    assert render(corpus, "html") == fast
