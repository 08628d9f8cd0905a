"""A block's output shown as an image under its label line: a screenshot, not compared.

Blogs often show what a block printed as a screenshot under a label (``输出结果：``, then
``![](Image/输出01.PNG)``). Nothing in an image can be compared, and nothing is: one warning
per note, at the first such label, counts the blocks and says how to compare their output.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pytest_torchnotes.notelines import shown
from pytest_torchnotes.words import and_more

#: A line that is only an image: Markdown's ``![alt](src)``, maybe a link around it, or an
#: HTML ``<img>`` element.
IMAGE = re.compile(
    r"^[ \t]*(?:\[?!\[[^\]\n]*\]\([^)\n]*\)(?:\]\([^)\n]*\))?|<img\b[^>]*>)[ \t]*$",
    re.IGNORECASE,
)


#: An image line that says nothing of what it shows: ``![](out.png)`` (no alt text) or an
#: ``<img>`` without an ``alt``. Right after a block that prints, it reads as a screenshot of
#: the output; an image with alt text says what it is (a figure, a diagram) and is left alone.
UNLABELED_IMAGE = re.compile(
    r"^[ \t]*(?:\[?!\[[ \t]*\]\("
    r"|<img\b(?![^>]*\balt[ \t]*=[ \t]*(?:\"[^\"]*[^\"\s][^\"]*\"|'[^']*\S[^']*'|[^\s>\"']+))"
    r"[^>]*>[ \t]*$)",
    re.IGNORECASE,
)

#: Code that draws: an image after it is the figure it drew, not what it printed.
DRAWS = re.compile(r"\bplt\.|matplotlib|imshow|savefig|\.show\(|\.plot\(|Image\.|PIL\b|cv2\.")


def image_warning(images: Sequence[tuple[int, int]]) -> tuple[int, str] | None:
    """``(0-based line, message)``: one warning for the labels whose output is an image;
    ``images`` holds ``(0-based line of the label, 0-based line of its block)``."""
    if not images:
        return None
    label, block = images[0]
    others = and_more(len(images), "block", after=True, where="")
    return (
        label,
        f"the output under the label line after the block at line {shown(block)}{others} is an "
        "image (a screenshot), which is not compared: write what the block prints in a fence "
        "marked output (```output) under the label to compare it",
    )


def image_alone_message(image: int, block: int) -> str:
    """What an unlabeled image (:data:`UNLABELED_IMAGE`) right after a block that prints
    says: its output reads as a screenshot there, and nothing compares it."""
    return (
        f"the image at line {shown(image)}, right after the block at line {shown(block)}, "
        "which prints, has no alt text and reads as a screenshot of its output, which is not "
        "compared: write what the block prints in a fence marked output (```output) in its "
        "place, or give the image alt text (![a plot of the loss](...)) if it is no output"
    )
