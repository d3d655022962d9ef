"""Homophone typos of the library's own words, put right before the NLU and the FAQ see a
message: a pinyin input method offers 余期 for 逾期, 管藏 for 馆藏, 压金 for 押金, and
the one wrong character is enough to hide the key word from DIET, the FAQ index and the
rules alike.

A stretch of the message is replaced by a key word only when all of this holds:
- it reads the same in toneless pinyin, with the initials and finals Nanjing speakers
  merge (z/zh, c/ch, s/sh, n/l, -in/-ing, -en/-eng, -an/-ang) taken as one;
- exactly one character differs, and neither of the two characters is a function
  character (是, 的, 了 …: "是一" is not 十一);
- the stretch is not itself a word in jieba's dictionary, begins and ends where the
  dictionary's segmentation does, and holds a character the dictionary left alone; a
  character it keeps does not belong with its neighbour: the one before begins a word
  with it (哪年建的 keeps its 建; not a function character such as 能, unless it is a
  determiner such as 哪), or the one after makes a common word with it;
- the stretch is outside 《》, where a title is quoted as the reader wrote it.

Besides, a branch's name longer than the key words compared here, typed with 管 for its
last 馆 ("南京市江宁区图书管"), and Nanjing's question with 阿 before the verb ("阿有" for
有没有, "阿能" for 能不能) or 伐 after it ("开伐" for 开吗) are put right.

The key words are the library's: its dictionary's common nouns and verbs
(knowledge/jieba/library_terms.txt; names and titles are left out, so 荷西 stays 荷西),
the FAQ's canonical synonyms, the specialised words of its questions (those jieba
counts at most SPECIALISED_FREQUENCY times: 押金, 打印, but not 建立 or 证明) and the
names of its branches (少儿馆, 鼓楼馆).
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

import yaml
import zhconv
from pypinyin import lazy_pinyin

from bot.branches import branch_aliases
from bot.question_words import NANJING_QUESTION_END
from bot.services.faq_retrieval import FUNCTION_CHARS, SYNONYMS_FILE
from bot.services.search_text import DICTIONARY_DIR, dictionary_frequency, dictionary_spans
from bot.settings import PROJECT_ROOT

FAQ_DIR = PROJECT_ROOT / "knowledge" / "faq"
LIBRARY_TERMS = DICTIONARY_DIR / "library_terms.txt"
#: parts of speech of the library dictionary's words that are key words (not nr, ns, nt
#: or nz: names, places, institutions and titles)
KEY_WORD_TAGS = ("n", "v")
SPECIALISED_FREQUENCY = 1000
#: a word this common after the stretch claims its last character (rarer ones, such as
#: 网网, do not)
COMMON_WORD = 100
#: function characters that do claim the character after them: 哪年, 几天, 这本
DETERMINERS = frozenset("哪几这那每")
MAX_KEY_WORD = 4
_KEY_WORD = re.compile(f"[\u4e00-\u9fff]{{2,{MAX_KEY_WORD}}}")
_TITLE = re.compile(r"(《[^》]*》)")
#: slips the rule above cannot see, each where nothing else could be meant: 开们 / 关们
#: for 开门 / 关门 where the clause ends (们 is a function character), 报(个)明 for 报(个)名
#: (明 begins 明天, 明白 …), 插作 / 插坐 for 插座 (插 is no word of its own), 分管 (a word:
#: "in charge of") for 分馆 right after 河西, the one place with a 分馆 ("河西分管几点开")
_SLIPS = (
    (re.compile(r"(?<!公)([开关])们(?=[了吗嘛么不没呢啊呀？?，,。！!\s]|$)"), r"\1门"),
    (re.compile(r"(?<![预海画周日晚简电汇回通公学情快])报(个|一个)?明"
                r"(?![天日早晚年儿白确细星后显码了亮朗])"), r"报\1名"),
    (re.compile(r"(?<!穿)插[作坐](?![业文品家者为])"), "插座"),
    (re.compile("河西分管"), "河西分馆"),
)


#: 去那取 for 去哪取 right after the hold or the time it arrives is told, where the clause
#: ends ("书到了去那取？"), when no place was named before for 那 to point at ("放少儿馆
#:就行，下班后去那取" stays)
_WHERE_SLIP = re.compile(r"(?<=[后了书])去那(?=[取领拿](?:[，,。？?！!\s]|$))")
_PLACE_NAMED = re.compile(r"馆|柜|台|处|楼|点|河西|江宁|鼓楼|建邺|江北|秦淮|浦口|六合|溧水|高淳|"
                          r"玄武|栖霞|雨花")


#: Nanjing's question with 阿 before the verb ("阿有", "阿能借"): the A不A question of
#: Mandarin, which the NLU and the FAQ know (not 阿是穴, nor a name: 老阿…, 小阿…)
_NANJING_QUESTION = re.compile(r"(?<![小老])阿(有|是|能|要|会|行|开)(?!穴)")
#: ... and its 伐 ending a question ("有这本书伐", "周日开伐"): Mandarin's 吗, which the NLU
#: and the FAQ know
_NANJING_PARTICLE = re.compile(NANJING_QUESTION_END)


def _nanjing_question(found: re.Match[str]) -> str:
    verb = found.group(1)
    return f"{verb}{'没' if verb == '有' else '不'}{verb}"


@cache
def _branch_typed_with_guan() -> re.Pattern[str]:
    """A branch's name typed with 管 for its last 馆 ("南京市江宁区图书管", longer than
    the key words the rule above compares), not 管 beginning a word of its own (管委会)."""
    stems = sorted({alias[:-1] for alias, _name in branch_aliases()
                    if alias.endswith("馆") and len(alias) > MAX_KEY_WORD}, key=len, reverse=True)
    return re.compile(f"({'|'.join(map(re.escape, stems))})管(?![理家道子委用辖控制护住教得])")


def _slips_put_right(text: str) -> str:
    for slip, meant in _SLIPS:
        text = slip.sub(meant, text)
    text = _branch_typed_with_guan().sub(r"\1馆", text)
    text = _NANJING_QUESTION.sub(_nanjing_question, text)
    text = _NANJING_PARTICLE.sub("吗", text)
    where = _WHERE_SLIP.search(text)
    if where and not _PLACE_NAMED.search(text[:where.start()]):
        text = f"{text[:where.start()]}去哪{text[where.end():]}"
    return text

_MERGED_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_MERGED_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))


def _heard(syllable: str) -> str:
    for spelt, heard in _MERGED_INITIALS:
        if syllable.startswith(spelt):
            syllable = heard + syllable[len(spelt):]
    for spelt, heard in _MERGED_FINALS:
        if syllable.endswith(spelt):
            syllable = syllable[:-len(spelt)] + heard
    return syllable


def sound(text: str) -> tuple[str, ...]:
    """The toneless pinyin of each character (its usual reading), with merged initials
    and finals as one. Other readings are not tried: 期 read ji made 借寄 a 借期."""
    return tuple(_heard(syllable) for syllable in lazy_pinyin(text))


def _faq_questions() -> list[str]:
    return [str(row["question"]) for path in sorted(FAQ_DIR.glob("*.yml"))
            if path != SYNONYMS_FILE
            for row in yaml.safe_load(path.read_text(encoding="utf-8")) or []]


@cache
def key_words() -> frozenset[str]:
    words: set[str] = set()
    for line in LIBRARY_TERMS.read_text(encoding="utf-8").splitlines():
        word, *_frequency, tag = line.split() or [""]
        if tag in KEY_WORD_TAGS:
            words.add(word)
    words.update(yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or {})
    words.update(alias for alias, _name in branch_aliases())
    words.update(word for question in _faq_questions()
                 for word, _start, _end in dictionary_spans(question)
                 if (dictionary_frequency(word) or 0) <= SPECIALISED_FREQUENCY)
    return frozenset(simplified for word in words
                     if _KEY_WORD.fullmatch(simplified := zhconv.convert(word, "zh-cn")))


@cache
def _key_words_by_sound() -> dict[tuple[int, tuple[str, ...]], frozenset[str]]:
    index: dict[tuple[int, tuple[str, ...]], set[str]] = defaultdict(set)
    for word in key_words():
        index[len(word), sound(word)].add(word)
    return {key: frozenset(words) for key, words in index.items()}


def _one_character_off(word: str, stretch: str) -> bool:
    differences = [(a, b) for a, b in zip(word, stretch, strict=True) if a != b]
    return len(differences) == 1 and not set(differences[0]) & FUNCTION_CHARS


def _corrected_run(text: str) -> str:
    by_sound = _key_words_by_sound()
    for length in (4, 3, 2):
        spans = dictionary_spans(text)
        starts = {start for _word, start, _end in spans}
        ends = {end for _word, _start, end in spans}
        alone = {start for word, start, _end in spans if len(word) == 1}
        for i in range(len(text) - length + 1):
            stretch = text[i:i + length]
            if (i not in starts or i + length not in ends
                    or not alone & set(range(i, i + length))
                    or not _KEY_WORD.fullmatch(stretch) or dictionary_frequency(stretch)):
                continue
            candidates = [word for word in by_sound.get((length, sound(stretch)), ())
                          if _one_character_off(word, stretch)]
            if (len(candidates) == 1 and not _bound_to_a_neighbour(text, i, candidates[0])
                    and not _typed_word_goes_on(text, i, length)):
                text = text[:i] + candidates[0] + text[i + length:]
    return text


def _typed_word_goes_on(text: str, start: int, length: int) -> bool:
    """Whether the stretch's last character as typed makes a word with the character
    after it: "江宁官网" is the 官网 of 江宁, not a typo of 江宁馆."""
    end = start + length
    pair = text[end - 1:end + 1]
    return end < len(text) and (pair in key_words()
                                or (dictionary_frequency(pair) or 0) >= COMMON_WORD)


def _bound_to_a_neighbour(text: str, start: int, word: str) -> bool:
    """Whether a character the correction keeps belongs with the character next to it
    outside the stretch: the one before begins a dictionary word with it (哪年建的: 年
    goes with 哪, so 年建 is no 年检), or the one after makes a word with it. The wrong
    character's own neighbours prove nothing (有管藏, 打引资料)."""
    end = start + len(word)
    before = text[start - 1:start + 1] if start > 0 and word[0] == text[start] else ""
    after = text[end - 1:end + 1] if end < len(text) and word[-1] == text[end - 1] else ""
    return ((bool(before) and dictionary_frequency(before) is not None
             and (before[0] in DETERMINERS or before[0] not in FUNCTION_CHARS))
            or (bool(after) and (dictionary_frequency(after) or 0) >= COMMON_WORD))


def corrected(text: str) -> str:
    """The message with the library's key words spelt right; titles in 《》 as written.
    Expects simplified characters."""
    return "".join(part if _TITLE.fullmatch(part) else _corrected_run(_slips_put_right(part))
                   for part in _TITLE.split(text))
