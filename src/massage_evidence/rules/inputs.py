"""ME1xx: problems found while reading the input files.

The loader reports these; they are declared here so that they are listed, documented and
selectable like every other rule.
"""

from __future__ import annotations

from ..findings import Severity
from . import load_rule

load_rule(
    "ME101",
    "yaml-syntax",
    Severity.ERROR,
    """The claims file is not valid YAML.

    Why: nothing else can be checked until the file parses. The finding points at the
    character where the parser gave up.

    Example:
        claims:
          - id: pain-low-back
        <TAB>category: pain       # indented with a tab character

    Fix:
        claims:
          - id: pain-low-back
            category: pain        # spaces only
    """,
)

load_rule(
    "ME102",
    "schema-violation",
    Severity.ERROR,
    """A field of claims.yaml is missing, unknown or of the wrong type.

    Why: a typo in a key would otherwise be silently ignored, and a wrong value would
    change what a claim says. Unknown keys are errors so that typos are caught.

    Example:
        evidence:
          - ref: furlan2015massage
            stance: support      # not in the vocabulary
            notes: short term    # unknown key

    Fix:
        evidence:
          - ref: furlan2015massage
            stance: supports
            note: short term
    """,
)

load_rule(
    "ME103",
    "duplicate-yaml-key",
    Severity.ERROR,
    """A mapping in the claims file repeats a key.

    Why: YAML forbids repeated keys, and parsers disagree on which value wins; the file
    would say two things at once.

    Example:
        - id: stress-anxiety
          statement: Massage may reduce anxiety.
          statement: Massage reduces anxiety.

    Fix:
        - id: stress-anxiety
          statement: Massage may reduce anxiety.
    """,
)

load_rule(
    "ME104",
    "bibtex-syntax",
    Severity.ERROR,
    """A BibTeX block could not be parsed, an entry has no citation key, or an entry
    repeats a field.

    Why: an entry that does not parse, or has no key, is lost, and every claim citing it
    loses its evidence. An entry that repeats a field keeps only the first value, as
    BibTeX does.

    Example:
        @article{furlan2015massage,
          title = {Massage for low-back pain,
          year = 2015,
        }

    Fix:
        @article{furlan2015massage,
          title = {Massage for low-back pain},
          year = 2015,
        }
    """,
)

load_rule(
    "ME105",
    "unreadable-file",
    Severity.ERROR,
    """An input file is missing, not a regular file, or not UTF-8.

    Why: a bibliography or document that cannot be read leaves every claim that depends
    on it unchecked. Files are read as UTF-8 (a byte-order mark is allowed).

    Example:
        bibliography: refs.bib    # saved as Latin-1 by an old reference manager

    Fix: re-save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8 refs.bib > new.bib`.
    """,
)

load_rule(
    "ME106",
    "input-limit",
    Severity.ERROR,
    """An input is over a size limit: file size, YAML alias expansion, nesting depth
    or number of items.

    Why: claims files arrive in pull requests from strangers. A few hundred bytes of
    YAML aliases can expand to gigabytes; limits keep CI from hanging.

    Example:
        a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]   # ... and so on

    Fix: remove the aliases, or raise the limit if the input is genuinely that large.
    """,
)

load_rule(
    "ME107",
    "path-outside-root",
    Severity.ERROR,
    """A document or bibliography path leads outside the claims file's repository.

    Why: claims files arrive in pull requests from strangers, and CI prints what it reads
    in findings and reports. A path such as `../../.ssh/id_rsa`, an absolute path or a
    symbolic link that points out of the repository would expose files of the machine
    that runs the check. The root is the nearest folder above the claims file that holds
    `.git`, else the claims file's own folder; such a file is not read.

    Example:
        bibliography: /home/runner/.netrc
        documents:
          wellness:
            path: ../../secrets/article.txt

    Fix: keep the files in the repository and name them by relative paths, e.g.
    `path: ../seeds/article.txt` from `data/claims.yaml`. When the files are meant to
    live elsewhere, and the claims file is trusted, pass `--allow-outside-root` (or set
    `allow-outside-root = true` under `[tool.massage-evidence]`).
    """,
)
