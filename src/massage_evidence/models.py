"""The data model: what claims.yaml holds, and the corpus it loads into.

Why: pydantic answers "is this well-formed?" (types, vocabulary, unknown keys), so a typo
becomes a located ME102 finding. Whether the evidence is any good is for the rules.
Models are frozen so that no rule can change what another rule sees.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Literal, Protocol, TypeVar, cast

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    Strict,
    StringConstraints,
)
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticCustomError

from .findings import Location, Problem
from .vocabulary import Certainty, Design, Domain, RiskOfBias, Stance, StudyStatus

_T = TypeVar("_T")

KEBAB_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Kebab = Annotated[str, StringConstraints(pattern=KEBAB_PATTERN)]
# More than whitespace, as Python's \s (quote matching) has it: pydantic's \s leaves out
# U+001C to U+001F. A blank quote would match anywhere.
TEXT_PATTERN = r"[^\s\x1c-\x1f]"
Text = Annotated[str, StringConstraints(pattern=TEXT_PATTERN)]

DEFAULT_CATEGORIES: dict[str, str] = {
    "pain": "Back pain relief",
    "circulation": "Circulation and healing",
    "posture": "Muscle tension and posture",
    "stress": "Stress and anxiety",
    "mobility": "Mobility and flexibility",
}


class Locating(Protocol):
    """Finds a position in the claims file; the YAML loader provides one."""

    def locate(self, *parts: str | int, key: bool = False) -> Location: ...


class _Model(BaseModel):
    """What loading attaches state to: the corpus and its documents."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# The records a corpus holds by the hundred thousand (claims, their evidence, studies)
# are slotted pydantic dataclasses: validated as strictly as a model, in less than half
# the time, and without a model's per-instance dictionary and set of given fields.
_STRICT = ConfigDict(extra="forbid")


def _whole_number(value: object) -> object:
    """Refuse YAML's `true` and `1.0` where a whole number belongs: Python counts True as
    1 and 1.0 equal to 1, so pydantic would take them for `version: 1` or `steps: 1`."""
    if isinstance(value, bool | float):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


_WHOLE = BeforeValidator(_whole_number)


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class Anchor:
    """Where a document makes a claim: a W3C TextQuoteSelector."""

    document: str = Field(description="Key of the document under `documents`.")
    exact: Text = Field(description="The quoted passage, as it reads in the document.")
    prefix: str = Field(
        default="", description="Text just before the quote, to tell repeats apart."
    )
    suffix: str = Field(default="", description="Text just after the quote, to tell repeats apart.")


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class Evidence:
    """One study cited for one claim, and what it says about it."""

    ref: str = Field(description="BibTeX key of the study in the bibliography.")
    stance: Stance = Field(description="supports, refutes, mixed or insufficient.")
    note: str | None = Field(
        default=None, description="What the study found for this exact claim, in one line."
    )


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class Reason:
    """A GRADE domain that moves the claim's certainty, with its explanation."""

    domain: Domain = Field(
        description="Down: risk-of-bias, inconsistency, indirectness, imprecision, "
        "publication-bias. Up: large-effect, dose-response, confounding."
    )
    steps: Annotated[Literal[1, 2], _WHOLE] = Field(
        default=1, description="1 for GRADE 'serious' (or +1 up), 2 for 'very serious' (or +2)."
    )
    why: Text = Field(description="Why this domain applies, in one line.")


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class Override:
    """A human judgement of certainty that differs from the derivation."""

    certainty: Certainty = Field(description="The certainty to use instead of the derived one.")
    justification: str | None = Field(
        default=None, description="Why the derivation is overruled; required (ME402)."
    )


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class Claim:
    """One atomic benefit claim: one outcome, its evidence and its certainty."""

    id: Kebab = Field(description="Unique, lowercase kebab-case identifier.")
    category: str = Field(description="Key of the claim's category under `categories`.")
    statement: Text = Field(
        description="The claim, worded to match its certainty (GRADE guidance 26)."
    )
    population: str | None = Field(default=None, description="PICO: who the claim is about.")
    intervention: str | None = Field(default=None, description="PICO: what is done.")
    comparator: str | None = Field(default=None, description="PICO: compared with what.")
    outcome: str | None = Field(default=None, description="PICO: what is measured.")
    anchors: tuple[Anchor, ...] = Field(
        default=(), description="Passages in the documents that make this claim."
    )
    evidence: tuple[Evidence, ...] = Field(
        default=(), description="The studies that bear on the claim."
    )
    certainty: Certainty | None = Field(
        default=None, description="Declared certainty; must equal the derivation (ME401)."
    )
    reasons: tuple[Reason, ...] = Field(
        default=(), description="GRADE domains that move certainty from its starting level."
    )
    override: Override | None = Field(
        default=None, description="A justified human judgement that replaces the derivation."
    )


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class Study:
    """The appraisal of one cited work: judgements that do not belong in refs.bib."""

    design: Design = Field(description="Study design; sets the starting certainty.")
    population: str | None = Field(default=None, description="Who was studied.")
    participants: Annotated[int, Strict()] | None = Field(
        default=None, ge=1, description="Number of participants."
    )
    risk_of_bias: RiskOfBias | None = Field(default=None, description="low, some-concerns or high.")
    status: StudyStatus = Field(
        default=StudyStatus.CURRENT,
        description="current, retracted, expression-of-concern or superseded.",
    )


class Document(_Model):
    """A source text whose claims are annotated."""

    path: str = Field(description="Path of the text, relative to the claims file.")
    title: str | None = Field(default=None, description="Title shown in reports.")
    not_claims: tuple[str, ...] = Field(
        default=(), description="Exact quotes that read like claims but are not (silences ME504)."
    )

    _text: str | None = PrivateAttr(default=None)
    _display_path: str = PrivateAttr(default="")

    @property
    def text(self) -> str | None:
        """The document's text as read (UTF-8), or None when it could not be read."""
        return self._text

    @property
    def display_path(self) -> str:
        """The document's path as findings show it."""
        return self._display_path or self.path


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def bare_doi(doi: str) -> str:
    """`doi` without the resolver prefix that reference managers often add
    (`https://doi.org/`, `doi:`) and without surrounding space."""
    return _DOI_PREFIX.sub("", doi.strip())


@dataclasses.dataclass(frozen=True, slots=True)
class Reference:
    """One BibTeX entry: bibliographic facts only, as the reference manager wrote them.

    A plain dataclass, not a model: the BibTeX parser has already given it strings only,
    and a large bibliography holds hundreds of thousands of entries.
    """

    key: str
    """The citation key."""
    entry_type: str
    """Lower-case entry type, e.g. 'article'."""
    fields: Mapping[str, str]
    """Lower-case field names to values, braces kept and LaTeX undecoded."""
    location: Location
    """Where the entry starts in the bibliography."""

    def get(self, name: str) -> str | None:
        """A field's value, or None when absent or blank."""
        value = self.fields.get(name)
        return value if value and value.strip() else None


class Corpus(_Model):
    """A claims file with everything it points to: bibliography and documents.

    The fields are claims.yaml (schema version 1); the bibliography, document texts and
    source positions are attached when loading.
    """

    version: Annotated[Literal[1], _WHOLE] = Field(
        description="Schema version of the claims file; always 1."
    )
    title: Text = Field(description="Title of the evidence base, shown in reports.")
    bibliography: str = Field(
        default="refs.bib", description="BibTeX file, relative to the claims file."
    )
    categories: Mapping[Kebab, Text] = Field(
        default_factory=lambda: dict(DEFAULT_CATEGORIES),
        description="Category keys and their titles; defaults to pain, circulation,"
        " posture, stress and mobility.",
    )
    documents: Mapping[str, Document] = Field(
        default_factory=dict, description="The texts whose claims are annotated, by key."
    )
    studies: Mapping[str, Study] = Field(
        default_factory=dict, description="One appraisal per cited BibTeX key."
    )
    claims: tuple[Claim, ...] = Field(description="The claims, each with its evidence.")

    _path: str = PrivateAttr(default="")
    _bibliography_path: str = PrivateAttr(default="")
    _entries: tuple[Reference, ...] = PrivateAttr(default=())
    _references: dict[str, Reference] = PrivateAttr(default_factory=dict)
    _locator: Locating | None = PrivateAttr(default=None)
    _load_problems: tuple[tuple[str, Problem], ...] = PrivateAttr(default=())
    _bibliography_read: bool = PrivateAttr(default=False)
    _field_locator: Callable[[Reference, str], Location] | None = PrivateAttr(default=None)
    _derived: dict[str, object] = PrivateAttr(default_factory=dict)

    @property
    def path(self) -> str:
        """The claims file as findings show it."""
        return self._path

    @property
    def bibliography_path(self) -> str:
        """The bibliography as findings show it."""
        return self._bibliography_path

    @property
    def references(self) -> Mapping[str, Reference]:
        """Bibliography entries by key (the first entry where a key repeats)."""
        return self._references

    @property
    def entries(self) -> tuple[Reference, ...]:
        """Every bibliography entry in file order, repeated keys included."""
        return self._entries

    @property
    def load_problems(self) -> tuple[tuple[str, Problem], ...]:
        """Problems found while loading that did not stop it, with their codes."""
        return self._load_problems

    @property
    def input_paths(self) -> tuple[str, ...]:
        """The claims file, the bibliography and the documents, as findings show them."""
        documents = (document.display_path for document in self.documents.values())
        return (self._path, self._bibliography_path, *documents)

    def locate_field(self, entry: Reference, name: str) -> Location:
        """Where field `name` of bibliography entry `entry` is given, else where the
        entry starts."""
        if self._field_locator is None:
            return entry.location
        return self._field_locator(entry, name)

    @property
    def bibliography_read(self) -> bool:
        """Whether the bibliography could be read (else citations cannot be checked)."""
        return self._bibliography_read

    def derived(self, name: str, make: Callable[[Corpus], _T]) -> _T:
        """A value computed from this corpus once and kept, e.g. the matched anchors.

        Why: several rules, reports and exports need the same derived data; the corpus is
        frozen, so computing it once is safe.
        """
        if name not in self._derived:
            self._derived[name] = make(self)
        return cast(_T, self._derived[name])

    def locate(self, *parts: str | int, key: bool = False) -> Location:
        """The position in the claims file of the value at `parts`, e.g.
        `locate("claims", 3, "evidence", 0, "ref")`."""
        if self._locator is None:
            return Location(self._path)
        return self._locator.locate(*parts, key=key)
