"""A note that is not UTF-8 names the encodings its text fits, not one its bytes merely
decode in (``markdown/legacy_encodings.py``): EUC-KR Korean decodes as GB18030 too."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.legacy_encodings import (
    KOREAN_ENDINGS,
    KOREAN_SPACING,
    KOREAN_SURE,
    likely_encodings,
)
from tests.conftest import WriteNote

KOREAN = "EUC-KR (Korean) text: iconv -f CP949 -t UTF-8"
CHINESE = "GB18030 (GBK) Chinese text: iconv -f GB18030 -t UTF-8"
SHIFT_JIS = "Shift-JIS (Japanese) text: iconv -f CP932 -t UTF-8"
EUC_JP = "EUC-JP (Japanese) text: iconv -f EUC-JP -t UTF-8"
WESTERN = "Windows-1252 (Latin-1) text: iconv -f WINDOWS-1252 -t UTF-8"

#: Words of notes about PyTorch in each language.
KOREAN_WORDS = (
    "자동",
    "미분",
    "기울기는",
    "저장됩니다",
    "텐서를",
    "만듭니다",
    "이후",
    "모델의",
    "학습",
    "결과",
    "데이터",
    "출력",
    "값",
    "손실",
    "함수",
)
CHINESE_WORDS = (
    "自动求导",
    "梯度",
    "保存在",
    "之后",
    "张量",
    "的",
    "是",
    "一个",
    "模型",
    "训练",
    "输出",
    "结果",
    "我们",
    "这",
    "中",
    "损失函数",
)
JAPANESE_WORDS = ("自動微分", "勾配は", "保存されます", "テンソル", "の", "を", "作ります")
CODE = ("`backward()`", "`.grad`", "`torch.ones(2)`", "# ", "\n", ": ", ", ")


#: Two letters of each script in a row: what a guess needs to name it.
RUNS = {
    "korean": re.compile("[\uac00-\ud7a3]{2}"),
    "chinese": re.compile("[\u4e00-\u9fff]{2}"),
    "japanese": re.compile("[\u3041-\u30ff]{2}"),
}


def _sentence(words: tuple[str, ...], script: str, spaced: bool) -> st.SearchStrategy[str]:
    separator = " " if spaced else ""
    pieces = st.lists(st.one_of(st.sampled_from(words), st.sampled_from(CODE)), min_size=1)
    return pieces.map(separator.join).filter(lambda text: RUNS[script].search(text) is not None)


@pytest.mark.parametrize("codec", ["euc-kr", "cp949"])
def test_a_korean_note_is_not_named_chinese(codec: str) -> None:
    text = "# 자동 미분\n\n`backward()` 이후 기울기는 `.grad`에 저장됩니다.\n"
    assert likely_encodings(text.encode(codec)) == [KOREAN]


@given(_sentence(KOREAN_WORDS, "korean", spaced=True))
def test_korean_text_is_named_korean_and_chinese_only_while_it_is_short(text: str) -> None:
    named = likely_encodings(text.encode("cp949"))
    assert KOREAN in named
    assert set(named) <= {KOREAN, CHINESE}
    syllables = sum("\uac00" <= character <= "\ud7a3" for character in text)
    written_as_korean = KOREAN_SPACING.search(text) and KOREAN_ENDINGS.search(text)
    if syllables >= KOREAN_SURE and written_as_korean:
        assert named == [KOREAN]


@given(
    _sentence(CHINESE_WORDS, "chinese", spaced=False)
    | _sentence(CHINESE_WORDS, "chinese", spaced=True)
)
def test_chinese_text_is_named_chinese_and_never_korean_alone(text: str) -> None:
    named = likely_encodings(text.encode("gbk"))
    assert CHINESE in named
    assert set(named) <= {KOREAN, CHINESE}


@pytest.mark.parametrize(("codec", "name"), [("cp932", SHIFT_JIS), ("euc_jp", EUC_JP)])
@given(text=_sentence(JAPANESE_WORDS, "japanese", spaced=False))
def test_japanese_text_is_named_japanese_alone(codec: str, name: str, text: str) -> None:
    assert likely_encodings(text.encode(codec)) == [name]


def test_western_text_and_junk() -> None:
    assert likely_encodings("Le gradient est stocké.".encode("latin-1")) == [WESTERN]
    assert likely_encodings(b"\xff\xfe junk") == []


def test_the_error_of_a_korean_note_names_korean(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nprint(1)\n=== output ===\n1\n```\n", "good.md")
    korean = "# 자동 미분\n\n기울기는 `.grad`에 저장됩니다.\n"
    (pytester.path / "notes" / "korean.md").write_bytes(korean.encode("euc-kr"))
    (pytester.path / "notes" / "short.md").write_bytes("# 노트\n".encode("euc-kr"))
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines_random(
        [
            "notes/korean.md:1: not valid UTF-8: byte 0xc0 at column 3 (save the note as "
            f"UTF-8; it reads as {KOREAN})",
            "notes/short.md:1: not valid UTF-8: byte 0xb3 at column 3 (save the note as "
            f"UTF-8; it looks like {KOREAN}, or {CHINESE})",
        ]
    )
    assert "korean.md:1: *GB18030" not in result.stdout.str()
