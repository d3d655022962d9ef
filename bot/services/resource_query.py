"""What a reader asks the digital-resource directory for, and which resources fit.

"有没有外文期刊数据库" asks for journals in foreign languages; "在家能看电子书吗" for
e-books, usable from home first; "适合孩子的有声书" for audio resources for children.
Type, audience, place and language words are found in the normalised text
(bot/services/search_text.py); the remaining jieba words rank the resources by their
name and subjects (strong) and description (weak).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.resource_model import ResourceCard
from bot.services.search_text import normalise, tokens

#: words that name a type of resource (报刊: newspapers and journals)
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "电子书": ("ebook",), "电子图书": ("ebook",), "电子版": ("ebook",), "电纸书": ("ebook",),
    "ebook": ("ebook",), "e-book": ("ebook",), "超星": ("ebook",),
    "期刊": ("journal",), "杂志": ("journal",), "论文": ("journal",), "学术": ("journal",),
    "知网": ("journal",), "万方": ("journal",), "维普": ("journal",), "博看": ("journal",),
    "报纸": ("newspaper",), "电子报": ("newspaper",), "报刊": ("newspaper", "journal"),
    "有声": ("audio",), "听书": ("audio",), "音频": ("audio",), "广播": ("audio",),
    "播客": ("audio",),
    "视频": ("video",), "公开课": ("video",), "直播": ("video",), "回放": ("video",),
    "录像": ("video",), "纪录片": ("video",), "动画": ("video",),
    "地方文献": ("local",), "地方志": ("local",), "方志": ("local",), "南京学": ("local",),
    "文学之都": ("local",), "乡土": ("local",), "老南京": ("local",),
}
CHILD_WORDS = ("少儿", "儿童", "孩子", "小孩", "小朋友", "宝宝", "亲子", "幼儿", "童书",
               "小学生", "中学生", "学龄前", "娃")
FOREIGN_WORDS = ("外文", "外语", "英文", "英语", "原版", "日文", "日语", "德语", "法语")
#: where the reader is or wants to use it (checked in this order: "不到馆" is remote)
WHERE_WORDS: dict[str, tuple[str, ...]] = {
    "remote": ("在家", "家里", "家中", "居家", "远程", "馆外", "校外", "出差", "外地",
               "不到馆", "不用到馆", "不去图书馆", "不出门"),
    "app": ("手机上", "手机", "app", "移动端", "小程序", "平板", "ipad"),
    "onsite": ("馆内", "到馆", "在馆", "馆里", "现场", "阅览室"),
}
#: words that say nothing about which resource ("有没有数据库" asks for everything)
GENERIC = {
    "有没有", "没有", "什么", "哪些", "哪个", "有些", "可以", "能否", "能不能", "可不可以",
    "图书馆", "金陵", "金图", "资源", "数字", "电子", "数字资源", "电子资源", "数据库",
    "推荐", "适合", "一下", "我们", "我想", "想要", "需要", "使用", "怎么", "如何", "在线",
    "网上", "线上", "看看", "阅读", "平台", "网站", "入口", "请问", "你们", "免费",
    "东西", "一些", "哪里", "哪儿", "登录", "访问", "能看", "能听", "读物", "书籍",
    "方面", "相关", "关于", "类型", "种类",
    # ... nor asking to list them all ("列出来看看", "全部清单")
    "给我", "我列", "列出", "列出来", "列一下", "清单", "目录", "全部", "所有", "都有",
}
MIN_WORD_CHARS = 2


@dataclass(frozen=True)
class ResourceRequest:
    kinds: frozenset[str] = frozenset()
    audience: str | None = None  # "children" when the reader asks for children
    where: str | None = None  # remote | app | onsite
    foreign: bool = False
    words: tuple[str, ...] = ()  # other words (normalised), e.g. 历史, 英语学习

    @property
    def empty(self) -> bool:
        """Nothing to look for ("数字资源", "/ask_digital_resource")."""
        return not (self.kinds or self.audience or self.foreign or self.words or self.where)


def _take(text: str, phrases: list[str]) -> tuple[str, list[str]]:
    """The phrases found in text (longest first), and text without them."""
    found = []
    for phrase in sorted(phrases, key=len, reverse=True):
        if phrase in text:
            found.append(phrase)
            text = text.replace(phrase, " ")
    return text, found


def read_request(text: str, audience: str | None = None,
                 where: str | None = None) -> ResourceRequest:
    """The reader's request; audience and where, when given, replace what the text says."""
    rest = normalise(text)
    places: list[str] = []
    for place, phrases in WHERE_WORDS.items():
        rest, found = _take(rest, list(phrases))
        if found:
            places.append(place)
    rest, kinds = _take(rest, list(KIND_WORDS))
    rest, children = _take(rest, list(CHILD_WORDS))
    rest, foreign = _take(rest, list(FOREIGN_WORDS))
    words = tuple(dict.fromkeys(
        word for word in tokens(rest) if len(word) >= MIN_WORD_CHARS and word not in GENERIC))
    return ResourceRequest(
        kinds=frozenset(kind for phrase in kinds for kind in KIND_WORDS[phrase]),
        audience=audience or ("children" if children else None),
        where=where or next(iter(places), None), foreign=bool(foreign), words=words,
    )


def usable_from(card: ResourceCard, where: str | None) -> int:
    """0: usable from where the reader is; 1: not known (no access recorded); 2: not."""
    if where is None or not card.access:
        return 0 if where is None else 1
    wanted = {"remote": {"remote", "app"}, "app": {"app"}, "onsite": set(card.access)}[where]
    return 0 if wanted & set(card.access) else 2


def rank(request: ResourceRequest, cards: list[ResourceCard]) -> list[ResourceCard]:
    """The cards that fit the request, best first: usable from where the reader is, meant
    for the audience asked for, most words matched, confirmed before placeholders."""
    kind_phrases = [phrase for phrase, kinds in KIND_WORDS.items() if set(kinds) & request.kinds]
    ranked = []
    for card in cards:
        strong = normalise(" ".join([card.name, *card.subjects]))
        weak = normalise(" ".join([card.description, card.access_note]))
        # A children's resource of several types fits "适合孩子的有声书" by its subjects.
        if request.kinds and card.kind not in request.kinds and not (
                card.kind == "children" == request.audience
                and any(phrase in strong for phrase in kind_phrases)):
            continue
        if request.audience and not {request.audience, "all"} & set(card.audience):
            continue
        if request.foreign and not any(word in strong for word in FOREIGN_WORDS):
            continue
        hits = sum(2 if word in strong else word in weak for word in request.words)
        # Words alone must match; a place alone ("在家能用哪些") lists everything.
        if request.words and not hits and not (request.kinds or request.audience
                                               or request.foreign):
            continue
        ranked.append(((usable_from(card, request.where),
                        request.audience is not None and request.audience not in card.audience,
                        -hits, card.placeholder, card.kind not in request.kinds, card.name),
                       card))
    return [card for _key, card in sorted(ranked, key=lambda pair: pair[0])]

