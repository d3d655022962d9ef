"""Cutting a message into its questions (bot/channels/questions.py)."""

from __future__ import annotations

import pytest

from bot.channels.questions import split_questions
from bot.question_words import ASKS


@pytest.mark.parametrize(("text", "questions"), [
    ("图书馆几点关门？怎么坐地铁去", ["图书馆几点关门？", "怎么坐地铁去"]),
    ("办证要多少钱，一次能借几本书", ["办证要多少钱", "一次能借几本书"]),
    ("有没有《三体》？周日开门吗", ["有没有《三体》？", "周日开门吗"]),
    # one question, however it is punctuated
    ("你好，请问几点开门？", ["你好，请问几点开门？"]),
    ("我第一次来南京。想问一下图书馆在哪里？", ["我第一次来南京。想问一下图书馆在哪里？"]),
    ("我想借书，怎么办证", ["我想借书，怎么办证"]),
    ("有《你好，旧时光》吗", ["有《你好，旧时光》吗"]),
    ("谢谢你！再见", ["谢谢你！再见"]),
    # the hours of what was asked open: the same question
    ("周六江宁馆开不开 几点到几点", ["周六江宁馆开不开 几点到几点"]),
    ("办证收费吗 几点到几点", ["办证收费吗", "几点到几点"]),
    # questions by 多大 / a clause ending in 不 or 没
    ("少儿馆哪年建的，面积多大", ["少儿馆哪年建的", "面积多大"]),
    ("预约的书到了没，周日开门不", ["预约的书到了没", "周日开门不"]),
    ("JL00000003 借的书哪天还，欠钱吗", ["JL00000003 借的书哪天还，欠钱吗"]),  # one request
    ("江北馆几点关？书能在河西还不", ["江北馆几点关？", "书能在河西还不"]),
    ("几点开？书还不了了", ["几点开？书还不了了"]),
    ("能带水杯进去吗，有wifi不", ["能带水杯进去吗", "有wifi不"]),
    ("新馆建好了没有，人多不多", ["新馆建好了没有", "人多不多"]),
    ("我还没有读者证，怎么办", ["我还没有读者证，怎么办"]),
    # a clause ending in 没 after 有 asks too (not "那边没有", a statement)
    ("有寄存的柜子没 里面能吃零食不", ["有寄存的柜子没", "里面能吃零食不"]),
    ("江宁那边没有 帮我约总馆的", ["江宁那边没有 帮我约总馆的"]),
    # ... not when it points back at what was asked before
    ("想知道星星是怎么形成的 这一类的书有没", ["想知道星星是怎么形成的 这一类的书有没"]),
    # a space asked for after a question about something else, a request turned to
    ("江北下周三营业吗 要占一间研讨间", ["江北下周三营业吗", "要占一间研讨间"]),
    ("研讨间能订吗 想占个位子", ["研讨间能订吗 想占个位子"]),
    ("预约到馆后保留多久 顺便替我预约某某某", ["预约到馆后保留多久", "替我预约某某某"]),
    ("有某某某吗 我想借", ["有某某某吗 我想借"]),
    # 这么 and 那么 point, they do not ask; nor do 那几天, 前几天, 好几
    ("这么晚才开啊。那江北馆礼拜天呢", ["这么晚才开啊。那江北馆礼拜天呢"]),
    ("月底到河西那几天，讲座排了哪几场", ["月底到河西那几天，讲座排了哪几场"]),
    # the closing time of what was just asked open is the same question, also of the
    # place or day named before
    ("开门么，几点关", ["开门么，几点关"]),
    ("周五下班赶去某区馆赶得上吗，几点关门", ["周五下班赶去某区馆赶得上吗，几点关门"]),
    ("能办证吗，几点关门", ["能办证吗", "几点关门"]),
    # what is asked for, then a question of its own
    ("分馆座机号码给我一份，平常几点下班", ["分馆座机号码给我一份", "平常几点下班"]),
    # what an errand asked about takes is the same question; not what a visit takes
    ("老人的证可以请人代办吗，得准备啥", ["老人的证可以请人代办吗，得准备啥"]),
    ("周日开吗，得拿啥证件", ["周日开吗", "得拿啥证件"]),
    ("读者证暂时没有，能先借书吗", ["读者证暂时没有，能先借书吗"]),
    ("不不不，我是说怎么续借", ["不不不，我是说怎么续借"]),
    # one question asked of each of several things
    ("挂失和补办分别去哪弄", ["挂失，去哪弄", "补办，去哪弄"]),
    ("想办张电子证，还想给孩子办少儿证，各自需要啥",
     ["想办张电子证，需要啥", "还想给孩子办少儿证，需要啥"]),
    ("我和孩子分别能借几本", ["我和孩子分别能借几本"]),  # one thing named before it
    ("想捐几本旧书，还想办张新证，这两样各自找谁", ["想捐几本旧书，找谁", "还想办张新证，找谁"]),
    # an errand meant, then another matter turned to; context alone stays with its question
    ("旧画报想送给馆里，另外读者卡咋弄", ["旧画报想送给馆里", "读者卡咋弄"]),
    ("卡丢了要先挂失，顺便问问咋续借", ["卡丢了要先挂失", "咋续借"]),
    # 伐 asks as 吗 does; not in 砍伐
    ("河西分馆礼拜六开伐 另外办证带啥", ["河西分馆礼拜六开伐", "办证带啥"]),
    # no errand: a child taken somewhere, a retirement
    ("要送孩子去上英语课，顺便问下周六几点开门", ["要送孩子去上英语课，顺便问下周六几点开门"]),
    ("刚搬来这边，顺便问下几点开门", ["刚搬来这边，顺便问下几点开门"]),
    # a request to be told something it names
    ("坐几路车？线路图发我一份", ["坐几路车？", "线路图发我一份"]),
    # one more search after a question
    ("边城在架吗 顺便找找湘行散记", ["边城在架吗", "找找湘行散记"]),
    ("边城在哪一层？再找也找不到", ["边城在哪一层？再找也找不到"]),  # no search asked
    ("周日开不开，把官网告诉我", ["周日开不开", "把官网告诉我"]),
    ("你好，麻烦跟我说一下，明天开门吗", ["你好，麻烦跟我说一下，明天开门吗"]),
    # something asked for, then a question
    ("江宁馆的电话发我一下，周一上午开门不", ["江宁馆的电话发我一下", "周一上午开门不"]),
    ("总馆的公交线路给我吧，明早几点开", ["总馆的公交线路给我吧", "明早几点开"]),
    ("替我订本围城，礼拜五可以去拿吗", ["替我订本围城，礼拜五可以去拿吗"]),
    # the other alternative, as a sentence of its own after a question
    ("能用我的证给孩子借吗？还是得另外办一张", ["能用我的证给孩子借吗？", "还是得另外办一张"]),
    # ... or another matter turned to
    ("卡掉了咋补办？另外登录密码也忘记了", ["卡掉了咋补办？", "登录密码也忘记了"]),
    ("周六开门吗？对了，我是第一次来", ["周六开门吗？对了，我是第一次来"]),  # a remark
    ("少儿证能办吗？顺便说下娃今年五岁", ["少儿证能办吗？顺便说下娃今年五岁"]),
    ("孩子自己去可以吗，还是得家长陪着", ["孩子自己去可以吗，还是得家长陪着"]),
    # a plan told after a question is its context; a day asked about with 呢 is a question
    ("江宁馆周末歇吗？下个月2号还准备去呢", ["江宁馆周末歇吗？下个月2号还准备去呢"]),
    ("周日开吗？周六呢", ["周日开吗？", "周六呢"]),
    # how it is reckoned: the same question
    ("逾期了得赔钱吗，怎么算", ["逾期了得赔钱吗，怎么算"]),
    ("书皮被撕破了几处，咋办", ["书皮被撕破了几处，咋办"]),
    ("绘本让孩子画花了要紧吗，怎么赔", ["绘本让孩子画花了要紧吗，怎么赔"]),
    ("/place_reservation{\"bib_id\": \"3\"}", ["/place_reservation{\"bib_id\": \"3\"}"]),
    # more than three questions: answered as one message
    ("明天开吗？后天开吗？周六开吗？周日开吗？", ["明天开吗？后天开吗？周六开吗？周日开吗？"]),
])
def test_questions_of_a_message(text: str, questions: list[str]) -> None:
    assert split_questions(text) == questions


def test_several_titles_are_asked_about_one_by_one() -> None:
    assert split_questions("有没有《草房子》和《城南旧事》") == [
        "有没有《草房子》", "有没有《城南旧事》"]
    assert split_questions("有《乡土中国》和《江城》吗") == ["有《乡土中国》吗", "有《江城》吗"]
    assert split_questions("《三体》和《活着》哪本好看") == ["《三体》和《活着》哪本好看"]
    assert split_questions("《活着》和《兄弟》有什么区别") == ["《活着》和《兄弟》有什么区别"]
    assert split_questions("《活着》和《兄弟》有区别吗") == ["《活着》和《兄弟》有区别吗"]


def test_a_request_for_a_title_is_a_question_of_its_own() -> None:
    assert split_questions("帮我预约《平凡的世界》，另外今天开到几点") == [
        "帮我预约《平凡的世界》", "今天开到几点"]
    assert split_questions("有wifi吗 座位能充电吗") == ["有wifi吗", "座位能充电吗"]


def test_a_request_is_a_question_of_its_own_when_another_is_turned_to() -> None:
    assert split_questions("想订个研讨间，顺便问下周日开不开") == ["想订个研讨间", "周日开不开"]
    assert split_questions("帮我找找《活着》，还有停车方便吗") == [
        "帮我找找《活着》", "还有停车方便吗"]
    # asking to ask, or a request the question is about, stays whole
    assert split_questions("我想问一下，另外几点关门") == ["我想问一下，另外几点关门"]
    assert split_questions("我想借书，需要带什么") == ["我想借书，需要带什么"]
    # 还有 and 另 may go on with the same subject
    assert split_questions("想借个研讨间，还有空的吗") == ["想借个研讨间，还有空的吗"]
    assert split_questions("我想约研讨间，另一个馆有吗") == ["我想约研讨间，另一个馆有吗"]


@pytest.mark.parametrize(("text", "questions"), [
    ("有没有《小王子》？另外馆里能拍照吗", ["有没有《小王子》？", "馆里能拍照吗"]),
    ("对了，书服到家是干嘛的", ["书服到家是干嘛的"]),
    ("顺便问一下今天开门吗", ["今天开门吗"]),
    ("对了", ["对了"]),  # nothing after it: the reader's word stays
    ("对了吗？", ["对了吗？"]),
    ("另外呢？", ["另外呢？"]),
    ("还有三体吗", ["还有三体吗"]),  # 还有 may ask
])
def test_words_that_only_turn_to_a_question_are_left_out(text: str, questions: list[str]) -> None:
    assert split_questions(text) == questions


@pytest.mark.parametrize(("text", "asks"), [
    ("下午开伐", True), ("有三体伐，想借", True), ("森林砍伐", False), ("北伐", False),
])
def test_fa_asks_as_ma_does(text: str, asks: bool) -> None:
    assert bool(ASKS.search(text)) is asks

