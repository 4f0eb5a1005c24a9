"""ME2xx: the bibliography and the studies' appraisals."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from ..errors import quoted
from ..findings import Problem, Severity, Suggester
from ..models import Corpus, Reference, bare_doi
from . import rule


@rule("ME202", "duplicate-bibtex-key", Severity.ERROR)
def duplicate_bibtex_key(corpus: Corpus) -> Iterator[Problem]:
    """Two bibliography entries share a key, compared case-insensitively.

    Why: BibTeX and biber treat `Smith2020` and `smith2020` as one key and keep only one
    entry, so a claim may silently cite a different work than the one you checked.

    Example:
        @article{Smith2020, title = {Massage for back pain}, ...}
        @article{smith2020, title = {Massage for neck pain}, ...}

    Fix:
        @article{smith2020back, title = {Massage for back pain}, ...}
        @article{smith2020neck, title = {Massage for neck pain}, ...}
    """
    first: dict[str, str] = {}
    lines: dict[str, int | None] = {}
    for entry in corpus.entries:
        folded = entry.key.casefold()
        if folded not in first:
            first[folded] = entry.key
            lines[folded] = entry.location.line
            continue
        same = "" if first[folded] == entry.key else f" {first[folded]!r}"
        yield Problem(
            f"key {entry.key!r} repeats the key{same} at line {lines[folded]};"
            " BibTeX ignores case, so rename one of them",
            entry.location,
        )


@rule("ME201", "unknown-reference", Severity.ERROR)
def unknown_reference(corpus: Corpus) -> Iterator[Problem]:
    """A claim cites a key that is not in the bibliography.

    Why: a citation that resolves to nothing is a claim without evidence that looks like
    one with evidence. Appraisals under `studies` must also name real entries.

    Example:
        evidence:
          - ref: furlan2015           # refs.bib has furlan2015massage
            stance: mixed

    Fix:
        evidence:
          - ref: furlan2015massage
            stance: mixed
    """
    if not corpus.bibliography_read:
        return  # the unreadable bibliography is reported once, as ME105
    references = corpus.references
    suggest = Suggester(references)
    for i, claim in enumerate(corpus.claims):
        for j, evidence in enumerate(claim.evidence):
            if evidence.ref not in references:
                yield Problem(
                    f"claim {claim.id!r} cites {evidence.ref!r}, which is not in"
                    f" {corpus.bibliography_path}{suggest(evidence.ref)}",
                    corpus.locate("claims", i, "evidence", j, "ref"),
                    claim.id,
                )
    for key in corpus.studies:
        if key not in references:
            yield Problem(
                f"studies entry {key!r} is not in {corpus.bibliography_path}" + suggest(key),
                corpus.locate("studies", key, key=True),
            )


# Required fields per entry type, after BibTeX and biblatex; a tuple means "one of these".
_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), ("journal", "journaltitle"), ("year", "date")),
    "book": (("author", "editor"), ("title",), ("publisher",), ("year", "date")),
    "booklet": (("title",),),
    "inbook": (
        ("author", "editor"),
        ("title",),
        ("chapter", "pages"),
        ("publisher",),
        ("year", "date"),
    ),
    "incollection": (("author",), ("title",), ("booktitle",), ("publisher",), ("year", "date")),
    "inproceedings": (("author",), ("title",), ("booktitle",), ("year", "date")),
    "conference": (("author",), ("title",), ("booktitle",), ("year", "date")),
    "manual": (("title",),),
    "mastersthesis": (("author",), ("title",), ("school", "institution"), ("year", "date")),
    "phdthesis": (("author",), ("title",), ("school", "institution"), ("year", "date")),
    "thesis": (("author",), ("title",), ("school", "institution"), ("year", "date")),
    "techreport": (("author",), ("title",), ("institution",), ("year", "date")),
    "report": (("author",), ("title",), ("institution",), ("year", "date")),
    "unpublished": (("author",), ("title",), ("note",)),
    "online": (("title",), ("url",)),
    "misc": (("title",), ("author", "editor", "organization", "howpublished", "url")),
}


@rule("ME203", "missing-bibtex-field", Severity.ERROR)
def missing_bibtex_field(corpus: Corpus) -> Iterator[Problem]:
    """A bibliography entry lacks a field its type requires.

    Why: a reference that cannot be found from its citation is no reference. Required
    fields are those of BibTeX's standard styles (an @article needs author, title,
    journal and year; a @book author or editor, title, publisher and year), a little
    stricter where a reader could not find the work otherwise: a @misc needs a title and
    someone or somewhere behind it (author, editor, organization, howpublished or url),
    an @online a title and url, and any other type a title. The biblatex equivalents
    (`date`, `journaltitle`) are accepted.

    Example:
        @article{smith2020,
          author = {Smith, A.},
          title = {Massage and mood},
          year = {2020},
        }

    Fix:
        @article{smith2020,
          author = {Smith, A.},
          title = {Massage and mood},
          journal = {Journal of Bodywork and Movement Therapies},
          year = {2020},
        }
    """
    for entry in corpus.entries:
        for options in _REQUIRED.get(entry.entry_type, (("title",),)):
            if not any(entry.get(name) for name in options):
                names = " or ".join(repr(name) for name in options)
                yield Problem(
                    f"@{entry.entry_type} entry {entry.key!r} has no {names} field",
                    entry.location,
                )


_DOI = re.compile(r"^10\.[0-9]{4,9}(?:\.[0-9]+)*/\S+$")


@rule("ME204", "invalid-doi", Severity.ERROR)
def invalid_doi(corpus: Corpus) -> Iterator[Problem]:
    """A `doi` field is not a DOI.

    Why: a malformed DOI links to nothing, and a DOI link is how readers reach the study.
    A DOI is `10.`, a registrant code of 4 to 9 digits (with optional `.`-separated
    subdivisions), `/` and a suffix without spaces (DOI Handbook §2.2; Crossref's
    pattern). Write the bare DOI, not a `https://doi.org/` link.

    Example:
        doi = {https://doi.org/10.1002/14651858.CD001929.pub3}

    Fix:
        doi = {10.1002/14651858.CD001929.pub3}
    """
    for entry in corpus.entries:
        doi = entry.get("doi")
        if doi is None or _DOI.match(doi.strip()):
            continue
        bare = bare_doi(doi)
        hint = (
            f"; write the bare DOI {bare!r}"
            if bare != doi.strip() and _DOI.match(bare)
            else " (expected '10.<registrant>/<suffix>')"
        )
        yield Problem(
            f"doi {quoted(doi)} of entry {entry.key!r} is not a DOI{hint}",
            corpus.locate_field(entry, "doi"),
        )


_PMID = re.compile(r"^[1-9][0-9]{0,8}$")


@rule("ME205", "invalid-pmid", Severity.ERROR)
def invalid_pmid(corpus: Corpus) -> Iterator[Problem]:
    """A `pmid` field is not a PubMed identifier.

    Why: PubMed ids are positive whole numbers of up to 9 digits (NLM assigns them in
    sequence, without leading zeros); anything else links to the wrong record or none.
    A PubMed Central id (`PMC…`) belongs in `pmcid`.

    Example:
        pmid = {PMC4925170}

    Fix:
        pmid = {27165971},
        pmcid = {PMC4925170}
    """
    for entry in corpus.entries:
        pmid = entry.get("pmid")
        if pmid is not None and not _PMID.match(pmid.strip()):
            hint = "; a PMC id goes in 'pmcid'" if pmid.strip().upper().startswith("PMC") else ""
            yield Problem(
                f"pmid {quoted(pmid)} of entry {entry.key!r} is not a PubMed id (digits only)"
                + hint,
                corpus.locate_field(entry, "pmid"),
            )


@rule("ME206", "duplicate-work", Severity.ERROR)
def duplicate_work(corpus: Corpus) -> Iterator[Problem]:
    """One work appears under two keys: the same DOI (ignoring case) or the same PMID.

    Why: two keys for one study count it twice, and the two entries drift apart as
    they are edited.

    Example:
        @article{furlan2015massage, doi = {10.1002/14651858.CD001929.pub3}, ...}
        @article{furlan2015cochrane, doi = {10.1002/14651858.cd001929.PUB3}, ...}

    Fix: keep one entry and cite its key everywhere.
    """
    seen: dict[tuple[str, str], Reference] = {}
    for entry in corpus.entries:
        identifiers = []
        if (doi := entry.get("doi")) is not None:
            identifiers.append(("DOI", bare_doi(doi).casefold()))
        if (pmid := entry.get("pmid")) is not None:
            identifiers.append(("PMID", pmid.strip()))
        reported = False  # once per entry, but every identifier is remembered
        for kind, value in identifiers:
            first = seen.setdefault((kind, value), entry)
            if not reported and first.key.casefold() != entry.key.casefold():
                reported = True
                yield Problem(
                    f"entry {entry.key!r} has the same {kind} as {first.key!r}"
                    f" (line {first.location.line}); keep one entry for one work",
                    entry.location,
                )


@rule("ME207", "unused-reference", Severity.WARNING)
def unused_reference(corpus: Corpus) -> Iterator[Problem]:
    """A bibliography entry is cited by no claim.

    Why: an unused reference suggests a claim was deleted or a key mistyped, and it
    makes the bibliography look like more evidence than the claims use.

    Example:
        @article{kumar2013effectiveness, ...}     # no claim cites it

    Fix: cite it as evidence for a claim, or delete the entry.
    """
    cited = {evidence.ref for claim in corpus.claims for evidence in claim.evidence}
    for key, entry in corpus.references.items():
        if key not in cited:
            yield Problem(
                f"entry {key!r} is not cited by any claim; cite it or remove it", entry.location
            )


@rule("ME208", "unappraised-study", Severity.ERROR)
def unappraised_study(corpus: Corpus) -> Iterator[Problem]:
    """A cited key is in the bibliography but has no `studies` entry.

    Why: certainty starts from the study design, so a study without an appraisal cannot
    be graded. Judgements live in claims.yaml, not in refs.bib, so that the bibliography
    can be re-exported from a reference manager without losing them.

    Example:
        evidence:
          - ref: cherkin2011comparison    # not under studies:
            stance: supports

    Fix:
        studies:
          cherkin2011comparison:
            design: rct
            participants: 401
    """
    citing: dict[str, list[tuple[int, int, str]]] = {}
    studies, references = corpus.studies, corpus.references
    for i, claim in enumerate(corpus.claims):
        for j, evidence in enumerate(claim.evidence):
            if evidence.ref not in studies and evidence.ref in references:
                citing.setdefault(evidence.ref, []).append((i, j, claim.id))
    for key, places in citing.items():
        i, j, claim_id = places[0]
        others = f" and {len(places) - 1} more" if len(places) > 1 else ""
        yield Problem(
            f"{key!r} is cited by claim {claim_id!r}{others} but has no entry under"
            " 'studies'; add its design",
            corpus.locate("claims", i, "evidence", j, "ref"),
            claim_id,
        )


_YEAR = re.compile(r"^[0-9]{4}")
_EARLIEST_YEAR = 1600


def latest_year() -> int:
    """The latest plausible publication year, next year: the findings cache keys on it,
    since ME209's findings change with the date."""
    return datetime.date.today().year + 1


@rule("ME209", "implausible-year", Severity.ERROR)
def implausible_year(corpus: Corpus) -> Iterator[Problem]:
    """A `year` (or the year of a `date`) is not a plausible publication year.

    Why: a typo in the year (`20015`, `215`) breaks citations and sorting, and a year in
    the future usually means a wrong entry. Plausible: four digits from 1600 to next year.

    Example:
        year = {20015}

    Fix:
        year = {2015}
    """
    latest = latest_year()
    for entry in corpus.entries:
        for name in ("year", "date"):
            value = entry.get(name)
            if value is None:
                continue
            digits = value.strip()
            year = digits[:4] if name == "date" and _YEAR.match(digits) else digits
            whole = year.isascii() and year.isdigit()  # `isdigit` alone takes `²⁰¹⁵`
            if not (whole and len(year) == 4 and _EARLIEST_YEAR <= int(year) <= latest):
                yield Problem(
                    f"{name} {quoted(value)} of entry {entry.key!r} is not a plausible year"
                    f" ({_EARLIEST_YEAR} to {latest})",
                    corpus.locate_field(entry, name),
                )


@rule("ME210", "withdrawn-study-cited", Severity.ERROR)
def withdrawn_study_cited(corpus: Corpus) -> Iterator[Problem]:
    """A retracted study, or one under an expression of concern, is cited as support.

    Why: withdrawn work is not evidence. It never counts towards certainty; citing it as
    support misleads the reader. Cite it as `insufficient` with a note, or remove it.

    Example:
        studies:
          wakefield1998:
            design: case-series
            status: retracted
        ...
          - ref: wakefield1998
            stance: supports

    Fix:
          - ref: wakefield1998
            stance: insufficient
            note: Retracted in 2010; cited only to record that it was.
    """
    for i, claim in enumerate(corpus.claims):
        for j, evidence in enumerate(claim.evidence):
            study = corpus.studies.get(evidence.ref)
            if study is not None and study.status.is_withdrawn and evidence.stance.is_supporting:
                yield Problem(
                    f"claim {claim.id!r} cites {evidence.ref!r} ({study.status}) as"
                    f" {evidence.stance} evidence; withdrawn work is not evidence",
                    corpus.locate("claims", i, "evidence", j, "stance"),
                    claim.id,
                )
