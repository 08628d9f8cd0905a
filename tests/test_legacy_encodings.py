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
BIG5 = "Big5 (traditional Chinese) text: iconv -f CP950 -t UTF-8"
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
TRADITIONAL_WORDS = (
    "自動求導",
    "梯度",
    "保存在",
    "之後",
    "張量",
    "的",
    "是",
    "一個",
    "模型",
    "訓練",
    "輸出",
    "結果",
    "我們",
    "這",
    "中",
    "損失函數",
    "資料",
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
    assert set(named) <= {KOREAN, CHINESE, BIG5}
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
    assert set(named) <= {KOREAN, CHINESE, BIG5}
    if len(re.findall("[\u4e00-\u9fff]", text)) >= 2:
        assert BIG5 not in named


@given(
    _sentence(TRADITIONAL_WORDS, "chinese", spaced=False)
    | _sentence(TRADITIONAL_WORDS, "chinese", spaced=True)
)
def test_traditional_chinese_text_is_named_big5_or_gbk_as_it_is_written(text: str) -> None:
    """Big5 bytes decode as GB18030 (and often as EUC-KR) too, into characters no Chinese
    text is made of; GBK, which holds traditional characters too, is named GBK. A few
    words may read as Korean as well, as with GBK."""
    assert BIG5 in likely_encodings(text.encode("big5"))
    assert set(likely_encodings(text.encode("big5"))) <= {BIG5, KOREAN}
    assert CHINESE in likely_encodings(text.encode("gbk"))
    assert BIG5 not in likely_encodings(text.encode("gbk"))


@pytest.mark.parametrize(
    "text",
    [
        "# 張量的基本操作\n\n在 PyTorch 中，張量是最基本的資料結構。我們用 `torch.tensor` 建立：",
        "# 自動求導\n\n`backward()` 之後，梯度會存在 `.grad` 裡。",
        "這個函數會回傳一個新的張量",
    ],
)
def test_a_traditional_chinese_note_is_named_big5_alone(text: str) -> None:
    assert likely_encodings(text.encode("big5")) == [BIG5]
    assert likely_encodings(text.encode("cp950")) == [BIG5]


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
    traditional = "# 自動求導\n\n`backward()` 之後，梯度會存在 `.grad` 裡。\n"
    (pytester.path / "notes" / "big5.md").write_bytes(traditional.encode("big5"))
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines_random(
        [
            "notes/korean.md:1: not valid UTF-8: byte 0xc0 at column 3 (save the note as "
            f"UTF-8; it reads as {KOREAN})",
            "notes/short.md:1: not valid UTF-8: byte 0xb3 at column 3 (save the note as "
            f"UTF-8; it looks like {KOREAN}, or {CHINESE})",
            f"notes/big5.md:1: not valid UTF-8: byte 0xa6 at column 3 (save the note as "
            f"UTF-8; it reads as {BIG5})",
        ]
    )
    assert "korean.md:1: *GB18030" not in result.stdout.str()
