"""Text normalisation and jieba segmentation shared by indexing and querying, so a
query and a record meet on the same tokens: 繁體 → 简体, full-width → half-width,
Roman volume numerals → digits (三体Ⅱ ≡ 三体2), case folded, punctuation dropped.

Besides words, a record's index holds near-match keys of its title and author: their
character pairs (解忧杂货店 → 解忧 忧杂 杂货 货店) and the pinyin of those pairs (jieyou
…), so a title remembered with a wrong character or a homophone (杂货铺, 白夜形) still
meets the record; catalogue_ranking decides whether it is near enough to offer."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import jieba
import zhconv
from pypinyin import lazy_pinyin

from bot.settings import PROJECT_ROOT

DICTIONARY_DIR = PROJECT_ROOT / "knowledge" / "jieba"
_ROMAN = {"Ⅰ": "1", "Ⅱ": "2", "Ⅲ": "3", "Ⅳ": "4", "Ⅴ": "5", "Ⅵ": "6", "Ⅶ": "7",
          "Ⅷ": "8", "Ⅸ": "9", "Ⅹ": "10", "Ⅺ": "11", "Ⅻ": "12"}
_ROMAN_PATTERN = re.compile("|".join(_ROMAN))
# Anything that is not a letter, digit or CJK ideograph separates words.
_SEPARATORS = re.compile(r"[^\w]+|_")
_VOLUME = re.compile(r"第?([一二三四五六七八九十\d]+)[部卷册集版]")
_CHINESE_DIGITS = {c: str(i) for i, c in enumerate("一二三四五六七八九十", start=1)}
#: a year typed by its last two digits where a clause begins ("20年那会儿"; not "借了20年",
#: "10年级", "20年后", "15年了", "10年多", "10年吗"), this century's
_SHORT_YEAR = re.compile(r"(?<!\w)([0-2]\d)(?=\s*年(?![级代后前内来底了多左以纪有整吗呢吧啊]))")


@cache
def _segmenter() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    for path in sorted(DICTIONARY_DIR.iterdir()):
        tokenizer.load_userdict(str(path))
    return tokenizer


def dictionary_spans(text: str) -> list[tuple[str, int, int]]:
    """The dictionary's words of text with their start and end, without guessing new
    words (an unknown stretch stays one character at a time)."""
    return list(_segmenter().tokenize(text, HMM=False))


def dictionary_frequency(word: str) -> int | None:
    """How often the dictionary (jieba's and the library's) counts word: 0 if it only
    begins a word of it, None if not even that."""
    segmenter = _segmenter()
    segmenter.check_initialized()
    frequency = segmenter.FREQ.get(word)
    return None if frequency is None else int(frequency)


_MIDDLE_DOTS = re.compile(r"[·•・‧∙⋅]")


def normalise(text: str) -> str:
    text = _ROMAN_PATTERN.sub(lambda m: _ROMAN[m.group()], text)
    text = unicodedata.normalize("NFKC", text)
    text = zhconv.convert(text, "zh-cn")
    # Middle dots of translated names are typed or not: 哈利·波特 ≡ 哈利波特.
    text = _MIDDLE_DOTS.sub("", text)
    text = _SHORT_YEAR.sub(r"20\1", text)  # "20年" → "2020年"
    # "三体第二部" / "三体2册" → volume number as a digit
    text = _VOLUME.sub(lambda m: " " + _CHINESE_DIGITS.get(m.group(1), m.group(1)) + " ", text)
    return text.casefold()


def tokens(text: str, for_index: bool = False) -> list[str]:
    """Normalised jieba tokens without punctuation. For the index, the search mode
    adds the parts of long words too (黑暗森林 → 黑暗, 森林, 黑暗森林)."""
    segmenter = _segmenter()
    words: list[str] = []
    for chunk in _SEPARATORS.split(normalise(text)):
        if not chunk:
            continue
        cut = segmenter.cut_for_search(chunk) if for_index else segmenter.cut(chunk)
        words.extend(word for word in cut if word.strip())
    return words


@lru_cache(maxsize=65536)
def title_key(text: str) -> str:
    """Two titles are the same for a reader when their words are: 《三體》 ≡ 三体."""
    return "".join(tokens(text))


_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


@lru_cache(maxsize=65536)
def near_keys(text: str) -> tuple[str, ...]:
    """Character pairs of the Chinese runs in text and their pinyin (one token each):
    what two spellings of a title share when a character is wrong or a homophone."""
    keys: list[str] = []
    for run in _CJK_RUN.findall(normalise(text)):
        syllables = lazy_pinyin(run)
        keys.extend(run[i:i + 2] for i in range(len(run) - 1))
        keys.extend(syllables[i] + syllables[i + 1] for i in range(len(run) - 1))
    return tuple(keys)


def index_text(title: str, author: str = "", *fields: str) -> str:
    """The search_text stored with a record: the words of every field, then the
    near-match keys of its title and author."""
    seen: dict[str, None] = {}
    for field in (title, author, *fields):
        for word in tokens(field, for_index=True):
            seen.setdefault(word)
    for key in (*near_keys(title), *near_keys(author)):
        seen.setdefault(key)
    return " ".join(seen)


def isbn13(candidate: str) -> str | None:
    """A valid ISBN-13 for an ISBN-10 or ISBN-13 (hyphens and spaces allowed), else None."""
    digits = re.sub(r"[\s-]", "", candidate).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        if sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits)) % 11:
            return None
        digits = "978" + digits[:9]
        check = (10 - sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits)) % 10) % 10
        return digits + str(check)
    if re.fullmatch(r"97[89]\d{10}", digits):
        total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits))
        return digits if total % 10 == 0 else None
    return None


#: an ISBN-10 or -13 inside a text ("ISBN 978-7-02-002475-9 有吗", "书号7020024768")
ISBN_IN_TEXT = re.compile(r"(?<![\dA-Za-z])(?:ISBN(?:-?1[03])?[:：\s-]*)?"
                          r"((?:97[89][\s-]?)?\d(?:[\s-]?\d){8}[\s-]?[\dXx])(?![\dA-Za-z])",
                          re.IGNORECASE)


def isbn_in(text: str) -> str | None:
    """The ISBN-like number in text (valid or not), without separators."""
    match = ISBN_IN_TEXT.search(text)
    return re.sub(r"[\s-]", "", match.group(1)).upper() if match else None


def looks_like_isbn(text: str) -> bool:
    """Whether the reader typed something meant as an ISBN (valid or not)."""
    return bool(re.fullmatch(r"(?:isbn[:：]?\s*)?[\d\s-]{10,17}[\dxX]?", text.strip(), re.I))
