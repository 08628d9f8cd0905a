"""The built-in values of the options, where the option (:mod:`.options`) and the code that
reads notes or runs them both need one.

This module imports nothing of the package: :mod:`.options` is read when the plugin registers
its options, before anything about notes is, and the modules that read and run notes import
:mod:`.options` for its words (a cycle when either took the value from the other).
"""

from __future__ import annotations

#: File name patterns of notes (``torchnotes_patterns``).
NOTE_PATTERNS = ("*.md", "*.markdown")

#: File name patterns of the Markdown of other tools, read as a note when named on the command
#: line or in ``testpaths`` (``pytest chapter.Rmd``): R Markdown and Quarto, whose
#: ```` ```{python} ```` chunks are blocks. A folder of them is collected with
#: ``torchnotes_patterns``.
NAMED_NOTE_PATTERNS = ("*.Rmd", "*.rmd", "*.qmd")

#: Languages collected as Python blocks (``torchnotes_languages``), as
#: :func:`.markdown.lexing.info.language` reads them from the info string (``python`` for
#: ```` ```Python ````, ```` ```{.python} ````, ```` ```{python} ````). A ``>>>`` session is
#: written ``pycon`` (Pygments, GitHub), ``python-console`` (Pygments' other name),
#: ``python-repl`` (highlight.js) or ``doctest`` (Sphinx's doctest blocks).
LANGUAGES = (
    "python",
    "py",
    "python3",
    "py3",
    "ipython",
    "ipython3",
    "pycon",
    "python-console",
    "python-repl",
    "doctest",
)

#: Info strings of an output fence right after a block (``torchnotes_output_fence``).
OUTPUT_FENCES = ("output", "out", "stdout", "result")

#: How output is compared where nothing says otherwise (``torchnotes_compare``).
COMPARE = "numeric"

#: The seed of torch, random and numpy before each note (``torchnotes_seed``).
SEED = 0

#: Largest expected output, in bytes, that update mode writes (``torchnotes_update_max_bytes``;
#: 0: no limit).
UPDATE_MAX_BYTES = 32768

#: What a block with IPython magics does (``torchnotes_magics``).
MAGICS = "run"

#: How many runs in a row may leave an entry of the plugin's caches unused before it is
#: removed (``torchnotes_cache = on``).
CACHE_KEEP_RUNS = 10

#: How ``>>>`` transcripts are checked (``torchnotes_transcripts``).
TRANSCRIPTS = "doctest"
