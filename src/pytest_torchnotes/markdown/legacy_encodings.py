"""The encodings a note that is not UTF-8 may be in, named only on evidence.

Only read when a note cannot be decoded: a note that reads as UTF-8 pays nothing here.

Most bytes decode without error in one legacy encoding or another (GB18030 takes almost
any pair of high bytes), so an encoding is named only when its text holds what text of its
language holds, and not what shows another: Japanese has kana in every sentence; Korean is
Hangul syllables with spaces between words and few Hanja if any; Chinese is Chinese
characters and no kana, GB18030 for simplified and Big5 for traditional, told apart by
which decoding holds the characters Chinese text is made of (:mod:`.common_characters`).
Korean and Chinese share byte ranges, so that a few words of one read as words of the other:
then each is named, and the author, who knows, picks.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pytest_torchnotes.markdown.common_characters import (
    common_share,
    reads_as_chinese,
    reads_as_korean,
)

#: Two kana in a row: Japanese text has them in every sentence. Shift-JIS bytes read as
#: GB18030 too, as Chinese characters (``日本語の`` as ``擔杮岅偺``); EUC-JP's kana read as
#: GB18030's, which holds the same kana at the same bytes, but Chinese text has none.
KANA_WORD = re.compile("[\u3041-\u30ff]{2}")

#: Two Chinese characters in a row. Latin-1 bytes can read as GB18030 too (``ï`` and the
#: letter after it make one character), but each accented letter stands alone among ASCII
#: letters, so they do not make a run.
CHINESE_WORD = re.compile("[\u4e00-\u9fff]{2}")

#: Two Hangul syllables in a row.
HANGUL_WORD = re.compile("[\uac00-\ud7a3]{2}")
HANGUL = re.compile("[\uac00-\ud7a3]")
#: Chinese characters as Korean writes them (Hanja), and KS X 1001's compatibility ones.
HANJA = re.compile("[\u4e00-\u9fff\uf900-\ufaff]")

#: EUC-KR's syllables take the lead bytes 0xB0 to 0xC8, which GB18030 reads as Chinese
#: characters; Chinese text takes other lead bytes within a few characters (是, 一, 在,
#: 有, 我, 这, 中, 为: 0xC9 and up), which EUC-KR reads as Hanja. So this many syllables
#: with no Hanja among them, written as Korean is (:data:`KOREAN_SPACING`,
#: :data:`KOREAN_ENDINGS`), are Korean, not Chinese; fewer may be either.
KOREAN_SURE = 8
#: A space between two words: Korean puts one between words, Chinese none between its
#: characters.
KOREAN_SPACING = re.compile("[\uac00-\ud7a3] [\uac00-\ud7a3]")
#: The particles and endings nearly every Korean sentence has (다, 는, 의, 에, 을, 를, ...):
#: GB18030 reads them as characters Chinese text seldom uses (促, 绰, 狼, 俊, 阑, 甫, ...).
KOREAN_ENDINGS = re.compile("[다는의에을를이가고서하한로도지요은과와면]")

#: An accented letter inside a word, or Windows' typographic quotes and dashes: any byte
#: reads as some Windows-1252 character, but junk does not read as words.
WESTERN_WORD = re.compile("[A-Za-z][À-ÖØ-öø-ÿ]|[À-ÖØ-öø-ÿ][A-Za-z]|[‘’“”–—…]")


def _japanese(text: str) -> bool:
    return KANA_WORD.search(text) is not None


def _korean(text: str) -> bool:
    """Hangul words, and Hanja no more than one character in ten of them (Chinese text read
    as EUC-KR is a third Hanja or more)."""
    if HANGUL_WORD.search(text) is None:
        return False
    return len(HANJA.findall(text)) * 10 <= len(HANGUL.findall(text))


def _surely_korean(text: str) -> bool:
    """Syllables enough, no Hanja, and Korean's spaces and endings, to leave out Chinese
    (:data:`KOREAN_SURE`)."""
    return (
        HANJA.search(text) is None
        and len(HANGUL.findall(text)) >= KOREAN_SURE
        and KOREAN_SPACING.search(text) is not None
        and KOREAN_ENDINGS.search(text) is not None
    )


def _chinese(text: str) -> bool:
    return CHINESE_WORD.search(text) is not None and KANA_WORD.search(text) is None


def _western(text: str) -> bool:
    return WESTERN_WORD.search(text) is not None


#: The encodings of East Asian text: the codec, what its text must hold to count, and how
#: the hint names it. Windows writes Japanese as cp932 (Shift-JIS with Microsoft's
#: additions) and Korean as cp949 (EUC-KR with the rest of the syllables).
EAST_ASIAN: tuple[tuple[str, Callable[[str], bool], str], ...] = (
    ("cp932", _japanese, "Shift-JIS (Japanese) text: iconv -f CP932 -t UTF-8"),
    ("euc_jp", _japanese, "EUC-JP (Japanese) text: iconv -f EUC-JP -t UTF-8"),
    ("cp949", _korean, "EUC-KR (Korean) text: iconv -f CP949 -t UTF-8"),
    ("gb18030", _chinese, "GB18030 (GBK) Chinese text: iconv -f GB18030 -t UTF-8"),
    ("cp950", _chinese, "Big5 (traditional Chinese) text: iconv -f CP950 -t UTF-8"),
)
#: The Chinese encodings among them (Windows writes Big5 as cp950).
CHINESE_CODECS = ("gb18030", "cp950")
#: Western text, named when no East Asian encoding is: its accented letters stand alone,
#: where East Asian text makes runs of high bytes.
WESTERN = ("cp1252", _western, "Windows-1252 (Latin-1) text: iconv -f WINDOWS-1252 -t UTF-8")


def _decoded(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def likely_encodings(data: bytes) -> list[str]:
    """How the hint names each encoding that ``data`` is likely text in: none, one, or the
    few that its text fits equally well.

    >>> likely_encodings("# 자동 미분: 기울기는 grad에 저장됩니다".encode("euc-kr"))
    ['EUC-KR (Korean) text: iconv -f CP949 -t UTF-8']
    >>> likely_encodings("自动求导".encode("gbk"))
    ['GB18030 (GBK) Chinese text: iconv -f GB18030 -t UTF-8']
    >>> likely_encodings("# 自動求導：梯度".encode("big5"))  # 笆―旧 in GB18030
    ['Big5 (traditional Chinese) text: iconv -f CP950 -t UTF-8']
    >>> len(likely_encodings("# 미분".encode("euc-kr")))  # 固盒 in GB18030, 嘐碟 in Big5
    3
    """
    found = []
    for codec, fits, name in EAST_ASIAN:
        text = _decoded(data, codec)
        if text is not None and fits(text):
            found.append((codec, text, name))
    japanese = [name for codec, _, name in found if codec in ("cp932", "euc_jp")]
    if japanese:  # kana: Japanese, whatever else the bytes make
        return japanese
    korean = [(text, name) for codec, text, name in found if codec == "cp949"]
    if korean and _surely_korean(korean[0][0]):
        return [korean[0][1]]
    chinese = [
        (common_share(text), name)
        for codec, text, name in found
        if codec in CHINESE_CODECS and reads_as_chinese(text)
    ]
    if chinese:  # the decoding most made of common Chinese characters, not the others' noise
        best = max(share for share, _ in chinese)
        also = [name for text, name in korean if reads_as_korean(text)]
        return also + [name for share, name in chinese if share == best]
    if found:
        return [name for _, _, name in found]
    codec, fits, name = WESTERN
    text = _decoded(data, codec)
    return [name] if text is not None and fits(text) else []


def legacy_encoding_hint(data: bytes) -> str:
    """``; it reads as ...`` naming the encoding the bytes are likely text in, ``; it looks
    like ... or ...`` naming the few they fit equally, or nothing.

    >>> legacy_encoding_hint("日本語のノート".encode("cp932"))
    '; it reads as Shift-JIS (Japanese) text: iconv -f CP932 -t UTF-8'
    >>> legacy_encoding_hint("naïve café".encode("latin-1"))  # reads as GB18030, no Chinese word
    '; it reads as Windows-1252 (Latin-1) text: iconv -f WINDOWS-1252 -t UTF-8'
    >>> print(legacy_encoding_hint("# 미분".encode("euc-kr")))
    ; it looks like EUC-KR (Korean) text: iconv -f CP949 -t UTF-8, or GB18030 (GBK) Chinese \
text: iconv -f GB18030 -t UTF-8, or Big5 (traditional Chinese) text: iconv -f CP950 -t UTF-8
    >>> legacy_encoding_hint(b"\\xff\\xfe junk")
    ''
    """
    names = likely_encodings(data)
    if not names:
        return ""
    if len(names) == 1:
        return f"; it reads as {names[0]}"
    return f"; it looks like {', or '.join(names)}"
