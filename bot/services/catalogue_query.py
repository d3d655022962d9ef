"""What a reader's catalogue request asks for, before the index sees it: an ISBN, a
title in 《》, the words that matter (question and filler words stripped), whether the
reader asked for an author's works or for children's books."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from bot.services.search_text import isbn13, isbn_in, near_keys, normalise, tokens

#: a volume and nothing else ("第二部呢", "帮我预约第二部"): of the previous search
VOLUME_ONLY = re.compile(r"(?:那|那么|预约|预定)?\s*(第\s*[一二三四五六七八九十\d]+\s*[部卷册集]|"
                         r"[上中下]册|[上中下]部)")
#: what may surround a volume asked for alone ("那第三部呢？", "帮我预约第二部")
_AROUND_A_VOLUME = re.compile(r"[\W_]+|[呢吧呀啊]|帮我|给我|就要")


def asks_for_a_volume(text: str) -> bool:
    """Whether a message asks for a volume and nothing else ("那第三部呢？")."""
    return VOLUME_ONLY.fullmatch(_AROUND_A_VOLUME.sub("", text)) is not None

#: a book's name said to be forgotten ("…的那本 书名忘了"): the reader tells what it is about
NAME_FORGOTTEN = re.compile(r"(?:书名|名字)(?:给)?忘(?:了|掉了|记了)|忘了(?:书名|叫什么|叫啥)|"
                            r"想不起(?:来)?(?:书名|名字|叫什么|叫啥)")

# Words around a search that are not part of what is searched for (on normalised text).
# Longer phrases first: "哪个馆能借到" goes as a whole.
FILLER = re.compile(
    f"{NAME_FORGOTTEN.pattern}|"
    r"你们馆|贵馆|本馆|咱们馆|咱馆|还有哪几本|还有哪些|还有什么|哪几本|同类型的?|同类的?|类似的|"
    r"哪个馆能借到|哪个馆有|哪个馆|哪个图书馆|哪里能借到?|哪儿能借到?|在哪个馆|"
    # "…借得到不", "…有不": the 不 of the question is no word of the title
    r"(?:能借到|借得到|能借|在架上?|有)不(?=[\s，,。？?！!]*$)|能借到|借得到|在不在架上?|"
    # ... and Nanjing's ("…有伐", "…有没得"), and "有本…" that begins telling of one
    # (ending the message, or a clause: "某书 有伐 某作家的")
    r"有(?:伐|没得)(?=[\s，,。？?！!]|$)|^有本(?=童书|绘本|书|小说|漫画|图画书)|"
    r"在架上?[吗不么伐]|还在吗|还有吗|在吗|都有哪些|都有啥|有哪些|推荐几本|推荐一下|推荐|想借来看看|来看看|"
    # for whom a book is asked ("给孩子借一本…"): no word of its title; after the title, with
    # how many ("某书那套 给儿子借两本")
    r"[帮给替](?:孩子|娃|儿子|女儿|闺女|宝宝|小孩)(?:借|找|挑|选)[一两几]?[本套册](?=[\s，,。？?！!]|$)|"
    r"(?<=[\u4e00-\u9fff])[那这]套(?=[\s，,。？?！!]|$)|"
    r"[帮给替](?=(孩子|娃|儿子|女儿|闺女|宝宝|小孩)(借|找|选|看|挑|约|订|预约))|"
    # a hold asked for someone ("再替她约一本…") and where it is picked up ("还是去河西取")
    r"再?[帮给替][我他她]约(?:一?下)?(?:[一这那]?[套本部册])?|"
    # ... for a grandchild too, or with no one named, by the book it counts ("给外孙约本…",
    # "某书也约一本"; not 约翰)
    r"(?:再|也|还)?(?:[帮给替](?:孩子|娃|儿子|女儿|闺女|宝宝|小孩|外?孙[子女]?|侄[子女]|外甥女?))?"
    r"想?(?<![预相大契纽])约(?:一?下)?[一这那]?[套本部册]|"
    # ... and the card it is held on, once its number is cut out ("用JL…这张")
    r"用\s*[这那]张(?:卡|证)?|[这那]张(?:卡|证)|"
    # (the branch alone after a space: "某书 少儿馆取")
    r"(?:一样|也|还是|就|都)?(?:在|到|去|(?<=\s))[\u4e00-\u9fff]{0,6}?(?:馆|河西|江宁|鼓楼|建邺|江北)"
    r"(?:那边|那儿)?(?:拿|取|领)书?(?=[\s，,。？?！!]|$)|"
    # an author's other books asked for ("某作家还写过什么 都列出来")
    r"(?<=[\u4e00-\u9fff])还(?:写|出)(?:过|了)(?:哪些|什么|啥|别的|其他的?)?(?:书|作品)?|"
    r"(?:馆里)?有的都列(?:出来|给我看看|给我|一下)?|都列(?:出来|给我看看|给我|一下)|"
    r"请问|请|帮我|帮忙|麻烦|你们|图书馆里|图书馆|馆里|这边|有没有|有无|有吗|没有|查一下|查查|查找|查询|"
    r"搜一下|搜索|找一下|找找|找本|找一本|我想|我要|想借|借阅|借|那本叫|那本|这本书|这本|[那这]?一本|本书|"
    # (not an author's 写的书; 速写的书 is a topic's)
    r"(?:(?<!写)|(?<=[速听描抄]写))的书|书籍|图书|可以|能不能|吗|呢|啊|呀|么"
)
#: words that ask for books on a topic rather than one of a name
TOPIC_ASKED = re.compile(r"讲|关于|有关|相关|方面|介绍|类的|的书")
#: a request for an author's works: "余华写的", "路遥的作品", "钱穆的著作"
AUTHOR_MARKER = re.compile(r"(?:(?<![速听描抄])写的(?:小说|书|作品)?|"
                           r"的作品|作品|的著作|著作|的小说|作者)")
CJK = re.compile(r"[\u4e00-\u9fff]")
#: what readers call an author ("某某老师写的"): no part of the name
HONORIFIC = re.compile(r"(?:老师|教授|先生|女士|博士)(?=写的|的作品|的著作|的小说|的书|作品|著作)")
#: subjects that mark a children's record (shelved at the 少儿馆, ranked first for a child)
CHILDREN_SUBJECTS = ("儿童", "绘本", "童话", "少儿")
#: words that say the reader wants a book for a child (not words of the book itself)
CHILD_MARKERS = ("孩子", "宝宝", "幼儿", "小学生", "低幼", "儿子", "女儿", "闺女", "小孩", "娃")
#: words of an edition asked for ("某部名著，要中文版的"): no part of a title on their own
EDITION_WORDS = frozenset(("中文版", "英文版", "原版", "新版", "修订版", "精装版", "平装版",
                           "插图版", "双语版", "注音版", "中译本", "全译本", "译本"))
# Function words that never decide which book is meant.
STOPWORDS = frozenset((
    "的", "了", "和", "与", "及", "或", "是", "在", "有", "我", "你", "他", "她", "它", "们",
    "这", "那", "个", "本", "些", "讲", "写", "关于", "方面", "相关", "类", "之类", "一类",
    "几本", "一些", "适合", "给", "找", "想", "学", "看", "读", "一下", "什么", "用", "怎么",
    "如何", "书", "的书", "一", "点", "类的",
))


#: a title, a name or a topic is shorter than this; a longer message is cut here so a
#: pasted paragraph cannot become a query of hundreds of words
MAX_PHRASE = 40
#: near-match groups use at most this many pairs of a part and words of the query, so
#: the groups stay few (at most C(8, 4) = 70 for the words)
MAX_PAIRS, MAX_WORDS = 10, 8


@dataclass(frozen=True)
class CatalogueQuery:
    phrase: str          # the reader's words without filler (a title, a name, a topic)
    words: tuple[str, ...]  # the words that must match, function words left out
    isbn: str | None     # a valid ISBN-13 the reader typed
    wants_author: bool   # "某某写的", "某某的作品"
    for_children: bool   # 孩子, 绘本, 宝宝 …
    asks_a_topic: bool = False  # "讲黑洞的书", "关于城墙的": books on it, not one so named

    @property
    def segments(self) -> list[str]:
        """The parts the reader separated (a title and an author: "百年孤独 马尔克斯"); a
        part that only says for whom ("孩子 某书", what is left of "给孩子找本某书") names
        no book, unless it is all the reader typed."""
        parts = [part for part in re.split(r"[\s，,、。；;：:！!？?]+", self.phrase) if part]
        return [part for part in parts if part not in CHILD_MARKERS] or parts

    def near_titles(self) -> list[list[str]]:
        """Groups of index tokens, each all required, any group enough: what a title or
        name near the reader's must hold. Per part the reader typed: all its character
        pairs but one or two (one wrong character breaks two pairs), or all its pinyin
        pairs but one (a homophone keeps them all). Selective groups keep the index from
        ranking every record that shares one common pair."""
        groups: list[list[str]] = []
        for part in self.segments[:3]:
            keys = near_keys(part)
            chars = list(dict.fromkeys(k for k in keys if not k.isascii()))[:MAX_PAIRS]
            sounds = list(dict.fromkeys(k for k in keys if k.isascii()))[:MAX_PAIRS]
            groups += _all_but(chars, 1 if len(chars) <= 3 else 2) + _all_but(sounds, 1)
        return _unique(groups)

    @property
    def telling_words(self) -> tuple[str, ...]:
        """The words that tell what a book is about: of a long telling ("讲某人把某物从某地
        弄到某地去的"), those of two characters or more, not the little words that move
        the story; else all of them."""
        if len(self.words) <= MAX_WORDS:
            return self.words
        return tuple(word for word in self.words if len(word) > 1) or self.words

    def on_topic(self) -> list[list[str]]:
        """Groups of at least half of the telling words: a book on the topic."""
        words = list(self.telling_words[:MAX_WORDS])
        return _unique(_all_but(words, len(words) // 2))


def _unique(groups: list[list[str]]) -> list[list[str]]:
    return [list(group) for group in dict.fromkeys(map(tuple, groups))]


def _all_but(keys: list[str], missing: int) -> list[list[str]]:
    """Every choice of all the keys but `missing` of them (all of them when too few)."""
    if len(keys) <= missing:
        return [keys] if keys else []
    return [list(chosen) for chosen in combinations(keys, len(keys) - missing)]


#: a title or a name of a few characters, typed alone
SHORT_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")


def understand(text: str) -> CatalogueQuery:
    normalised = normalise(text)
    typed_isbn = isbn_in(normalised)
    bracketed = re.search(r"《([^》]+)》", normalised)
    phrase = bracketed.group(1) if bracketed else FILLER.sub(" ", normalised)
    wants_author = bool(AUTHOR_MARKER.search(phrase))
    if wants_author and not bracketed and len(CJK.findall(AUTHOR_MARKER.sub(
            "", HONORIFIC.sub("", phrase)))) >= 2:  # a name is left ("教授的著作": none)
        phrase = HONORIFIC.sub(" ", phrase)
    phrase = " ".join(AUTHOR_MARKER.sub(" ", phrase).split())[:MAX_PHRASE]
    every = tuple(dict.fromkeys(tokens(phrase)))
    words = tuple(w for w in every if w not in STOPWORDS and w not in CHILD_MARKERS)
    if bracketed or (SHORT_NAME.fullmatch(phrase) and words and max(map(len, words)) == 1):
        # In 《》, or in a short name the words split into single characters, every
        # character is the title's own: 本巴 is no search for 巴 alone
        words = every
    return CatalogueQuery(
        phrase=phrase, words=words, isbn=isbn13(typed_isbn) if typed_isbn else None,
        wants_author=wants_author,
        for_children=any(word in normalised for word in (*CHILDREN_SUBJECTS, *CHILD_MARKERS)),
        asks_a_topic=bool(TOPIC_ASKED.search(normalised)) and not bracketed,
    )
