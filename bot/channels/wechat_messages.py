"""What the assistant does with each kind of WeChat message.

- text: asked to the assistant as is;
- voice: WeChat's speech recognition (`Recognition`) is asked as text; an empty
  recognition asks the reader to type or speak again;
- subscribe: a welcome listing what the assistant can do; unsubscribe: nothing;
- CLICK on a custom menu item: the item's EventKey is asked as a Chinese question:

  ================  ============  ==========================
  EventKey          question      what the reader gets
  ================  ============  ==========================
  OPENING_HOURS     开放时间       opening hours
  SEARCH_BOOKS      我想查书       how to search the catalogue
  MY_RESERVATIONS   我的预约       their holds (card check)
  READER_CARD       怎么办读者证   how to get a reader card
  EVENTS            最近有什么活动  upcoming events
  HUMAN             转人工         a librarian (ticket)
  ================  ============  ==========================

  an unknown key gets a short "not available" reply;
- other messages (image, location, link, video, file …): a reply that only text and
  voice are understood for now; other events (menu links, scans …): nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MENU_QUESTIONS = {
    "OPENING_HOURS": "开放时间",
    "SEARCH_BOOKS": "我想查书",
    "MY_RESERVATIONS": "我的预约",
    "READER_CARD": "怎么办读者证",
    "EVENTS": "最近有什么活动",
    "HUMAN": "转人工",
}
WELCOME_TEXT = (
    "欢迎关注金陵图书馆！我是智能咨询助手，可以帮您：\n"
    "· 查询开放时间、地址和交通\n"
    "· 查书、看馆藏和索书号\n"
    "· 预约图书、查看我的预约\n"
    "· 了解办证、借还等规定\n"
    "· 查询讲座和活动、预约空间\n"
    "· 需要时转接馆员（回复“转人工”）\n"
    "直接发送文字或语音即可，例如“几点开门”“有没有《三体》”。"
)
UNSUPPORTED_TEXT = (
    "抱歉，目前只能识别文字和语音消息。请用文字或语音描述您的问题，"
    "例如“几点开门”“有没有《三体》”。"
)
VOICE_NOT_RECOGNISED_TEXT = "抱歉，没有听清您的语音，请再说一遍，或直接输入文字。"
MENU_UNAVAILABLE_TEXT = "抱歉，这个菜单暂时不可用。您可以直接发送文字或语音提问。"


@dataclass(frozen=True)
class Reaction:
    """Either a question for the assistant, or a fixed reply (or neither: no reply)."""

    question: str = ""
    reply: str = ""


def reaction_to(fields: Mapping[str, str]) -> Reaction:
    """What to do with a message, given its XML fields (MsgType, Content …)."""
    kind = fields.get("MsgType", "").lower()
    if kind == "text":
        return Reaction(question=fields.get("Content", ""))
    if kind == "voice":
        recognised = fields.get("Recognition", "").strip()
        return Reaction(question=recognised) if recognised else Reaction(
            reply=VOICE_NOT_RECOGNISED_TEXT)
    if kind == "event":
        return _event_reaction(fields.get("Event", "").lower(), fields.get("EventKey", ""))
    return Reaction(reply=UNSUPPORTED_TEXT)


def _event_reaction(event: str, key: str) -> Reaction:
    if event == "subscribe":
        return Reaction(reply=WELCOME_TEXT)
    if event == "click":
        question = MENU_QUESTIONS.get(key.strip())
        return Reaction(question=question) if question else Reaction(reply=MENU_UNAVAILABLE_TEXT)
    return Reaction()


def delivery_key(fields: Mapping[str, str]) -> str:
    """What identifies one delivery across WeChat's retries: MsgId, or for events (which
    have none) the sender and CreateTime, plus the event and its key (two menu items
    clicked within one second are two messages)."""
    if fields.get("MsgId"):
        return fields["MsgId"]
    names = ("FromUserName", "CreateTime", "MsgType", "Event", "EventKey")
    return ":".join(fields.get(name, "") for name in names)
