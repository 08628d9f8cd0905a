"""A line whose comment says it fails, where the block raised on it: the failure names the
directive that checks it."""

from __future__ import annotations

import pytest

from pytest_torchnotes.comparison.saysraises import says_it_fails_hint


@pytest.mark.parametrize(
    ("line", "comment"),
    [
        ("torch.matmul(t_A, t_B) # Error", "Error"),
        ("    torch.matmul(a, b)  # error!", "error!"),
        ("t.numpy()  # raises: can't convert cuda tensor", "raises: can't convert cuda tensor"),
        ("x.view(5)  # RuntimeError", "RuntimeError"),
        (
            "x.view(5)  # RuntimeError: shape '[5]' is invalid",
            "RuntimeError: shape '[5]' is invalid",
        ),
        ("a + b  # 报错", "报错"),
        ("a + b  # 这里会报错", None),  # a sentence that mentions it: not the comment's word
        ("a + b  # エラー", "エラー"),
        ("y = f(x)  # fails on CPU", "fails on CPU"),
    ],
)
def test_a_comment_that_says_the_line_fails_names_the_raises_directive(
    line: str, comment: str | None
) -> None:
    hint = says_it_fails_hint(line, 9, "builtins.RuntimeError")
    if comment is None:
        assert hint is None
        return
    assert hint is not None
    assert hint.startswith(f"line 9 says it fails (`# {comment}`)")
    assert "<!-- torchnotes: raises RuntimeError -->" in hint


@pytest.mark.parametrize(
    "line",
    [
        "loss = criterion(out, y)  # the error we minimise",
        "x = torch.ones(2)",
        "# Error: a comment line of its own",
        "print('# Error')",
        "errors = 0  # count",
    ],
)
def test_other_comments_say_nothing(line: str) -> None:
    assert says_it_fails_hint(line, 1, "ValueError") is None
