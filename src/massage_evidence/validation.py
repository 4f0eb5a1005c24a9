"""Validation: run the selected rules over a corpus and collect their findings."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from ._gc import paused_gc
from .cache import Cache
from .errors import ConfigError, LoadError
from .findings import Finding, did_you_mean, sort_findings
from .limits import DEFAULT_LIMITS, Limits
from .loading import load_read, read_claims, repository_root
from .models import Corpus
from .rules import Rule, all_rules, get_rule
from .rules import references as reference_rules


@dataclass(frozen=True, slots=True)
class Selection:
    """Which rules run: those matching a `select` entry and no `ignore` entry.

    An entry is a code (`ME201`), a code prefix (`ME2`, `ME`) or a rule name
    (`unknown-reference`), as in ruff and flake8.
    """

    select: tuple[str, ...] = ("ME",)
    ignore: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
        *,
        origin: str = "",
    ) -> Selection:
        """A selection from user input; raises ConfigError naming any unknown entry.

        `origin` says where the entries came from: it is put before the option name in
        messages (e.g. "--" on the command line).
        """
        chosen = _entries(select, f"{origin}select") or ("ME",)
        return cls(chosen, _entries(ignore, f"{origin}ignore"))

    def includes(self, rule: Rule) -> bool:
        """Whether `rule` runs under this selection."""
        return any(_matches(entry, rule) for entry in self.select) and not any(
            _matches(entry, rule) for entry in self.ignore
        )

    def rules(self) -> tuple[Rule, ...]:
        """The registered rules this selection runs, ordered by code."""
        return tuple(rule for rule in all_rules() if self.includes(rule))


def _matches(entry: str, rule: Rule) -> bool:
    return rule.code.startswith(entry) or entry == rule.name


def _entries(values: Iterable[str] | None, option: str) -> tuple[str, ...]:
    entries: list[str] = []
    for value in values or ():
        for raw in value.split(","):
            entry = raw.strip()
            if not entry:
                continue
            entry = entry.upper() if entry[:2].upper() == "ME" else entry
            if not any(_matches(entry, known) for known in all_rules()):
                known = [r.code for r in all_rules()] + [r.name for r in all_rules()]
                hint = did_you_mean(entry, known)
                raise ConfigError(f"{option}: unknown rule {entry!r}{hint}")
            entries.append(entry)
    return tuple(entries)


@paused_gc()
def validate(corpus: Corpus, *, selection: Selection | None = None) -> list[Finding]:
    """Every finding of the selected rules, including problems found while loading,
    sorted by path, line, column and code."""
    chosen = selection or Selection()
    findings = [
        get_rule(code).finding(problem)
        for code, problem in corpus.load_problems
        if chosen.includes(get_rule(code))
    ]
    for rule in all_rules():
        if rule.check is not None and chosen.includes(rule):
            findings.extend(rule.finding(problem) for problem in rule.check(corpus))
    return sort_findings(findings)


@dataclass(frozen=True, slots=True)
class Checked:
    """The findings for a claims file and the files read to find them.

    Why: an output file must never replace one of the inputs of the run.
    """

    findings: list[Finding]
    inputs: tuple[str, ...]

    def rules(self, selection: Selection) -> tuple[Rule, ...]:
        """The rules that ran: the selected ones, and those of a load that stopped (which
        are reported whatever the selection)."""
        codes = {finding.code for finding in self.findings}
        return tuple(rule for rule in all_rules() if selection.includes(rule) or rule.code in codes)


@paused_gc()
def check_with_inputs(
    claims_path: str | os.PathLike[str],
    *,
    selection: Selection | None = None,
    limits: Limits = DEFAULT_LIMITS,
    allow_outside_root: bool = False,
    cache: Cache | None = None,
) -> Checked:
    """`check`, also giving the files it read (only the claims file when loading stops)."""
    chosen = selection or Selection()
    path = Path(claims_path)
    text = read_claims(path, limits)
    claims = text if isinstance(text, str) else None  # the key of the findings cache
    # Findings name files as given and the inputs are found from the claims file's folder:
    # a copy of a corpus elsewhere is another corpus, and so is one whose repository root
    # (which ME107 keeps reads inside) moved, as `git init` moves it.
    root = None if allow_outside_root else str(repository_root(path))
    where = [os.fspath(claims_path), str(Path.cwd()), root]
    codes = [rule.code for rule in chosen.rules()]
    year = reference_rules.latest_year()  # ME209's findings change with it
    options = json.dumps([codes, asdict(limits), allow_outside_root, where, year])
    if cache is not None and claims is not None:
        hit = cache.findings(claims, options)
        if hit is not None:
            return Checked(*hit)
    try:
        corpus = load_read(
            path, text, limits=limits, allow_outside_root=allow_outside_root, cache=cache
        )
    except LoadError as error:  # not selected away: nothing was checked (ruff's syntax errors)
        checked = Checked(list(error.findings), (os.fspath(claims_path),))
    else:
        checked = Checked(validate(corpus, selection=chosen), corpus.input_paths)
    if cache is not None and claims is not None:
        cache.store_findings(claims, options, checked.inputs, checked.findings)
    return checked


def check(
    claims_path: str | os.PathLike[str],
    *,
    selection: Selection | None = None,
    limits: Limits = DEFAULT_LIMITS,
    allow_outside_root: bool = False,
    cache: Cache | None = None,
) -> list[Finding]:
    """Load and validate a claims file; never raises for bad input.

    With a `cache`, an unchanged corpus is not checked again (see `massage_evidence.cache`).

    Problems that stop loading come back as findings like any other. Files outside the
    claims file's repository are not read (ME107) unless `allow_outside_root`.
    """
    return check_with_inputs(
        claims_path,
        selection=selection,
        limits=limits,
        allow_outside_root=allow_outside_root,
        cache=cache,
    ).findings
