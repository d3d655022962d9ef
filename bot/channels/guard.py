"""What every reader channel does around Rasa, whatever the channel:

- while a librarian has the conversation (an open ticket), the reader's messages go to
  the ticket and Rasa does not see them (Rasa would only log them: a paused
  conversation predicts nothing); "结束人工" hands the reader back to the assistant;
- after a ticket is closed, the reader's rating (1-5, 满意/不满意) is taken here;
- a reader-card password typed after the assistant asked for it is checked here and
  replaced by the outcome (`/password_checked{"verification": ...}`), so the password
  never reaches Rasa's conversation store or logs; a message that looks like a password
  where none was asked for (bot/channels/password_screen.py) is not passed on either;
- "退出登录" signs the reader out of the conversation; on channels with an idle
  timeout (the widget), every message keeps the reader's session alive;
- incoming text is cleaned (control characters) and bounded in length; a message with
  several questions goes to Rasa as one turn per question (bot/channels/questions.py);
- a turn that produced no reply at all (the action server or Rasa's tracker store is
  down) gets a clear "please try again" instead of silence.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import re
from collections.abc import Awaitable, Callable
from functools import cache

import zhconv
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage

from bot import wiring
from bot.card_numbers import CARD
from bot.channels.password_screen import looks_like_password
from bot.channels.questions import CJK, CONTINUES_MESSAGE, split_questions
from bot.outcome import outcome
from bot.question_words import ASKS, clauses
from bot.services.desk_roles import ReaderDesk
from bot.services.interface import ReaderLogin, ServiceUnavailableError, Verification
from bot.settings import load_settings
from bot.spelling import corrected
from bot.statistics.capture import Recorder, Turn
from bot.title_names import quote_named_titles

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
NO_REPLY_TEXT = "抱歉，系统暂时无法处理您的消息，请稍后再试。如需帮助，也可以到馆咨询服务台。"
# Words that abandon the current step (a form, the password prompt, a confirmation):
# sent as /deny.
CANCEL_WORDS = {"取消", "退出", "cancel", "/deny"}
#: putting it off ("改天再说", "晚点回家再弄")
_LATER = "下次|下回|以后|改天|回头|晚点|等会儿?|下周|过两天"
#: ways of giving up ("算了，不预约了", "我再想想，先取消吧") ...
GIVING_UP = re.compile(r"先?[不别](?:想|用|要)?(?:预约|约|借|订|预定|预订|办|报名|报|去|查|看|弄|"
                       r"续借|续|登录)了|"  # first: "先不报名了" as a whole, not 先不报 and 名了
                       r"算了|算啦|不要了|不用了|不需要了|再想想|先取消(吧|了)?$|取消吧|"
                       r"放弃(预约)?|先不[要用约借订办报查看弄续登]|没事了|停下?|"
                       f"({_LATER})?(到家|回家)?再说(吧|了)?|"
                       f"({_LATER})(到家|回家)?再(弄|办|约|报|试)(吧|了)?")
#: ... of which these leave the step itself, and cancel nothing else ("不办了", "算了")
LEAVES_THE_STEP = re.compile(r"算了|算啦|不用了|不需要了|不办了|不续了|不弄了|再说|没事了|放弃")
#: ... when nothing else is said ("第二个不要了，取消掉" cancels a hold; "算了，周末开吗"
#: and "不用预约了吗" ask something)
GIVING_UP_FILLER = re.compile(r"[\s，。！!,.~…]|我|那|就|先|还是|吧|了|啊|呀|哦|嗯|哎|唉|嗨|"
                              r"这本|这个|今天|这次|这回|暂时")
#: what in a reason given after giving up asks for something else instead ("不约了，给我
#:续借一下", "算了，我想改订自习室")
ASKS_FOR_ANOTHER = re.compile(r"^(查|约|订|续|借|报|办|找)|换成|改成|"
                              r"(帮我|给我|替我|我想|我要|想)[^，,。？?！!]{0,2}(约|订|续|借|查|报|办|找|换|改|看)")
#: what in a reason given first would choose or cancel something ("第二个不要了", "总馆那本撤了",
#: "预约取消吧")
CHOOSES = re.compile(r"第|这|那本|取消|删|退|撤|[\d《]")
# Outcomes after which the reader may well type the password again.
REFUSED = {Verification.LOCKED, Verification.THROTTLED, Verification.CARD_BLOCKED,
           Verification.CARD_EXPIRED}
RESERVED_INTENT = "/password_checked"
#: what a reader says around a password typed again at the prompt
PASSWORD_REMARK = re.compile(r"(?:[\s，,。.！!：:~…]|不好意思|抱歉|对不起|sorry|哦|噢|呃|嗯|啊|"
                             r"刚才|刚刚|我的|密码|应该|是|打错|输错|写错|按错|错了|了|手滑|手抖|手快|"
                             # a key missed or pressed twice ("少按了个3")
                             r"(?:少|多|漏)(?:(?:按|打|输|敲)了?|了)(?:个|一个|一位)?[0-9A-Za-z]?|"
                             # one key typed for another ("e按成了r", "把1打成l了")
                             r"把?[0-9A-Za-z]?(?:按|打|输|敲|写)(?:成|错)了?(?:个|一个)?[0-9A-Za-z]?|"
                             r"重来|重输|重打|重新来|再来|"
                             r"重新|再|试|输|一次|一下|这次|这回|换成|改成)*", re.IGNORECASE)
NOT_KEPT_TEXT = (
    "为保护您的账户安全，这条看起来像密码的消息没有被记录，也没有被使用。"
    "如需验证读者证，请先发送“我的预约”等请求，再按提示输入密码。"
)
LOGOUT_WORDS = {"退出登录", "注销登录", "退出账号", "登出", "注销"}
LOGGED_OUT_TEXT = "已退出登录。下次查看预约等个人信息时需要重新验证读者证。"
NOT_LOGGED_IN_TEXT = "您当前没有登录读者证，无需退出。"
#: metadata key under which a channel passes the client's address (taken out here)
CLIENT_ADDRESS = "client_address"
# Words that end a handoff while a librarian has the conversation.
LEAVE_WORDS = {"结束人工", "退出人工", "结束人工服务", "不用人工了", "返回机器人", "返回助手"}
#: ... said with a word of courtesy or a particle around them ("好的 结束人工", "那就退出人工吧")
_LEAVE_ALTERNATIVES = "|".join(sorted(LEAVE_WORDS, key=len, reverse=True))
COURTESY = re.compile(r"好的?|好吧|行|嗯+|哦+|ok|谢谢(你|您|了|啦)?|多谢|感谢(你|您)?|辛苦(了|啦)?|"
                      r"可以了|没问题了?|明白了?|知道了|没事了|"
                      # a conversation closed ("那先这样"), nothing awaited
                      r"(那|那就|就)?先?这样(吧|了)?")
LEAVES = re.compile(f"(那|那就|那先|先|我要|我想|请|麻烦)?({_LEAVE_ALTERNATIVES})(吧|了|啦)?"
                    f"({COURTESY.pattern})?")
COURTESIES = re.compile(f"({COURTESY.pattern})+")
LEFT_TEXT = "已结束人工服务，您可以继续向我（智能助手）提问。"
FORWARDED_TEXT = (
    "您的消息已转给馆员（工单 #{ticket}），请稍候。如需结束人工服务，请发送“结束人工”。"
)
RATED_TEXT = "感谢您的评价！还有其他问题可以随时问我。"
# While a reader writes in quick succession, the first message gets the whole
# acknowledgement and the next ones a short receipt (never silence).
ACK_QUIET_SECONDS = 30
RECEIPT_TEXT = "（已转给馆员）"
#: what separates the words of a mixed message ("周末开吗 我的密码abc12345")
_WORDS = re.compile(r"[\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef，。？！、,.?!:;]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")
#: full-width letters and digits ("ＪＬ０００００００３", typed with a Chinese input method)
#: as ASCII; full-width punctuation stays, the NLU and the signals read it as it is
_HALF_WIDTH = {code: code - 0xFEE0 for start, end in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A),
                                                     (0xFF41, 0xFF5A))
               for code in range(start, end + 1)}

Handler = Callable[[UserMessage], Awaitable[None]]


@cache
def reader_login() -> ReaderLogin:
    return wiring.reader_login(load_settings())


@cache
def idle_seconds() -> dict[str, int]:
    """Channels whose verified sessions end after so many seconds without a message."""
    return {"widget": load_settings().widget_idle_minutes * 60}


def desk() -> ReaderDesk:
    return wiring.reader_desk(load_settings())


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def throttled_address(address: str | None) -> str | None:
    """The client address that login throttling counts: not this machine's own (tools,
    tests, or a local reverse proxy that was not configured to pass the reader's)."""
    return None if address is None or is_loopback(address) else address


def clean_text(text: str | None) -> str:
    return _CONTROL.sub("", text or "").translate(_HALF_WIDTH).strip()[:MAX_MESSAGE_CHARS]


def simplified(text: str) -> str:
    """The reader's words as the step rules read them: simplified, lower case, trimmed."""
    return zhconv.convert(text.strip().casefold(), "zh-cn")


def gives_up(text: str) -> bool:
    """Whether the message only abandons the current step (in 繁體 too), or gives a
    reason before or after ("临时要开会，这次先不约了", "算了 不报了 那天要加班"): its
    first or last clause gives up, and the other clauses neither ask nor choose anything
    (nor, after it, ask for something else: "不约了，劳驾帮我续借手上的")."""
    plain = simplified(text)
    parts = clauses(plain) or [""]
    giving_up = [_only_gives_up(part) for part in parts]
    # a bare 取消 beside words that give up the step ("取消 不办了 …"; not "取消 我的预约",
    # nor "取消 不去了", which may ask to cancel a sign-up)
    steps_left = any(gives and LEAVES_THE_STEP.search(part)
                     for part, gives in zip(parts, giving_up, strict=True))
    giving_up = [gives or (part in CANCEL_WORDS and steps_left)
                 for part, gives in zip(parts, giving_up, strict=True)]
    reasons = [part for part, gives in zip(parts, giving_up, strict=True) if not gives]
    after = giving_up[0] and not giving_up[-1]
    return plain in CANCEL_WORDS or _only_gives_up(plain) or (
        (giving_up[0] or giving_up[-1])
        and not any(ASKS.search(reason) or CHOOSES.search(reason)
                    or (after and ASKS_FOR_ANOTHER.search(reason)) for reason in reasons))


def _only_gives_up(text: str) -> bool:
    return (GIVING_UP.search(text) is not None
            and not GIVING_UP_FILLER.sub("", GIVING_UP.sub("", text)))


def _reserved(text: str) -> str:
    """A reader may not type what only the guard sends (the password check's outcome)."""
    return text.lstrip("/") if text.startswith(RESERVED_INTENT) else text


def prepared(text: str) -> str:
    """The reader's words as the NLU reads them: simplified characters, the library's key
    words spelt right, books' titles named as titles in 《》."""
    return quote_named_titles(corrected(zhconv.convert(text, "zh-cn")))


def password_after_remark(text: str) -> str | None:
    """The password in a message that only says it again ("打错了 Abc12345", "密码是
    Abc12345"): one token that looks like a password, and around it nothing but such
    words. A question beside it ("密码是Abc12345对吗") is no password."""
    tokens = [token for token in _WORDS.split(CARD.sub(" ", text))
              if looks_like_password(token, likely=True) and not PASSWORD_REMARK.fullmatch(token)]
    if len(tokens) != 1 or tokens[0] == text.strip():
        return None
    before, after = text.split(tokens[0], 1)
    # "不对，Abc12345" corrects; "Abc12345不对啊" complains
    return tokens[0] if PASSWORD_REMARK.fullmatch(before.replace("不对", " ")) \
        and PASSWORD_REMARK.fullmatch(after) else None


async def screen_password(message: UserMessage, service: ReaderLogin,
                          client: str | None) -> str | None:
    """The text Rasa should see for this message; None if it must not see it at all
    (the reader was answered here)."""
    text = _reserved(message.text or "")
    channel, sender = message.input_channel, message.sender_id
    pending = await asyncio.to_thread(service.take_password_prompt, channel, sender)
    if gives_up(text):  # at any step of a form, or a password
        return "/deny"
    if pending is not None and pending.card_number is not None:
        text = password_after_remark(text) or text
        if len(CJK.findall(text)) >= 2:  # a question in the middle ("周末开吗"), not a
            # password: Rasa answers it and asks for the password again (which arms the
            # prompt again); until then, what looks like a password is kept back
            await asyncio.to_thread(service.expect_caution, channel, sender)
            # a card number typed with spaces ("是 JL 0000 0002") is no password
            if any(looks_like_password(token, likely=True)
                   for token in _WORDS.split(CARD.sub(" ", text))):
                await message.output_channel.send_text_message(
                    sender, NOT_KEPT_TEXT, **outcome("clarify", password_kept_back=True))
                return None
            return text
        verification = await asyncio.to_thread(
            service.verify_reader, pending.card_number, text, channel, sender, client,
            idle_seconds().get(channel))
        logger.info("Reader card verification on %s: %s", channel, verification.value)
        if verification in REFUSED:
            await asyncio.to_thread(service.expect_caution, channel, sender)
        return "/password_checked" + json.dumps({"verification": verification.value})
    if looks_like_password(text, likely=pending is not None):
        await message.output_channel.send_text_message(
            sender, NOT_KEPT_TEXT, **outcome("clarify", password_kept_back=True))
        return None
    if text.strip() in LOGOUT_WORDS:
        ended = await asyncio.to_thread(service.end_reader_session, channel, sender)
        await message.output_channel.send_text_message(
            sender, LOGGED_OUT_TEXT if ended else NOT_LOGGED_IN_TEXT, **outcome("signed_out"))
        return None
    if channel in idle_seconds():
        await asyncio.to_thread(service.touch_reader_session, channel, sender)
    return text


def leaves_the_librarian(text: str) -> bool:
    """Whether the message ends the handoff: one of LEAVE_WORDS, alone or among words of
    courtesy ("好的 结束人工", "結束人工 謝謝"); not when it says anything more, which is for
    the librarian."""
    parts = clauses(simplified(text))
    return any(LEAVES.fullmatch(part) for part in parts) and all(
        LEAVES.fullmatch(part) or COURTESIES.fullmatch(part) for part in parts)


async def answered_by_desk(message: UserMessage, desk: ReaderDesk) -> bool:
    """Routes the message to an open ticket or takes it as a rating; True if so."""
    channel, sender, text = message.input_channel, message.sender_id, message.text or ""
    ticket = await asyncio.to_thread(desk.open_ticket_for, channel, sender)
    output = message.output_channel
    if ticket is not None:
        if leaves_the_librarian(text):
            await asyncio.to_thread(desk.reader_leaves, ticket.ticket_id)
            await output.send_text_message(sender, LEFT_TEXT, **outcome("handoff_ended"))
            return True
        if looks_like_password(text):
            await output.send_text_message(sender, NOT_KEPT_TEXT,
                                           **outcome("clarify", password_kept_back=True))
            return True
        quiet = await asyncio.to_thread(desk.seconds_since_reader_wrote, ticket.ticket_id)
        await asyncio.to_thread(desk.add_reader_message, ticket.ticket_id, text)
        acknowledgement = (FORWARDED_TEXT.format(ticket=ticket.ticket_id)
                           if quiet is None or quiet >= ACK_QUIET_SECONDS else RECEIPT_TEXT)
        await output.send_text_message(sender, acknowledgement, **outcome("handoff"))
        return True
    if await asyncio.to_thread(desk.record_rating, channel, sender, text):
        await output.send_text_message(sender, RATED_TEXT, **outcome("rated"))
        return True
    return False


def _answered(output: OutputChannel) -> bool:
    """False if the reader got nothing (only known for channels that collect replies)."""
    return not isinstance(output, CollectingOutputChannel) or bool(output.messages)


def recorder() -> Recorder:
    return wiring.consultation_recorder(load_settings())


def guarded(
    on_new_message: Handler,
    service: Callable[[], ReaderLogin] = reader_login,
    handoff: Callable[[], ReaderDesk] = desk,
    statistics: Callable[[], Recorder | None] = recorder,
) -> Handler:
    async def handle(message: UserMessage) -> None:
        message.text = clean_text(message.text)
        desk = handoff()
        turn = Turn(message, statistics())  # consultation statistics
        try:
            await handle_turn(message, turn, desk)
        finally:
            await turn.record()

    async def handle_turn(message: UserMessage, turn: Turn, desk: ReaderDesk) -> None:
        try:
            if await answered_by_desk(message, desk):
                turn.went_to_desk()
                return
            if await turn.took_feedback():
                return
        except ServiceUnavailableError:
            logger.warning("Library database unavailable while checking for a handoff")
        client = throttled_address((message.metadata or {}).pop(CLIENT_ADDRESS, None))
        try:
            text = await screen_password(message, service(), client)
        except ServiceUnavailableError:
            logger.warning("Library database unavailable while checking for a password prompt")
            # A password prompt may be active: what may be a password is not passed on.
            text = None if looks_like_password(message.text or "", likely=True) else message.text
        if text is None:
            if not _answered(turn.output):
                await message.output_channel.send_text_message(message.sender_id, NO_REPLY_TEXT,
                                                               **outcome("error"))
            return
        try:
            # In simplified characters, as the NLU was trained, with the library's key
            # words spelt right (余期 → 逾期) and titles named as titles in 《》 (书名叫某某
            # → 书名叫《某某》), and the questions are cut
            # ("有沒有《白夜行》？你們週四開門嗎"); two questions get two answers.
            first, *others = split_questions(text if text.startswith("/") else prepared(text))
            for index, question in enumerate([first, *map(_reserved, others)]):
                if index:
                    turn.end_question()
                await on_new_message(UserMessage(
                    question, message.output_channel, message.sender_id,
                    input_channel=message.input_channel,
                    metadata={**(message.metadata or {}), CONTINUES_MESSAGE: True} if index
                    else message.metadata))
        except Exception:  # e.g. the tracker store's database is down: answer anyway
            logger.exception("Rasa could not process a message on %s", message.input_channel)
        if not _answered(turn.output):
            await message.output_channel.send_text_message(message.sender_id, NO_REPLY_TEXT,
                                                           **outcome("error"))

    return handle
