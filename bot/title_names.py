"""A book's title named as its title without 《》 ("找一本书名叫某某的", "那本书的名字叫某某")
is quoted, so that everything after the guard reads it as it reads 《某某》: a search for
that title, whatever words it is made of. Only a book's name counts (书名, 书的名字; not a
person's or an event's 名字). The title ends at the first 的 that is followed by what is
said of the book (书, 那本, a comma) or where the clause ends, a question particle left
out ("书名就叫某某吗"), so a title holding 的 (夏洛的网) is kept whole when the book is
named after it ("书名叫夏洛的网的那本")."""

from __future__ import annotations

import re

NAMED_TITLE = re.compile(
    r"(?P<said>(?:书名|(?:书|本|小说|绘本)的名字)(?:就|就是)?叫(?:做|作)?)"
    # not asking or forgetting the name ("书名叫啥来着", "书名叫不出来了")
    r"(?!啥|什么|哪|几|多少|么|不|错|得|起来)"
    r"(?P<title>[^，,。？?！!\s《》“”\"]{1,20}?)"
    r"(?=的(?:书|那本|这本|那个|[，,。？?！!\s]|$)|(?:吗|吧|呢|了吗|了没|没有)?(?:[，,。？?！!\s]|$))")


def quote_named_titles(text: str) -> str:
    """The message with each title named as a book's title put in 《》."""
    return NAMED_TITLE.sub(r"\g<said>《\g<title>》", text)


#: a title half remembered: the words before or after the part forgotten ("叫某某啥来着",
#: "叫什么某某的"); see half_called
HALF_CALLED = re.compile(r"(?:^|(?<=[\s，,。书本集字]))叫做?"
                         r"(?:(?P<before>[^\s，,。？?！!啥什么]{2,8}?)(?:还是|或者)?(?:啥|什么)|"
                         r"(?:啥|什么)(?P<after>[^\s，,。？?！!]{2,8}?)(?=的|来着|那|$|[\s，,。？?！!]))")
#: ... not a person told to do something (but 人间, 人生 … of a title), nor the words that
#: only ask ("叫孩子看什么", "叫什么名字", "叫什么呀你们有吗")
NOT_REMEMBERED = re.compile(r"[我你他她们员家娃爸妈]|人(?![间生类性民物世])|"
                            r"孩子|儿子|女儿|老公|老婆|"
                            # ... nor the name forgotten ("叫什么忘了", "叫啥不记得了")
                            r"忘|记不|不记得|想不起|之类|^(来着|名字|的|呀|啊|吗|呢|好)")


def half_called(text: str) -> str | None:
    """The words a reader remembers of a title ("叫某某啥来着", "…叫啥某某"), where 叫 begins
    a clause or follows a book's word (not "老师叫我们借…", "我叫某某"), if any."""
    found = HALF_CALLED.search(text)
    words = (found.group("before") or found.group("after")) if found else None
    return None if words is None or NOT_REMEMBERED.search(words) else words
