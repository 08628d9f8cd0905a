"""Where a block's expected output stands after it, and what looks like output but is not read.

Hand-written notes put a block's output in a fence after it, often under a label line
(``输出：``, ``**Output:**``, ``Out[3]:``). A fence read as output is decided by
:func:`read_as_output`; anything else after a block that looks like its output (a fence
without label, an ``output`` fence after prose, an indented block, a label without a fence) is
described by :func:`unread_output`, so that it is reported rather than silently left alone.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass, field

from pytest_torchnotes import defaults
from pytest_torchnotes.markdown.container_output import container_output
from pytest_torchnotes.markdown.fence_option import output_fence_flag
from pytest_torchnotes.markdown.image_output import (
    DRAWS,
    IMAGE,
    UNLABELED_IMAGE,
    image_alone_message,
)
from pytest_torchnotes.markdown.lead_in_lines import (
    NAMES_OUTPUT,
    heading_leads_in,
    heading_names_output,
    is_lead_in,
    says_output_follows,
)
from pytest_torchnotes.markdown.lexers import QUOTE, FenceLexeme, first_text, strip_columns, width
from pytest_torchnotes.markdown.lexing.fence_content import as_output
from pytest_torchnotes.markdown.lexing.template_tags import PLAIN_LANGUAGES
from pytest_torchnotes.markdown.site_containers import comment_tab
from pytest_torchnotes.markdown.wrappers import (
    HEADING,
    SETEXT_UNDERLINE,
    WRAPPER_LINE,
    container_title,
    fence_title,
)
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.options import NONE  # a ``none`` fence cannot be named in the option
from pytest_torchnotes.words import and_more

#: Words of a Chinese output label: ``输出``, ``运行结果``, ``打印结果``, ``输出如下``,
#: ``执行后输出``, ``代码运行结果``..., in traditional characters (``輸出``, ``執行結果``) and
#: as Japanese writes them (``結果``, ``出力``, ``実行結果``).
CHINESE_LABEL = (
    r"(?:(?:上述|以上|上面)?(?:[^\s：:，,。]{1,6}的)?(?:(?:程序|代码|程式|代碼)的?)?"
    r"(?:(?:运行|执行|打印|控制台|终端|实际|预期|示例|得到|運行|執行|実行|實際|預期)(?:后|之后|後)?的?)?)"
    r"(?:输出|结果|打印|輸出|結果|出力)(?:结果|内容|結果|內容)?"
)

#: Words of an English output label: ``Output``, ``Result``, ``Expected output``, ``Out[3]``,
#: ``This prints``...
ENGLISH_LABEL = (
    r"(?:(?:the|expected|example|sample|program|console|terminal|actual|this|which|it)[ \t]+)?"
    r"(?:output|outputs|out(?:\[\d*\])?|results?|prints?|printed|printout|stdout)"
)

#: ``**`` or ``_`` around a label, and the colon (ASCII or full-width) inside or after them.
_OPTIONAL_COLON = r"[ \t]*(?:[*_]{1,2})?[ \t]*[:：]?[ \t]*(?:[*_]{1,2})?[ \t]*[:：]?[ \t]*"
_COLON = r"[ \t]*(?:[*_]{1,2})?[ \t]*[:：][ \t]*(?:[*_]{1,2})?[ \t]*"

#: A label line between a block and its output fence: a line of its own holding only an
#: output label in Chinese or English, maybe in bold or italics, maybe ending in a colon
#: (ASCII or full-width): ``输出：``, ``**Output:**``, ``运行结果:``, ``Out[3]:``, ``打印结果``,
#: ``输出如下：``, ``【输出】``. A label that reads as the start of a sentence (``The output is``,
#: ``输出为``) is one only when it ends in a colon.
OUTPUT_LABEL = re.compile(
    rf"^[ \t]*(?:[*_]{{1,2}}[ \t]*)?(?:"
    rf"(?:【{CHINESE_LABEL}】|{CHINESE_LABEL}(?:如下)?|{ENGLISH_LABEL}(?:[ \t]+below)?)"
    rf"{_OPTIONAL_COLON}"
    rf"|(?:{CHINESE_LABEL}(?:均|都|皆)?(?:为|是)"
    rf"|{ENGLISH_LABEL}[ \t]+(?:is|was|will[ \t]+be)){_COLON}"
    r")$",
    re.IGNORECASE,
)

#: What :func:`unread_output` says of a label whose output is an image: the note gathers
#: them in one warning (:func:`.image_output.image_warning`).
IMAGE_OUTPUT = "an image under the label"

#: What :func:`unread_output` says of a fence that reads as a block's output past prose: the
#: note gathers them in one warning (:func:`prose_between_warning`).
PROSE_BETWEEN = "a fence of output past prose"

#: A row of a Markdown table (``| a | b |``) and the row of dashes under its header
#: (``| --- | :-: |``).
TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
#: A table's header cell that names printed output, and a cell that holds what torch prints.
TABLE_OUTPUT_HEADER = NAMES_OUTPUT
TABLE_OUTPUT_CELL = re.compile(
    r"[\[(]*(?:tensor|torch\.Size|array)\(|Parameter containing:|device\(type="
    r"|[\[(]+(?:True|False|None)(?=[,)\]])|\w+(?:Error|Warning):"
)
TABLE_DELIMITER = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?[ \t]*$")

#: Lines longer than this are prose, not labels (a label is a few words).
LABEL_LENGTH = 60

#: Info strings of a fence read as a block's output right after it, with no label needed:
#: they say what the fence holds.
OUTPUT_FENCES = frozenset(defaults.OUTPUT_FENCES)

#: Info strings of a fence read as output after a label line; ``""`` is a bare fence.
#: ``none`` is what sphinx-gallery and pandoc write for text without highlighting.
LABELED_FENCES = frozenset({"", "text", "console", "plaintext", "txt", "none"}) | OUTPUT_FENCES

#: Info strings of fences that hold output when they stand after a block.
OUTPUT_LOOKING = LABELED_FENCES

#: The info string of text without highlighting: sphinx-gallery writes what each cell of a
#: tutorial printed in such a block right under it (``.. code-block:: none``, rendered on
#: pytorch.org and turned into Markdown as ```` ```none ```` or ```` ```{.sourceCode .none}
#: ````), so it is read as output right after a block, label or not, while output fences are
#: read at all.
UNHIGHLIGHTED = "none"

#: Info strings of shell fences, which hold commands, or what a command printed: a block's
#: output when it reads as such (:data:`PRINTED_VALUE`).
SHELL_FENCES = frozenset({"bash", "sh", "shell", "zsh", "shell-session"})

#: Info strings of fences that hold a block's output when it reads as such, as shell fences
#: do: markup languages a page picks for text its highlighter leaves plain (a blog's
#: ``{% highlight html %}`` of ``tensor([1., 2.])``).
PRINTED_IN_OTHER = SHELL_FENCES | frozenset({"html", "xml", "markdown", "md"})

#: A line of markup in such a fence: a tag, but not a repr (``<class 'torch.Tensor'>``,
#: ``<SumBackward0 object at 0x7f>``).
MARKUP_LINE = re.compile(r"^[ \t]*<(?!class )[/!]?[A-Za-z][\w:-]*(?![^>]* at 0x)[ />]")

#: The first line of text that Python printed rather than a shell command: a tensor, a
#: number, a bracket, a repr, a constant, an exception.
PRINTED_VALUE = re.compile(
    r"^[ \t]*(?:[\[({<'\"]|[-+]?\.?\d|(?:True|False|None)\b|[\w.]+\(|\w+(?:Error|Warning)\b|"
    r"Traceback\b)"
)

#: A number or a constant as ``print`` writes it.
_SCALAR = r"(?:True|False|None|[-+]?\d[\d.]*(?:e[-+]?\d+)?)"

#: A dtype as PyTorch prints it: ``torch.float32``.
_DTYPE = r"torch\.(?:u?int\d*|float\d*|bfloat16|half|double|long|short|bool|complex\d*|cfloat)"

#: A line that reads as what PyTorch printed, not as a remark or as code: a tensor, a size, a
#: dtype, a device, a parameter, an exception, numbers, a constant, and a list or tuple that
#: starts with one of them (``[Parameter containing:``, ``(True, False)``: what ``print`` writes
#: of a list of them), or several numbers and constants on one line (``True False``: what
#: ``print(a, b)`` writes). The first line of a block quote (``> tensor([1., 1.])``, not
#: ``> **Note**`` or ``> [!TIP]``) or of a Python fence after a block (``torch.Size([2])``,
#: not ``torch.zeros(2)``) that reads so is taken for output.
PRINTED_REPR = re.compile(
    r"^(?:[\[(]*(?:(?:tensor|torch\.Size|array)\(|Parameter containing:|device\(type=)"
    # a dtype or a constant as an item of a list or tuple, never a sentence's first word
    # (``True, the tensor is contiguous.``)
    rf"|[\[(]+(?:{_DTYPE}|True|False|None)(?=[,)\]])|{_DTYPE}$"
    r"|\w+(?:Error|Warning):|[\[(][-+\d\s.,e\[\]()]*$"
    rf"|{_SCALAR}(?:[ \t]+{_SCALAR})*$)"
)

#: A line after a block that holds a label and the output on the same line: ``输出：tensor([1])``,
#: ``**Output:** `torch.Size([2])```; the output (group ``value``, maybe in backticks) reads as
#: :data:`PRINTED_REPR`.
INLINE_OUTPUT = re.compile(
    rf"^[ \t]*(?:[*_]{{1,2}}[ \t]*)?(?:{CHINESE_LABEL}|{ENGLISH_LABEL}){_COLON}"
    r"`*(?P<value>[^`]+?)`*[ \t]*$",
    re.IGNORECASE,
)

#: A shell session in a fence (``$ pip install ...``): not a block's output.
SHELL_PROMPT = re.compile(r"^[ \t]*(?:\$|#|PS>|>) ")


@dataclass
class Gap:
    """What stands between a block's closing fence and the next fence (0-based lines)."""

    labels: list[int] = field(default_factory=list)
    comments: list[int] = field(default_factory=list)
    prose: list[int] = field(default_factory=list)
    #: The first line of an indented code block that comes before any prose.
    indented: int | None = None
    #: The first line of prose, when it is a block quote that reads as printed output
    #: (:mod:`.quoted_output` reads it, or says why not).
    quoted: int | None = None
    #: The first line of prose, when it is a label with the output on the same line.
    inline: int | None = None
    #: The first line of prose, when it is an image (a screenshot of the output).
    image: int | None = None
    #: Whether that image says nothing of what it shows (no alt text).
    unlabeled_image: bool = False
    #: The first line of prose, when it is the header row of a Markdown table.
    table: int | None = None
    #: The first line of prose, when it is a sentence leading into what follows
    #: (``and obtained:``, ``我们得到``: :mod:`.lead_in_lines`).
    lead_in: int | None = None
    #: Whether that sentence says that output follows (``which gives:``, not ``Run:``).
    says_output: bool = False
    #: Whether a heading or a container's title that is no label stands among the prose:
    #: what follows is another section's, or a container's that says what it holds.
    titled: bool = False
    #: The first line of prose, when it opens a container (``<summary>``, ``!!! note``)
    #: whose title is no label.
    container: int | None = None

    @property
    def only_labels(self) -> bool:
        return not self.comments and not self.prose and self.indented is None


def gap(
    lines: Sequence[str],
    block: FenceLexeme,
    stop: int,
    label: re.Pattern[str],
    comment_lines: Container[int],
    *,
    to_the_end: bool = True,
) -> Gap:
    """Sort the lines after ``block`` up to line ``stop`` (excluded). Without
    ``to_the_end``, stop at the first line of prose: what follows it cannot be output."""
    assert block.close_line is not None
    found = Gap()
    base = width(block.prefix[len(QUOTE.match(block.prefix).group()) :])  # type: ignore[union-attr]
    for index in range(block.close_line + 1, stop):
        tab = comment_tab(lines[index]) if index in comment_lines else None
        if tab is not None:  # a Hexo theme's tab: its title, or its end (``""``)
            if tab:
                found_in = found.labels if label.match(tab) else found.prose
                if found_in is found.prose and not found.prose:
                    found.container = index
                found_in.append(index)
                found.titled = found.titled or found_in is found.prose
                if found_in is found.prose and not to_the_end:
                    break
            continue
        if index in comment_lines:
            if not found.comments or found.comments[-1] != index - 1:
                found.comments.append(index)
            continue
        line = lines[index]
        quotes = QUOTE.match(line)
        rest = line[quotes.end() :] if quotes else line
        if not rest.strip() or WRAPPER_LINE.match(rest):
            continue
        found.container = None  # a container's fence is output only right under its title
        if found.labels and found.labels[-1] == index - 1 and SETEXT_UNDERLINE.match(rest):
            continue  # the underline of a label that is a setext heading
        # a heading may be indented up to 3 columns past the content column of the block's
        # list item or definition (4 columns in ``:   ```python``)
        title_line = strip_columns(rest, base)[1]
        title = container_title(title_line)
        if (
            title is not None
            and not found.prose
            and not found.labels
            and not label.match(title)
            and heading_leads_in(title_line, title)
        ):  # ``#### check output``: it leads into what follows, and starts no section
            found.lead_in, found.says_output = index, says_output_follows(title)
            found.prose.append(index)
            if not to_the_end:
                break
            continue
        if title is not None:
            found_in = found.labels if label.match(title) else found.prose
            if found_in is found.prose and not found.prose and not HEADING.match(rest):
                found.container = index
            found_in.append(index)
            # a heading that names output (``#### Output of the loop``) titles the fence
            # under it as the block's: prose between them, not another section's start
            found.titled = found.titled or (
                found_in is found.prose and not heading_names_output(title_line, title)
            )
            if found_in is found.prose and not to_the_end:
                break
            continue
        leading = rest[: len(rest) - len(rest.lstrip(" \t"))]
        if width(leading) >= base + 4:
            if not found.prose and found.indented is None:
                found.indented = index
            continue
        if len(rest) <= LABEL_LENGTH and label.match(rest):
            found.labels.append(index)
        else:
            if not found.prose and _quoted_value(line, rest, block.quote_depth):
                found.quoted = index
            elif not found.prose and IMAGE.match(rest):
                found.image = index
                found.unlabeled_image = UNLABELED_IMAGE.match(rest) is not None
            elif not found.prose and _table_header(rest, lines, index + 1, stop):
                found.table = index
            elif not found.prose and not found.labels and _inline_output(rest):
                found.inline = index
            elif not found.prose and not found.labels and is_lead_in(rest):
                found.lead_in, found.says_output = index, says_output_follows(rest)
            found.prose.append(index)
            if not to_the_end:
                break
    return found


def _table_header(rest: str, lines: Sequence[str], after: int, stop: int) -> bool:
    """Whether ``rest`` is the header row of a Markdown table that reads as printed output:
    a row of cells between ``|`` whose next line (``after``, before ``stop``) is the row of
    dashes under a header, and whose header names output (``Output``, ``输出``) or whose
    rows hold what torch prints (``tensor(...)``, ``torch.Size([...])``). A table of words or
    of numbers alone (a benchmark, a comparison) is prose."""
    if after >= stop or TABLE_ROW.match(rest) is None:
        return False
    if TABLE_DELIMITER.match(_unquoted(lines[after])) is None:
        return False
    if TABLE_OUTPUT_HEADER.search(rest):
        return True
    for index in range(after + 1, stop):
        row = _unquoted(lines[index])
        if TABLE_ROW.match(row) is None:
            break
        if any(TABLE_OUTPUT_CELL.match(cell.strip().strip("`")) for cell in row.split("|")):
            return True
    return False


def _unquoted(line: str) -> str:
    quotes = QUOTE.match(line)
    return line[quotes.end() :] if quotes else line


def _quoted_value(line: str, rest: str, depth: int) -> bool:
    """Whether ``line`` is in a block quote deeper than the block's ``depth`` and its text,
    ``rest``, reads as printed output."""
    markers = line[: len(line) - len(rest)].count(">")
    return markers > depth and PRINTED_REPR.match(rest.strip()) is not None


def _inline_output(text: str) -> bool:
    """Whether ``text`` is a label with output that reads as printed on the same line."""
    inline = INLINE_OUTPUT.match(text)
    return inline is not None and PRINTED_REPR.match(inline.group("value").strip()) is not None


def titled_as_label(candidate: FenceLexeme, label: re.Pattern[str] | None) -> bool:
    """Whether ``candidate``'s info string gives it a title that reads as a label
    (```` ```text title="Output" ````, as mkdocs-material and Docusaurus write it)."""
    title = fence_title(candidate.info)
    return title is not None and label is not None and label.match(title) is not None


def read_as_output(
    candidate: FenceLexeme,
    between: Gap,
    output_fences: frozenset[str],
    labeled_fences: frozenset[str],
    *,
    titled: bool = False,
    block: FenceLexeme | None = None,
) -> bool:
    """Whether ``candidate``, after a block with ``between`` in between, is its output;
    ``titled``: its own title is a label; ``block``: the block, when known."""
    if only_a_lead_in(between):
        # a sentence leading into the fence: an output fence, or a bare or text one (where
        # labels are read) whose text reads as printed output, never as code; under a block
        # that prints nothing, the sentence tells what other code would print
        if block is not None and not may_print(block):
            return False
        if candidate.language in output_fences:
            return True
        return candidate.language in labeled_fences and printed_fence(candidate)
    if not between.only_labels:
        return False
    if len(between.labels) > 1:
        return False
    if candidate.language in output_fences:
        return True
    if candidate.language == UNHIGHLIGHTED and output_fences:
        return True
    if candidate.tag and candidate.language in PLAIN_LANGUAGES and output_fences:
        return True  # a site's tag of plain text: its bare fence
    return (bool(between.labels) or titled) and candidate.language in labeled_fences


def only_a_lead_in(between: Gap) -> bool:
    """Whether the one line that is not blank in ``between`` is a sentence leading into
    what follows it."""
    return (
        between.lead_in is not None
        and between.prose == [between.lead_in]
        and not between.labels
        and not between.comments
        and between.indented is None
    )


def may_print(block: FenceLexeme) -> bool:
    """Whether ``block`` may print: it calls ``print`` or ``display``, or ends with an
    expression whose value a notebook shows, other than a call, which may return ``None``
    (``loss.backward()``), or it does not parse (the run says why).

    >>> from pytest_torchnotes.markdown.lexers import MarkdownLexer
    >>> [may_print(fence) for fence in MarkdownLexer()(
    ...     "```\\nx = 1\\n```\\n```\\nloss.backward()\\n```\\n"
    ...     "```\\nx\\n```\\n```\\nprint(x)\\n```\\n"
    ... ).fences]
    [False, False, True, True]
    """
    text = "\n".join(line.text for line in block.body)
    if "print" in text or "display" in text:
        return True
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError):
        return True
    return (
        bool(body) and isinstance(body[-1], ast.Expr) and not isinstance(body[-1].value, ast.Call)
    )


def printed_fence(fence: FenceLexeme) -> bool:
    """Whether ``fence`` holds what code printed: its first line reads as a printed value
    (:data:`PRINTED_REPR`), and its text is neither code nor a shell session.

    >>> from pytest_torchnotes.markdown.lexers import MarkdownLexer
    >>> [printed_fence(fence) for fence in MarkdownLexer()(
    ...     "```\\ntensor([1, 2])\\n```\\n```\\nx = tensor([1])\\n```\\n```\\npip install\\n```\\n"
    ... ).fences]
    [True, False, False]
    """
    first = first_text(fence.body)
    text = "\n".join(line.text for line in fence.body)
    return (
        PRINTED_REPR.match(first.strip()) is not None
        and SHELL_PROMPT.match(first) is None
        and not looks_like_python(text)
    )


def looks_like_python(text: str) -> bool:
    """Whether a fence's text is Python code rather than what code printed: it parses, and
    holds a statement other than a bare expression, or a ``print()`` call.

    >>> looks_like_python("x = torch.ones(2)\\nprint(x)")
    True
    >>> looks_like_python("tensor([1., 1.])\\ntorch.Size([2])")
    False
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not isinstance(node, (ast.Expr, ast.Module)):
            return True
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
            return True
    return False


def output_looking(fence: FenceLexeme, languages: Container[str], *, labeled: bool) -> bool:
    """Whether ``fence`` could hold a block's output; under a label, any language may."""
    if fence.language in languages or fence.close_line is None:
        return False
    first = first_text(fence.body)
    printed = (
        fence.language in PRINTED_IN_OTHER
        and PRINTED_VALUE.match(first) is not None
        and not (fence.language not in SHELL_FENCES and MARKUP_LINE.match(first))
    )
    if not labeled and fence.language not in OUTPUT_LOOKING and not printed:
        return False
    text = "\n".join(line.text for line in fence.body)
    return not (SHELL_PROMPT.match(first) or looks_like_python(text))


def unread_output(
    block: FenceLexeme,
    between: Gap,
    following: FenceLexeme | None,
    output_fences: frozenset[str],
    labeled_fences: frozenset[str],
    languages: Container[str],
    *,
    labels_read: bool = True,
    titled: bool = False,
) -> tuple[int, str] | None:
    """``(0-based line, message)`` for what looks like ``block``'s output but is not read;
    ``labels_read`` says whether label lines are read at all, ``titled`` whether the fence's
    own title is a label."""
    assert block.close_line is not None
    where = f"the block at line {shown(block.open_line)}"
    first_label = between.labels[0] if between.labels else None
    if between.indented is not None and (first_label is None or first_label < between.indented):
        return (
            between.indented,
            f"indented text after {where} looks like its output but is not read: put it in a "
            "fence marked output (```output)",
        )
    labeled = (bool(between.labels) or titled) and between.only_labels
    if following is not None and output_looking(following, languages, labeled=labeled):
        info = following.language or "bare"
        fence_name = following.opening if following.info else "without info string"
        line = following.open_line
        intro = f"fence {fence_name} after {where} looks like its output but is not read"
        if between.only_labels and not between.labels and not titled:
            by_option = (
                f", or read such fences with {output_fence_flag(output_fences, following.language)}"
                if info != NONE
                else ""
            )
            return (
                line,
                f"{intro}: put a label line such as 输出： or Output: above it{by_option}",
            )
        if between.only_labels and len(between.labels) == 1 and not labels_read:
            return (
                line,
                f"{intro}: label lines are not read (torchnotes_output_label is none); read them "
                "with --torchnotes-output-label=default",
            )
        if between.only_labels and len(between.labels) <= 1:
            return (
                line,
                f"{intro}: read it with {output_fence_flag(output_fences, following.language)}"
                + (
                    ""
                    if following.language in labeled_fences or not labeled_fences
                    else f" (after a label, only {_names(labeled_fences)} fences are read)"
                ),
            )
        if only_a_lead_in(between) and between.says_output and may_print(block):
            assert between.lead_in is not None
            if (
                labeled_fences
                and following.language not in labeled_fences
                and printed_fence(following)
            ):  # ```shell of printed output: its tag keeps it unread, not what it holds
                return (
                    line,
                    f"{intro}: line {shown(between.lead_in)} leads into it, but under such a "
                    f"line only {_names(labeled_fences)} fences are read: read it with "
                    f"{output_fence_flag(output_fences, following.language)}, or mark the "
                    f"fence {as_output(following)}",
                )
            return (
                line,
                f"{intro}: line {shown(between.lead_in)} leads into it, but is no label and its "
                f"first line does not read as printed output: put a label line such as Output: "
                f"or 输出： in place of that line, or mark the fence {as_output(following)}",
            )
        explicit = following.language in output_fences or following.language == "output"
        if between.labels or explicit or not (between.prose or between.comments):
            return (line, f"{intro}: {_in_between(between)}")
        if _output_past_comment(block, between, following, labeled_fences):
            return (line, f"{intro}: {_in_between(between)}")
        if _output_past_prose(block, between, following, labeled_fences):
            return (line, PROSE_BETWEEN)  # one warning per note: outputfence
        if _output_in_a_container(block, between, following, labeled_fences):
            assert between.container is not None
            return (line, container_output(intro, between.container, following))
        return None
    if between.quoted is not None and between.prose[0] == between.quoted:
        return None  # a block quote of output: read, or its unclear line named, by quoted_output
    if first_label is not None and between.image is not None and between.prose[0] > first_label:
        return (first_label, IMAGE_OUTPUT)  # one warning per note: image_output
    if first_label is not None and between.prose and between.prose[0] > first_label:
        return (
            first_label,
            f"label line after {where}, but its output is not in a fence and is not read: "
            "put it in a fence marked output (```output)",
        )
    alone = _alone_after(block, between)
    if alone is not None:
        return alone
    if between.inline is not None and between.prose[0] == between.inline:
        return (
            between.inline,
            f"output written on the label line after {where} is not read: put it in a fence "
            "marked output (```output) below the label",
        )
    return None


def _alone_after(block: FenceLexeme, between: Gap) -> tuple[int, str] | None:
    """``(0-based line, message)`` for an image without alt text, or a Markdown table, that
    stands right after ``block`` (only blank lines between) where the block prints: what it
    shows reads as the block's output, and nothing reads it. An image after code that draws
    is its figure, and a table after a line of text is the text's."""
    if between.labels or between.comments or not between.prose:
        return None
    first = between.prose[0]
    image = first == between.image and between.unlabeled_image
    if not (image or first == between.table) or not may_print(block):
        return None  # may_print parses the block: only where an image or a table stands
    where = f"the block at line {shown(block.open_line)}"
    if image:
        if DRAWS.search("\n".join(line.text for line in block.body)):
            return None
        return (first, image_alone_message(first, block.open_line))
    if first == between.table:
        return (
            first,
            f"the table at line {shown(first)}, right after {where}, which prints, reads as "
            "its output but is not read, and nothing compares it: write what the block prints "
            "in a fence marked output (```output) right under the block, or put a line of "
            "text between the block and the table if the table is no output",
        )
    return None


def _output_past_comment(
    block: FenceLexeme, between: Gap, following: FenceLexeme, labeled_fences: frozenset[str]
) -> bool:
    """Whether ``following``, with only HTML comments and blank lines after ``block``, reads
    as what the block prints (as :func:`_output_past_prose` tells). A comment is not
    rendered: the reader sees the output right under the block, and nothing compares it."""
    return (
        bool(between.comments)
        and not between.prose
        and not between.titled
        and following.language in (labeled_fences or LABELED_FENCES)
        and printed_fence(following)
        and may_print(block)
    )


def _output_past_prose(
    block: FenceLexeme, between: Gap, following: FenceLexeme, labeled_fences: frozenset[str]
) -> bool:
    """Whether ``following``, past prose (no label, heading or title) after ``block``, reads as
    what the block prints: a fence where labels read output (bare, ``text``), whose first
    line reads as a printed value and whose text is no code, after a block that prints. It
    is not read, as the prose may say what other code would print; it is named. An HTML comment
    among the prose is not rendered, and changes nothing of that."""
    return (
        bool(between.prose)
        and not between.titled
        and between.quoted is None  # a block quote of output: quoted_output names it
        and following.language in (labeled_fences or LABELED_FENCES)
        and printed_fence(following)
        and may_print(block)
    )


def _output_in_a_container(
    block: FenceLexeme, between: Gap, following: FenceLexeme, labeled_fences: frozenset[str]
) -> bool:
    """Whether ``following`` is the first thing in a container opened right after ``block``
    (its title no label) and reads as what the block prints (:func:`_output_past_prose`):
    a collapsed ``<details>`` or an admonition hides the output that nothing compares."""
    return (
        between.prose == [between.container]
        and not between.labels
        and following.language in (labeled_fences or LABELED_FENCES)
        and printed_fence(following)
        and may_print(block)
    )


def prose_between_warning(places: Sequence[tuple[int, int, int]]) -> tuple[int, str] | None:
    """``(0-based line, message)``: one warning for the fences that read as a block's output
    past prose (:data:`PROSE_BETWEEN`); ``places`` holds ``(0-based line of the fence, of its
    block, of the prose's first line)``."""
    if not places:
        return None
    fence, block, prose = places[0]
    return (
        fence,
        f"the fence at line {shown(fence)} reads as what the block at line {shown(block)} "
        f"prints, but text stands between them (line {shown(prose)}), so it is not read as its "
        f"output and nothing compares it{and_more(len(places), 'fence', where=' like it')}: "
        "only blank lines and one label line may stand between a block and its output; move "
        "the text above the block or below the fence, and put a label line such as Output: "
        "or 输出： right above the fence (or mark it ```output)",
    )


def _in_between(between: Gap) -> str:
    if len(between.labels) > 1:
        return (
            f"only one label line may stand between a block and its output, line "
            f"{shown(between.labels[1])} is a second one"
        )
    stray = sorted(between.comments + between.prose)[0]
    kind = "an HTML comment" if stray in between.comments else "text"
    return (
        f"only blank lines and one label line may stand between a block and its output, "
        f"line {shown(stray)} is {kind} (move it above the block or below the output)"
    )


def _names(languages: frozenset[str]) -> str:
    return ", ".join(sorted(language or "bare" for language in languages))
