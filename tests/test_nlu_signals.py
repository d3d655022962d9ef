"""High-precision signals after DIET (bot/nlu_signals.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu_signals import ReaderSignals, about_a_branch, about_a_visit, corrected, signals
from bot.services.search_text import isbn_in, normalise


@pytest.mark.parametrize(("text", "intent", "entities"), [
    ("9787020024759", "search_catalogue", {"isbn": "9787020024759"}),
    ("978-7-02-002475-9 有吗", "search_catalogue", {"isbn": "9787020024759"}),
    ("ISBN 7-02-002475-X", "search_catalogue", {"isbn": "702002475X"}),
    ("请问有《活着》吗", "search_catalogue", {"title": "活着"}),
    ("帮我预约《活着》", "place_reservation", {"title": "活着"}),
    ("有真人吗", "request_human", {}),
    ("少儿馆礼拜一开门吗", None, {"branch": "金陵图书馆少儿馆"}),
    ("金陵图书馆少儿馆在哪", None, {"branch": "金陵图书馆少儿馆"}),
    # not signals: a phone number, a card number, a date, asking about AI
    ("我的电话13812345678", None, {}),
    ("JL00000001", "list_reservations", {}),
    ("2026-10-28开门吗", None, {}),
    ("你是人工智能吗", "bot_challenge", {}),
    # the reader's own holds and sign-ups stay with DIET; a phone number is no handoff
    ("取消预约《活着》", None, {"title": "活着"}),
    ("我预约的《活着》到了吗", None, {"title": "活着"}),
    ("上周预约的《人世间》到了没", "list_reservations", {"title": "人世间"}),
    ("客服电话是多少", None, {}),
    ("我的预约，证号 jl 0000 0002", "list_reservations", {}),
    # ... or a hold, with the card to verify by; looking at the holds is the list
    ("证号JL00000003，想约白鹿原，到江北馆拿", "place_reservation", {"branch": "江北新区图书馆"}),
    ("JL00000003 帮我预约一本围城", "place_reservation", {}),
    ("卡号JL00000002；约平凡的世界；鼓楼馆领书", "place_reservation",
     {"branch": "鼓楼区图书馆"}),
    ("JL00000002，约好了周六去，我的预约有哪些", "list_reservations", {}),
    ("JL00000003 查一下预约", "list_reservations", {}),
    ("JL00000003 预约的书哪天能到", "list_reservations", {}),  # a hold placed
    ("JL00000003 我想预约周六的研讨间", None, {}),  # a space: DIET's
    # asking for a person in other words; not asking whether one must
    ("帮我找个管理员来看看", "request_human", {}),
    ("古籍是自己翻，还是要找馆员调", None, {}),
    ("不弄了，还是找人工吧", "request_human", {}),
    ("麻烦看下《三体》进了没有", "search_catalogue", {"title": "三体"}),  # no purchase asked
    # a district's library in other words; the branch named first
    ("今天鼓楼那边的区图书馆几点下班", None, {"branch": "鼓楼区图书馆"}),
    # cancelling a space or an event, not asking why one was cancelled
    ("取消我的场地预约", "cancel_booking", {}),
    ("2020年那会儿的活动为什么都取消了", None, {}),
    ("取消《房间》的预约", None, {"title": "房间"}),
    ("从江宁到金陵图书馆怎么走", None, {"branch": "金陵图书馆"}),
    # a hold in other words; a title the reader has on loan: renewed, or the loans
    ("去河西约本《白鹿原》", "place_reservation", {"title": "白鹿原"}),
    ("《白鹿原》能续到下个月吗", "renew_loan", {"title": "白鹿原"}),
    ("我借的《白鹿原》哪天要还", "list_loans", {"title": "白鹿原"}),
    ("前几天借的《白鹿原》淋湿了", "list_loans", {"title": "白鹿原"}),
    ("前几天借的人说《白鹿原》好看", "search_catalogue", {"title": "白鹿原"}),
    ("下午约《白鹿原》的作者见面", "search_catalogue", {"title": "白鹿原"}),
    ("希望馆里进一本《长安的荔枝》", "ask_policy", {"title": "长安的荔枝"}),
    # a volume alone: of the title searched before
    ("那第三部呢？", "search_catalogue", {}),
    ("帮我预约第二部", "place_reservation", {}),
    ("第二本", None, {}),
    # a card with a hold asked for outright: the hold, verified by it ("帮我约了": do)
    ("就这本 帮我约了 江宁拿 证号JL00000002", "place_reservation", {}),
    ("证号JL00000002 上礼拜你们帮我约了一本到了没", "list_reservations", {}),  # placed before
    # nothing said: asked to rephrase
    ("🙏🙏", None, {}),  # pictures: DIET decides (see corrected)
    ("。。。？！", "nlu_fallback", {}),
])
def test_signals(text: str, intent: str | None, entities: dict[str, str]) -> None:
    found, tagged = signals(text)
    assert found == intent
    assert {e["entity"]: e["value"] for e in tagged} == entities


@pytest.mark.parametrize(("text", "isbn"), [
    ("ISBN 978-7-02-002475-9 有吗", "9787020024759"),
    ("书号7020024768", "7020024768"),
    ("ISBN-10: 702000220X", "702000220X"),
    ("我的电话13812345678", None),
    ("JL00000001", None),
])
def test_an_isbn_is_found_inside_a_message(text: str, isbn: str | None) -> None:
    assert isbn_in(text) == isbn


def test_asking_what_the_assistant_is_is_no_handoff_and_holds_have_their_words() -> None:
    assert signals("你是真人客服还是机器？")[0] is None
    assert signals("有真人吗")[0] == "request_human"
    assert signals("麻烦预留一本《活着》给我")[0] == "place_reservation"
    assert signals("撤掉《围城》")[0] is None  # the reader's own hold: DIET decides
    # who is answering, even where DIET heard a request for a person
    assert signals("同我对话的是电脑还是人")[0] is None
    assert corrected("request_human", "此刻回消息的是AI还是真人") == "bot_challenge"
    assert corrected("request_human", "我要找真人") is None
    # ... unless a person is asked for all the same
    assert corrected("request_human", "转人工吧，电脑还是人都无所谓") is None
    assert signals("讲半天没讲清，是机器还是人啊，找个馆员来")[0] == "request_human"
    # 没关系 is no closing, 展开到 no opening time, 借的人 no loan
    assert about_a_branch("nlu_fallback", "江北馆那本书拖两天再还没关系吧") is None
    assert about_a_branch("ask_policy", "江宁馆的书展开到几号") is None
    assert signals("借的人最多的《边城》还有吗")[0] == "search_catalogue"


@pytest.mark.parametrize(("diet", "text", "intent"), [
    # a person asked for in other words, beside a question about the assistant
    ("request_human", "我想叫个管理员，你们这边是不是机器人", None),
    ("request_human", "帮我联系工作人员，回消息那头是机器还是活人", None),
    # a drop without a question stays a cancellation; what dropping costs is a rule
    ("cancel_booking", "周六的手工课不去了，材料费就算了", None),
    ("cancel_booking", "报了的课退掉的话要付费吗", "ask_policy"),
    # what is owed as a rule is no account: a limit, a fee, what it may affect
    ("ask_policy", "欠多少就不让借了", None),
    ("ask_policy", "补办证件总共交多少", None),
    ("ask_policy", "账上有欠费会影响续借吗", None),
    ("ask_policy", "我目前欠了多少罚款", "ask_account"),
    # nor is the queue's length, or whether a due day is reminded of
    ("ask_policy", "热门书排队的人多吗", None),
    ("ask_policy", "哪本要到期时有短信提示吗", None),
    # asked outright to search, whether the library collects it or not
    ("request_research_help", "麻烦帮我查下有没有收录民国时期报纸的资料", None),
    ("request_research_help", "馆里有没有收录老地图", "ask_policy"),
    # the reader's own loans are no research, and keeping one longer is a renewal
    ("request_research_help", "麻烦帮我看看手头那几本书还没还", "list_loans"),
    ("request_research_help", "借的几本都替我延长", "renew_loan"),
    ("nlu_fallback", "那本还没读完 帮它延个两周", "renew_loan"),
    ("ask_policy", "快到期了能不能延期", None),
    ("nlu_fallback", "这周的讲座延期了吗", "ask_events"),
    # the coming events in other words; a hold asked for with 把 or switched to another title
    ("ask_policy", "江宁馆这段时间搞啥活动", "ask_events"),
    ("nlu_fallback", "把刚问的那本也预约了，周末去拿", "place_reservation"),
    ("nlu_fallback", "那就换成平凡的世界，到江宁馆拿", "place_reservation"),
    ("nlu_fallback", "换成后天到总馆领证", None),
    # the account in other words: 瞅 a look, whether the card is 正常, several loans extended
    ("ask_policy", "我手里那些书哪天到期，帮我瞧瞧", "list_loans"),
    ("ask_policy", "刷卡老失败，帮我查下卡还正常不", "ask_account"),
    ("nlu_fallback", "这几本都延期一下", "renew_loan"),
    # events of a month named; staff named in a rule question is no request for a person
    ("ask_policy", "十二月份总馆排了什么活动", "ask_events"),
    ("request_human", "能在阅览室吃东西吗，会不会被管理员说", "ask_policy"),
    ("request_human", "劳驾帮我叫个馆员来", None),
    ("show_more", "手头这几本都延期一下", "renew_loan"),
    # a matter told where DIET heard a yes; a yes with more words stays one
    ("affirm", "另外登录密码也忘记了", "ask_policy"), ("affirm", "好的，就这么定了吧", None),
    ("affirm", "江宁馆这边去取书吧", None),
    # ... and a question past a no about the reader's own account is the account
    ("deny", "前阵子晚还了好几天，系统里一共扣了多少费用", "ask_account"),
    ("cancel_reservation", "晚还书得交钱吧，系统总共罚了多少块钱", "ask_account"),
    # counter-examples: a yes in other words; a person asked for; a late return's cost; an
    # event or an opening put off; a day or a delivery switched to; a rule about an event
    ("affirm", "同意，请帮我提交", None), ("affirm", "没毛病，麻烦你了谢谢", None),
    # the books in hand are the reader's loans ("手里那几本…")
    ("nlu_fallback", "手里那几本各自哪天截止", "list_loans"),
    ("nlu_fallback", "手头那些本书一并续了", "renew_loan"),
    ("request_human", "要找馆员，帮我叫一个", None),
    ("request_human", "我被管理员凶了，要投诉", None),
    ("ask_policy", "借的书延期两天罚几块", None), ("ask_policy", "听说新馆它延期开放了", None),
    ("ask_policy", "帮我看看讲座延期到哪天了", None),
    ("nlu_fallback", "改成周六吧，到总馆去取", None),
    ("nlu_fallback", "那就改成快递，寄到家里不用去拿了", None),
    ("ask_policy", "十二月三号的讲座在几楼", None),
    ("ask_policy", "五月份那场讲座回放在哪看", None),
])
def test_words_beside_a_request_or_a_rule_are_read_as_what_they_ask(
        diet: str, text: str, intent: str | None) -> None:
    assert corrected(diet, text) == intent


def test_words_like_hours_or_a_loan_that_are_neither() -> None:
    assert signals("借的到《边城》不")[0] == "search_catalogue"  # 借得到: a search
    # working near a branch, its exhibition's run or its lights are no hours
    assert about_a_branch("ask_policy", "我在江宁馆附近上班，能在那还书吗") is None
    assert about_a_branch("ask_policy", "河西馆那个展览开到几号") is None
    assert about_a_branch("ask_policy", "江北馆晚上没关灯是有人加班吗") is None
    assert about_a_branch("nlu_fallback", "江北馆周日上班不") == "ask_opening_hours"
    assert about_a_branch("ask_policy", "江北馆是区政府开的吧") is None  # who runs it
    # closing as a premise, a closing time with its part of the day
    assert about_a_branch("goodbye", "建邺馆下周二傍晚就早早关了吧") == "ask_opening_hours"
    assert about_a_branch("nlu_fallback", "河西馆礼拜天也开到夜里十点么") == "ask_opening_hours"


def test_asking_whether_a_machine_answers_is_about_the_assistant() -> None:
    assert signals("您是不是机器人啊，挺快的")[0] == "bot_challenge"
    assert signals("这会儿我是和程序在对话？")[0] == "bot_challenge"
    assert signals("馆里的机器人能带路吗")[0] is None  # a machine in the library
    assert signals("您是机器人吧，给我找个真人")[0] == "request_human"


def test_signals_read_traditional_characters() -> None:
    assert signals("幫我預約《紅樓夢》")[0] == "place_reservation"
    # a message that begins with 借的: the reader's loan, whatever befell it
    assert signals("借的《边城》让孩子撕了一页")[0] == "list_loans"
    assert signals("有没有借的人多的《边城》")[0] == "search_catalogue"
    assert signals("我现在是在跟真人说话吗？")[0] is None


@pytest.mark.parametrize(("diet", "text", "intent"), [
    ("place_reservation", "挪威森林", "search_catalogue"),
    ("search_catalogue", "预定一下人间失格", "place_reservation"),
    ("search_catalogue", "帮我订一本乡土中国", "place_reservation"),
    ("search_catalogue", "有没有关于订阅的书", None),
    ("ask_policy", "我有逾期没还的书吗", "list_loans"),
    ("ask_policy", "帮我看看还欠多少滞纳金", "ask_account"),
    ("ask_policy", "我借的书快到期了，帮我续借", "renew_loan"),
    ("ask_policy", "我的证过期了怎么办", None),
    ("ask_policy", "书丢了怎么办", None),
    ("ask_policy", "查一下办证的费用", None),
    ("ask_policy", "我的证过期了还能借书吗", None),
    ("ask_policy", "我借的书可以续借几次", None),
    ("ask_policy", "帮我查一下预约状态", "list_reservations"),
    ("search_catalogue", "可以帮我约活着吗，到河西取", "place_reservation"),
    ("place_reservation", "我有预约在排队吗", "list_reservations"),
    ("nlu_fallback", "之前预约的三体能取了没", "list_reservations"),
    ("place_reservation", "上个月预约的《平凡的世界》到了没", "list_reservations"),
    ("place_reservation", "帮我预约平凡的世界", None),
    ("place_reservation", "预约的书到了能保留几天", None),
    ("place_reservation", "预约的书到了会通知我吗", None),
    ("place_reservation", "预约了可以取消吗", None),
    ("place_reservation", "预约的书到了可以让别人代取吗", None),
    ("nlu_fallback", "我有本书好像超期了，帮我查查", "list_loans"),
    ("ask_policy", "我手上借着哪几本", "list_loans"),
    ("ask_policy", "我名下现在有几条预约", "list_reservations"),
    # one's own account asked in a question's words
    ("ask_policy", "我卡上还有欠着的滞纳金吗", "ask_account"),
    ("ask_policy", "我目前有几本在预约排着", "list_reservations"),
    ("ask_policy", "我是不是有书该还了", "list_loans"),
    ("ask_policy", "我手头在借的都是啥来着", "list_loans"),
    ("nlu_fallback", "我的借阅证这会儿是不是冻结了", "ask_account"),
    ("ask_policy", "我目前手里借着几本", "list_loans"),
    ("ask_policy", "账上还欠着钱没", "ask_account"),
    # what is owed now, which of one's books falls due first, holds in the queue
    ("nlu_fallback", "那本过期好久，眼下罚了多少", "ask_account"),
    ("list_loans", "我有本书没按时还，目前要交多少", "ask_account"),
    ("ask_policy", "逾期每日罚几块钱", None),  # a rule
    ("ask_policy", "那次晚还了一周，当时被扣了多少", "ask_account"),
    ("ask_policy", "过期每本每天扣几毛", None),  # a rule
    ("ask_policy", "我现在还欠着罚款吗", "ask_account"),
    ("ask_policy", "我这本红岩逾期三天了，得交多少", "list_loans"),
    ("nlu_fallback", "借的哪本马上到期", "list_loans"),
    # what a space is for
    ("book_space", "研讨间B是干什么用的", "ask_policy"),
    ("book_space", "那个直播间平常拿来搞什么", "ask_policy"),
    ("book_space", "研讨间A明天还有空位吗", None),
    ("book_space", "自修的位子能约吗，我想去干点正事", None),
    # the card's state where DIET heard the holds
    ("list_reservations", "帮我瞧瞧我的证眼下是啥状态", "ask_account"),
    ("list_reservations", "之前订的那册来了吗，证还能用不", None),
    # a question DIET took for thanks
    ("thank", "上次借走的那册给弄丢了，咋整", "ask_policy"),
    ("thank", "多谢，那补办证件需要带些啥", "ask_policy"),
    ("thank", "太感谢您了", None), ("thank", "谢谢你啊小助手", None),
    # a loan named by where it was borrowed
    ("nlu_fallback", "我从建邺区那边借的那册续期一下", "renew_loan"),
    ("ask_policy", "我从少儿馆借回家的两本哪天该还", "list_loans"),
    ("ask_policy", "我在网上办借阅得交押金吗", None),
    ("show_more", "女儿还在排队的那几本查下", "list_reservations"),
    # a visit's rule where DIET heard a booking; a booking's words keep it
    ("book_space", "能拎着外卖进自习室看书吗", "ask_policy"),
    ("request_research_help", "老南京的家谱你们也收藏吗", "ask_policy"),
    ("request_research_help", "需要查清末的地方报纸，麻烦馆员协助", None),
    ("book_space", "明天想去自习室，能帮我留个座吗", None),
    ("ask_policy", "帮我看看有没有补交的钱", "ask_account"),
    ("ask_policy", "我是不是有资格办证", None),  # no account topic
    ("ask_policy", "我卡上的照片能换吗", None),
    # a name and its works: a search by author; not one's own books or a question
    ("out_of_scope", "刘慈欣写的", "search_catalogue"),
    ("affirm", "三毛写的有没有", "search_catalogue"),
    ("ask_policy", "推荐的书呢", None),
    ("affirm", "我的书", None),
    ("out_of_scope", "这是谁写的", None),
    # whether or how a space can be booked: its free slots; not whether it must be
    ("ask_policy", "江北馆的研讨间能订吗", "book_space"),
    ("place_reservation", "少儿馆的自习座位可以预约吗", "book_space"),
    ("ask_policy", "自习座位要提前预约吗", None),
    # the coming events of a series: the live list; not a rule of events
    ("ask_policy", "诗会下一场是哪天", "ask_events"),
    ("ask_policy", "这个月还有手工课的活动没", "ask_events"),
    ("ask_policy", "最近的讲座收费吗", None),
    ("ask_policy", "下次活动在哪报名", None),
    # a cancellation needs cancelling words; asking why something was cancelled is none
    ("cancel_reservation", "边城 沈从文那本", "search_catalogue"),
    ("cancel_reservation", "边城那本不想看了", None),
    ("cancel_booking", "那场诗会我来不了了", None),
    ("cancel_booking", "前年的讲座怎么都取消了", "ask_policy"),
    ("cancel_booking", "帮我把明天的研讨间取消了", None),  # a request, not why
    # signing up in other words
    ("ask_events", "诗会那场替我留个名额", "sign_up_event"),
    ("ask_events", "金图讲坛下一期也给我算个名额", "sign_up_event"),
    ("ask_events", "手工坊周日那场帮我算我一个", "sign_up_event"),
    ("ask_events", "想问问一家三口算一个名额还是三个", None),  # how places are counted
    # whether a book can be had, taken for one's own loans: a search
    ("list_loans", "围城还有得借没", "search_catalogue"),
    ("list_loans", "我的前半生 想借来看", "search_catalogue"),
    ("list_loans", "我借来看的那本哪天到期", None),  # the reader's own loan
    ("list_loans", "我借的围城能借到几号", None),
    ("ask_policy", "我现在还欠多少钱", "ask_account"),
    # looking at holds already placed, for oneself or a child: the holds list
    ("ask_policy", "帮女儿瞧瞧她预约的那几本", "list_reservations"),
    ("nlu_fallback", "替我儿子查查他约了哪些书", "list_reservations"),
    ("place_reservation", "帮我看一下我预约的书", "list_reservations"),
    # a hold asked for in a question's words, whatever DIET made of the pickup words
    ("ask_opening_hours", "可以帮我预约下围城吗 周末去江宁馆拿", "place_reservation"),
    # ... but not where holds are picked up
    ("ask_policy", "预约的书到馆后去哪儿领", None),
    # pictures alone: small talk, or asked to rephrase
    ("affirm", "👌", None),
    ("ask_opening_hours", "😅😅😅", "nlu_fallback"),
    # an author's works, whatever DIET made of 哪些书
    ("list_loans", "毕飞宇写过什么书", "search_catalogue"),
    ("list_loans", "我写过什么书", None),
    ("nlu_fallback", "有钱穆的书吗", "search_catalogue"),
    ("nlu_fallback", "余秋雨有哪些书", "search_catalogue"),
    ("nlu_fallback", "最近有什么书", None), ("nlu_fallback", "图书馆的书有吗", None),
    ("list_loans", "有超期的书吗", None), ("ask_events", "讲坛有哪些", None),
    ("ask_policy", "关于损坏的书怎么赔", None),
    # when one's loans are due, or how to reach the library, is no research request
    ("request_research_help", "帮我瞅瞅借的几本什么时候到期", "list_loans"),
    ("request_research_help", "你们有邮箱吗 想寄份材料", "ask_policy"),
    ("request_research_help", "找一本老电话簿的影印本", None),
    # a book named with cancelling words: its hold, cancelled
    ("search_catalogue", "平凡的世界不想要了，帮我撤销", "cancel_reservation"),
    ("search_catalogue", "平凡的世界的预约能取消吗", "place_reservation"),  # asks: not this rule
    # a sign-up for someone else
    ("ask_events", "替娃报周日那场故事会", "sign_up_event"),
    ("ask_events", "我不想报名了", None),
    ("ask_events", "周日的故事会还剩位置吗，替我报上", "sign_up_event"),  # the last clause
    # a place asked to be kept after an event was named; not a seat, nor a book
    ("ask_policy", "下个月那期讲坛人满了没，给我留一个吧", "sign_up_event"),
    ("ask_policy", "我在图书馆欠费吗", "ask_account"),
    # a rule of events taken for a sign-up, unless one is asked for
    ("sign_up_event", "讲坛那场收不收钱", "ask_policy"),
    ("sign_up_event", "帮我报名讲坛，收费吗", None),
    ("sign_up_event", "去听诗会得交报名费吗", "ask_policy"),
    ("cancel_booking", "来你们这听讲座收不收钱", "ask_policy"),
    ("cancel_booking", "取消诗会报名要付违约费吗", None),
    ("sign_up_event", "可以报名冬日诗会吗", None),
    ("ask_events", "我不太想报名了", None),
    ("ask_events", "帮我女儿报周六的手工课", "sign_up_event"),
    # a hold's status asked with where to pick it up: the holds list
    ("search_catalogue", "上周预约的三体到了吗 去哪个馆拿", "list_reservations"),
    # 约 of a name, a librarian asked for, a rule about loans, documents about telephones
    ("search_catalogue", "约翰·克利斯朵夫有吗", None), ("ask_policy", "帮我约个馆员当面聊", None),
    ("ask_policy", "借的书一般什么时候还", None),
    ("request_research_help", "想找民国电话簿的影印本", None),
    # books on a topic; not a lecture's, nor a rule's
    ("nlu_fallback", "还有别的讲黑洞的书吗", "search_catalogue"),
    ("nlu_fallback", "讲座的书单在哪看", None), ("ask_policy", "关于借书的规定有哪些", None),
    # a question whose words say no of something else; a no first is a no
    ("deny", "手机没电了充不上，阅览区能充电吧", "ask_policy"),
    ("deny", "字太小我看不清，馆里提供放大镜吗", "ask_policy"),
    ("deny", "不用了，周末开门吗", None), ("deny", "暂时不需要了", None),
    ("deny", "嗯不用了，我回头自己去找吧", None), ("deny", "不是这一本，应该是下册吧", None),
    # a hold asked for after another book declined; not a hold declined, nor a space
    ("cancel_reservation", "刚才那本算了，就要活着吧，帮我约上", "place_reservation"),
    ("cancel_reservation", "别帮我约活着了", None),
    ("cancel_booking", "那个研讨间不要了，帮我约个自习室", None),
    ("cancel_reservation", "替我约的那本算了，退了吧", None),  # the request, then dropped
    ("cancel_reservation", "给我约围城那个，不要了", None),
    ("cancel_reservation", "帮我约上的围城删掉", None),
    # looking a book up, with no space or time to book in it
    ("book_space", "找一下余华的第七天", "search_catalogue"),
    ("book_space", "帮我找一下有空的研讨间", None), ("book_space", "查一下周六上午", None),
    ("book_space", "帮我查下后天还有没有", None), ("book_space", "找一下能用的琴房", None),
    # whether the library has the book just named; not the reader's own loan
    ("ask_policy", "平凡的世界这本书图书馆有么", "search_catalogue"),
    ("ask_policy", "我借的这本书有没有电子版", None),
    ("ask_policy", "这本书有没有外借限制", None),  # asked about it, not whether it is held
    # another title to hold instead, picked up where the reader said before; not a day
    ("nlu_fallback", "换成许三观卖血记那本 还是河西拿", "place_reservation"),
    ("nlu_fallback", "换成周六吧 还是总馆取", None),
    # what is on loan on a child's card
    ("ask_policy", "帮闺女查下她卡上借着几本", "list_loans"),
    ("ask_policy", "孩子的少儿卡上最多可以借几本", None),
    ("ask_policy", "少儿证最多同时借着几本", None),  # a quota, no one's loans
    # what is wrong with the reader's card, asked outright to be looked at
    ("ask_policy", "刷卡时机器说用不了，给我看一下这证出什么问题了", "ask_account"),
    ("ask_policy", "帮忙查查这张证咋了", "ask_account"),
    ("ask_policy", "读者证不能用了怎么办", None),  # what to do: the rule
    ("ask_policy", "给我瞅瞅卡号是多少", None),  # the number, not the card's state
    # a book asked for, whatever else DIET heard in it (an event for children, a person)
    ("ask_policy", "给三岁儿子挑本刷牙主题的绘本", "search_catalogue"),
    ("sign_up_event", "帮上中班的侄女找几本讲恐龙的", "search_catalogue"),
    ("ask_policy", "暑假想借套中国通史给孩子看", "search_catalogue"),
    ("request_human", "有蔡崇达的书吗", "search_catalogue"),
    ("ask_policy", "小孩要借本成人读物，用少儿证行吗", None),  # a card's rule
    ("ask_policy", "那套书借回去最长放多少天", None),  # the loan period
    ("ask_policy", "想看本周六的亲子活动", "ask_events"),  # 本周, not a book
    ("ask_policy", "读本科的学生有优惠吗", None),
    ("ask_policy", "朋友捐的书没登记吗", None), ("ask_policy", "这本书还有没有续借机会", None),
    ("ask_policy", "有卡夫卡的书吗", "search_catalogue"),  # a name, not a card
    ("ask_policy", "给爷爷找本听的", None),  # audio books: a digital resource
    # a card given to cancel a hold by; a question about a hold dropped is the FAQ's
    ("ask_policy", "证号jl00000003，打算撤销那条预约", "cancel_reservation"),
    ("ask_policy", "证号JL00000003 为啥预约被取消了", None),
    ("ask_policy", "证号JL00000003 取消订阅短信", None),
    ("ask_policy", "证号JL00000003 撤销预约有影响吗", None),
    # the books in hand, and what the reader booked, looked at
    ("nlu_fallback", "我手里还有几本没还 列一下", "list_loans"),
    ("nlu_fallback", "我订好的自习座位是哪天 帮我瞄瞄", "list_reservations"),
    # 伐 asks (Nanjing's 吗), past a no that DIET heard
    ("deny", "顺便问一句 馆里有饮水机伐 我带了杯子", "ask_policy"),
])
def test_diets_intent_is_corrected_where_the_words_are_clear(
        diet: str, text: str, intent: str | None) -> None:
    assert corrected(diet, text) == intent


def test_every_branch_named_is_found_in_order() -> None:
    def branches(text: str) -> list[str]:
        return [e["value"] for e in signals(text)[1] if e["entity"] == "branch"]

    assert branches("建邺那边的区图书馆跟金图一样礼拜四休息吧") == ["建邺区图书馆", "金陵图书馆"]
    assert branches("鼓楼馆和江宁馆今天都开到几点") == ["鼓楼区图书馆", "江宁区图书馆"]
    assert branches("金陵图书馆少儿馆在哪") == ["金陵图书馆少儿馆"]
    assert branches("那建邺那个馆呢") == ["建邺区图书馆"]
    assert branches("江北那边周末开几点") == ["江北新区图书馆"]
    assert branches("江北那个地铁站") == []
    assert branches("我住建邺那边，总馆远不远") == ["金陵图书馆"]  # where the reader lives
    assert branches("鼓楼的呢") == ["鼓楼区图书馆"]  # after an answer about another branch
    assert branches("江宁那家呢") == ["江宁区图书馆"]
    assert branches("建邺那家每天几点关") == ["建邺区图书馆"]
    assert branches("我住鼓楼那家酒店") == []
    assert branches("那建邺呢？") == ["建邺区图书馆"]
    assert branches("我住江北的呢") == []
    assert branches("户口是江北的呢 可以办证吗") == []  # not a follow-up


@pytest.mark.parametrize(("diet", "text", "intent"), [
    ("nlu_fallback", "河西分馆12月10号正常开吧", "ask_opening_hours"),
    ("nlu_fallback", "江宁馆怎么走", "ask_location"),
    ("ask_policy", "那江北馆礼拜天也开？", "ask_opening_hours"),
    ("ask_policy", "江宁馆也开展亲子活动吗", None),
    ("search_catalogue", "河西分馆有三体吗", None),
    ("ask_events", "建邺那家每天几点关", "ask_opening_hours"),  # no word of events
    ("ask_events", "建邺馆哪天几点有讲座", None),
    # a search without a word of books: 儿童 of the branch's name is no subject
    ("search_catalogue", "少儿馆下个月3号开放不", "ask_opening_hours"),
    ("search_catalogue", "少儿馆恐龙绘本多吗", None),
    ("search_catalogue", "少儿馆本周末开放吗", "ask_opening_hours"),
    # resting days in other words; a place by its part of town; not a website's address
    ("nlu_fallback", "周一江宁馆该歇着了吧", "ask_opening_hours"),
    ("ask_policy", "鼓楼区图书馆在鼓楼哪一块", "ask_location"),
    ("ask_policy", "建邺区图书馆官网地址是啥", None),
    ("ask_policy", "江宁区图书馆门牌是几号", "ask_location"),
    ("ask_policy", "鼓楼区图书馆邮件地址是啥", None),
    ("nlu_fallback", "周一去江宁馆会不会白跑", "ask_opening_hours"),
    ("search_catalogue", "江宁区图书馆本星期六开放吗", "ask_opening_hours"),
    # open told in the words of a working day, of closing, of a time one can still make
    ("nlu_fallback", "下周三江北馆上班吗", "ask_opening_hours"),
    ("nlu_fallback", "周日傍晚去鼓楼馆，那会儿还没关吧", "ask_opening_hours"),
    ("out_of_scope", "江宁馆不是开到八点么，周五晚上六点过去来得及", "ask_opening_hours"),
    ("nlu_fallback", "鼓楼馆周四九点半才开门吧", "ask_opening_hours"),
    ("nlu_fallback", "江宁馆明早七点半就开了吧", "ask_opening_hours"),
    ("nlu_fallback", "江北馆晚上八点才关，对吧", "ask_opening_hours"),
    ("ask_events", "江北馆的讲座几号才开展", None),
])
def test_a_named_branch_with_hours_or_place_words(diet: str, text: str,
                                                 intent: str | None) -> None:
    assert about_a_branch(diet, text) == intent


@pytest.mark.parametrize(("diet", "text", "intent"), [
    ("nlu_fallback", "晚上十点还能去看书吧", "ask_opening_hours"),
    ("book_space", "今晚八点去自习还来得及吧", "ask_opening_hours"),
    ("goodbye", "下周五晚上八点到分馆赶得上不", "ask_opening_hours"),  # in time
    ("goodbye", "周四我六点下班，那是不是来不及了", "ask_opening_hours"),  # ... or not
    # an errand of the visit asks for no book; a title does
    ("search_catalogue", "明早八点半到分馆还书，赶得上吧", "ask_opening_hours"),
    ("search_catalogue", "明早八点半去借边城赶得上吧", None),
    ("place_reservation", "明早八点半到分馆还书，赶得上吧", "ask_opening_hours"),
    ("nlu_fallback", "河西分馆礼拜六早上八点半过去，没问题吧", "ask_opening_hours"),
    ("ask_location", "后天去少儿馆，上午十点到了就能进吧", "ask_opening_hours"),
    ("ask_location", "下午三点到了从哪个门进馆", None),  # the way in, not the hours
    # a visit told of: in the past, or a long story
    ("nlu_fallback", "前天晚上在自习区看书，手机充电线忘拿了", None),
    ("ask_policy", "我每周六下午都带孩子去少儿馆看书，已经坚持两年了，孩子特别喜欢那里的绘本区",
     None),
    ("book_space", "帮我约明天下午两点的自习座位", None),
    ("book_space", "今晚八点自习室还有空位吗", None),
    ("book_space", "我要明天上午9点的自习座位", None),
    ("book_space", "申请明天下午的自习室", None),
])
def test_a_visit_at_a_time_of_day_asks_the_hours(diet: str, text: str,
                                                  intent: str | None) -> None:
    assert about_a_visit(diet, text) == intent


def test_calling_for_a_librarian_is_a_handoff() -> None:
    assert signals("卡被停了，请个工作人员来看看")[0] == "request_human"
    # ... not a research request with a librarian's help
    assert signals("要查清末的老地图，可否托馆员协助")[0] is None


def test_keys_hit_at_random_are_asked_again() -> None:
    assert signals("sdfghj;'[]")[0] == "nlu_fallback"
    assert signals("don't")[0] is None and signals("www.jllib.cn")[0] is None


def test_only_a_real_isbn_is_an_isbn() -> None:
    """DIET tags "24" of "24小时开放的自习区" as an ISBN; the pattern decides."""
    message = Message(data={"text": "金图有24小时开放的自习区吗",
                            "intent": {"name": "ask_opening_hours", "confidence": 0.9},
                            "entities": [{"entity": "isbn", "value": "24", "start": 2, "end": 4}]})
    ReaderSignals().process([message])
    assert [e["entity"] for e in message.get("entities")] == ["branch"]


@pytest.mark.parametrize(("text", "intent"), [
    # a visit on a day named, told as a guess: that day's hours, whatever the errand
    ("12月9号礼拜三去江宁馆办证，应当开着吧", "ask_opening_hours"),
    ("河西馆周日不会关吧？打算周日下午过去", "ask_opening_hours"),
    # not a visit told of, nor a question without a guess, nor one about the way there
    ("上周三去江宁馆办证的吧", None),
    ("周六去河西馆要预约吗", None),
    ("后天去江北馆还书得带证吧", None),  # a guess about the errand, not the doors
    ("周六去河西馆是坐几号线吧", "ask_location"),
])
def test_a_visit_on_a_day_told_as_a_guess_asks_that_days_hours(text: str,
                                                                intent: str | None) -> None:
    assert about_a_branch("nlu_fallback", normalise(text)) == intent
