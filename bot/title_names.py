"""A title the reader names as a title without 《》 ("找一本书名叫某某的", "名字叫某某的那本")
is quoted, so that everything after the guard reads it as it reads 《某某》: a search for
that title, whatever words it is made of. The title ends at the first 的 that is followed
by what is said of the book (书, 那本, a comma) or at the clause's end, so a title holding
的 (夏洛的网) is kept whole when the book is named after it ("名字叫夏洛的网的那本")."""

from __future__ import annotations

import re

NAMED_TITLE = re.compile(
    r"(?P<said>(?:书名|名字|名儿|题目)(?:就|就是)?叫(?:做)?)"
    r"(?!啥|什么|哪|几|多少|么|不上)"  # asking or forgetting the name ("书名叫啥来着")
    r"(?P<title>[^，,。？?！!\s《》“”\"]{1,20}?)"
    r"(?=的(?:书|那本|这本|那个|[，,。？?！!\s]|$)|[，,。？?！!\s]|$)")


def quote_named_titles(text: str) -> str:
    """The message with each title named as a title put in 《》."""
    return NAMED_TITLE.sub(r"\g<said>《\g<title>》", text)
