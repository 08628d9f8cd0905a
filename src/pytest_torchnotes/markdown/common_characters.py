"""Whether text reads as Chinese or Korean: its characters are mostly the common ones.

Legacy East Asian encodings share their byte ranges (GB18030 decodes almost any pair of
high bytes, Big5 most of GBK's, and Big5's common characters take EUC-KR's Hangul bytes),
so a note's bytes decode without error in several, and only one decoding reads as a
language. Any Chinese text, simplified or traditional, technical or not, draws a large share
of its characters from a few hundred (的, 是, 一, 在, 張量/张量, ...), and Korean text its
syllables from a few hundred too (이, 다, 는, 의, ...); text decoded with the wrong encoding
draws them at random from thousands, and seldom holds them.
"""

from __future__ import annotations

import re

#: The most frequent characters of Chinese text, in both simplified and traditional forms,
#: with the words of notes about tensors (张量, 梯度, 训练, 维度, ...).
COMMON_CHINESE = frozenset(
    "的一是不了在人有我他这這个個们們中来來上大为為和国國地到以说說时時要就出会會可也你对對生"
    "能而子那得于於着著下自之年过過发發后後作里裡用道行所然家种種事成方多经經么麼去法学學如都"
    "同现現当當没沒动動面起看定天分还還进進好小部其些主样樣理心本前开開但因只从從想实實日无無"
    "力它与與长長把机機十第公此已工使情明性知全三又关關点點正业業外将將两兩高间間由问問很最重"
    "并並物手应應向头頭文体體相见見被利什二等产產或新己制身果加月话話合回特代内內信表化给給位"
    "次度门門常先通儿兒原声聲提立及比员員解水名真论論处處走义義各入几幾口认認条條平系气氣题題"
    "更别別打变變四总總何电電数數安少报報才结結反受目量再感建务務做接必场場件计計管期直资資指"
    "许許统統区區保至形便空决決展科五基书書非则則白界达達放强強即像完设設式记記品求据據程该該"
    "交规規取格望术術共确確传傳观觀清今切让讓识識候带帶导導步改收根造言持组組每极極服快往元近"
    "失转轉令准準始存未单單具字备備连連调調深算质質集需价價级級整况況请請示复復息究线線似满滿"
    "支视視消越器容照须須增研写寫称稱功包片查易除找显顯念引首另较較注语語仅僅考选選列例效续續"
    "留型料终終答按值依批项項故低限速刻率般普创創假错錯试試若预預送初置换換模训訓练練输輸返维"
    "維函梯张張损損层層参參映射索矩阵陣乘积積随隨概"
)

#: The most frequent syllables of Korean text, with the words of notes about tensors
#: (텐서, 기울기, 학습, 출력, ...).
COMMON_HANGUL = frozenset(
    "이다는의에을를하고가지기서한로도니습수대자정리사어시아인나일들것보주만해으적상게부드면과"
    "전요거제라소중우구있없되된될할합했함와세여경발원공동성장방문유그모계치연개위분용무조내화"
    "미저결학데터출력값손실텐델든및비또같까야입때생각후말오신안번점통행음트스크프레르브타파코"
    "량형변환반복산울블록예써쓰알째처럼며던랑영선명물차단순잘더못날달능률듭됩"
)

CHINESE_CHARACTER = re.compile("[\u4e00-\u9fff]")
HANGUL_SYLLABLE = re.compile("[\uac00-\ud7a3]")

#: The share of common characters from which text reads as its language: a right decoding
#: has three in four or more, a wrong one one in ten or fewer.
COMMON_SHARE = 0.4


def common_share(text: str, korean: bool = False) -> float:
    """The share of ``text``'s Chinese characters (its Hangul syllables, ``korean``) that
    are common ones (0 with fewer than two common ones: too few to tell a language by).

    >>> common_share("# 自動求導"), common_share("# 笆―旧")  # the second: Big5 read as GB18030
    (1.0, 0.0)
    >>> common_share("# 자동 미분", korean=True), common_share("# ╀걺쭰앉", korean=True)
    (1.0, 0.0)
    """
    pattern, common = (
        (HANGUL_SYLLABLE, COMMON_HANGUL) if korean else (CHINESE_CHARACTER, COMMON_CHINESE)
    )
    characters = pattern.findall(text)
    found = sum(character in common for character in characters)
    return found / len(characters) if found >= 2 else 0.0


def reads_as_chinese(text: str) -> bool:
    """Whether a large share of ``text``'s Chinese characters are common ones.

    >>> reads_as_chinese("# 自動求導"), reads_as_chinese("# 自动求导")
    (True, True)
    >>> reads_as_chinese("# 笆―旧")  # "# 自動求導" in Big5, decoded as GB18030
    False
    """
    return common_share(text) >= COMMON_SHARE


def reads_as_korean(text: str) -> bool:
    """Whether a large share of ``text``'s Hangul syllables are common ones.

    >>> reads_as_korean("기울기는 grad에 저장됩니다"), reads_as_korean("# 菱꾌헹뙢")
    (True, False)
    """
    return common_share(text, korean=True) >= COMMON_SHARE
