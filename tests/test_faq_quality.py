"""FAQ retrieval quality on held-out reader phrasings (not the paraphrases it indexes).

Fails if top-1 accuracy drops below the floor, or if the floor no longer sits above a
trivial baseline (bot/baselines.py); `make bench` reports the real figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.baselines import faq_baseline
from bot.db.migrate import upgrade
from bot.evaluation import evaluate_faq
from bot.knowledge_cli import setup as knowledge_setup
from bot.services import sql
from bot.services.faq_classifier import entry_classifier
from bot.services.faq_retrieval import Bm25Index, Document
from bot.services.sql.faq import SqlKnowledge
from bot.services.sql.session import SqlStore

HOLDOUT = Path(__file__).parent / "data" / "faq_holdout.yml"
LONG_DEV = Path(__file__).parent / "data" / "faq_long_dev.yml"
# "Later": with the paraphrases added on 2026-12-06 after the classifier's reading (3,756,
# about 20 per entry). With them the bigram-overlap baseline reaches 0.964 top-1 and the
# retriever 0.974 (before: 0.942 and 0.967; before those of 2026-12-05: 0.923 and 0.956;
# before those of 2026-12-04: 0.876 and 0.905).
MIN_TOP1 = 0.97
# Answered directly and right 0.967, wrongly 0.007 (bot/services/sql/faq.py's policy for
# a message taken for a rule question, lenient; before the later paraphrases: 0.953,
# 0.015; before the classifier's reading of 2026-12-06: 0.945, 0.015; before the
# paraphrases of 2026-12-05: 0.927, 0.015; before those of 2026-12-04: 0.865, 0.018).
MIN_DIRECT_CORRECT, MAX_WRONG = 0.95, 0.02
# Long messages (tests/data/faq_long_dev.yml): answered directly and right 0.912, wrongly
# 0.044 (7 of 160), 16 of the 40 that no entry answers answered (before the later
# paraphrases: 0.838, 0.013, 13; before the classifier's reading of 2026-12-06: 0.825,
# 0.013, 12; before the paraphrases of 2026-12-05: 0.700, 0.044, 8; before those of
# 2026-12-04: 0.556, 0.013, 4; before the long-message rule: 0.01; before its menus were
# answered when two readings agree and single characters were terms: 0.37, 0.006, 1).
LONG_MIN_DIRECT_CORRECT, LONG_MAX_WRONG, LONG_MAX_UNANSWERABLE_ANSWERED = 0.90, 0.045, 16
MEDIUM_DEV = Path(__file__).parent / "data" / "faq_medium_dev.yml"
# Medium messages (tests/data/faq_medium_dev.yml, 12–24 CJK characters): answered
# directly and right 0.969, wrongly 0.019 (3 of 160), 21 of the 40 that no entry answers
# answered (before the later paraphrases: 0.931, 0.031, 19; before the classifier's
# reading of 2026-12-06: 0.912, 0.025, 19; before the paraphrases of 2026-12-05: 0.900,
# 0.025, 19; before LENIENT_LONG_MESSAGE, at 25: 0.812, 0.019, 16). Out-of-scope messages
# that reach the FAQ at all are those the NLU took for rule questions.
MEDIUM_MIN_DIRECT_CORRECT, MEDIUM_MAX_WRONG, MEDIUM_MAX_UNANSWERABLE_ANSWERED = 0.95, 0.035, 21


def held_out_cases() -> list[dict]:
    return yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> SqlKnowledge:
    url = f"sqlite:///{tmp_path_factory.mktemp('faq') / 'faq.db'}"
    upgrade(url)
    knowledge_setup(url)
    return SqlKnowledge(SqlStore(url))


def test_held_out_phrasings_are_not_indexed(knowledge: SqlKnowledge) -> None:
    indexed = {text for row in knowledge.export_rows()
               for text in [row["question"], *row["paraphrases"]]}
    cases = held_out_cases()
    assert len(cases) >= 100
    with_context = [case for path in (LONG_DEV, MEDIUM_DEV)
                    for case in yaml.safe_load(path.read_text(encoding="utf-8"))]
    assert not indexed & {case["question"] for case in cases + with_context}


def test_floor_is_above_the_trivial_baseline(knowledge: SqlKnowledge) -> None:
    baseline = faq_baseline(knowledge.export_rows(), held_out_cases())
    top1 = baseline.share(baseline.top1)
    assert top1 < MIN_TOP1, f"the baseline reaches {top1:.3f}: the floor must be above it"


def test_top1_accuracy_on_held_out_phrasings(knowledge: SqlKnowledge) -> None:
    report = evaluate_faq(knowledge, held_out_cases())
    assert report.share(report.top1) >= MIN_TOP1, report.misses[:10]


def test_readers_get_answers_not_menus(knowledge: SqlKnowledge) -> None:
    """The answer policy: most held-out questions get the right answer directly, almost
    none a wrong one. (The bigram baseline always answers: 0.88 right, 0.12 wrong.)"""
    report = evaluate_faq(knowledge, held_out_cases())
    assert report.share(report.direct_correct) >= MIN_DIRECT_CORRECT
    assert report.share(report.wrong_answers) <= MAX_WRONG


def test_the_literal_reading_names_one_entry_or_none() -> None:
    index = Bm25Index([Document(1, "办证要押金吗\n办读者证收押金吗", "不收押金。"),
                       Document(2, "活动要报名吗", "部分活动需报名。"),
                       Document(3, "讲座要报名吗", "需要报名。")])
    assert index.literal_leader("辦證收押金嗎？") == 1  # 繁體 and punctuation aside
    assert index.literal_leader("要报名吗") is None  # two entries tie
    assert index.literal_leader("停车场") is None  # no entry shares a bigram
    # Bigrams across two paraphrases do not count: "吗办" is in neither.
    assert index.literal_leader("押金吗办") == 1 and index.literal_leader("吗办") is None
    # Bigrams of asking words alone name no subject.
    assert Bm25Index([Document(1, "金图怎么样", "")]).literal_leader("天气怎么样吗") is None
    # ... nor do those of the library's name, or with an asking word in them: the
    # leader must share a bigram of its subject ("空调能不能调低一点" is not about books
    # sent between branches, whatever 图书馆的, 能调 and 一点 share)
    between = Bm25Index([Document(1, "分馆的书能调过来吗\n总馆的书约到离家近的分馆拿", ""),
                         Document(2, "借书证挂失", "")])
    assert between.literal_leader("图书馆的空调能不能调低一点") is None
    assert between.literal_leader("总馆的书能调到分馆吗") == 1


def test_asking_what_something_is_gets_the_entry_that_says_it(knowledge: SqlKnowledge) -> None:
    """Three entries on 书服到家 (what it is, postage, returns): "what is it" is answered
    by the one that says what it is, with the others offered after it; a question that
    does not ask what it is still gets the choice."""
    answer = knowledge.answer("书服到家是干啥的呀")
    assert answer.kind == "answer" and answer.key == "borrowing-012" and answer.suggestions
    assert knowledge.answer("书服到家能讲讲吗").kind == "suggest"
    assert knowledge.answer("那是啥").kind != "answer"  # names nothing
    assert knowledge.answer("今天天气怎么样").kind != "answer"  # 怎么样 is no subject


@pytest.mark.parametrize(("path", "min_direct", "max_wrong", "max_unanswerable"), [
    (LONG_DEV, LONG_MIN_DIRECT_CORRECT, LONG_MAX_WRONG, LONG_MAX_UNANSWERABLE_ANSWERED),
    (MEDIUM_DEV, MEDIUM_MIN_DIRECT_CORRECT, MEDIUM_MAX_WRONG, MEDIUM_MAX_UNANSWERABLE_ANSWERED),
])
def test_messages_with_context_get_answers_when_one_entry_is_clear(
        knowledge: SqlKnowledge, path: Path, min_direct: float, max_wrong: float,
        max_unanswerable: int) -> None:
    """Context first, then the question: the long-message rule answers most of them
    directly, rarely wrongly, and leaves most of those no entry answers unanswered."""
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    answerable = [case for case in cases if case["expected"]]
    report = evaluate_faq(knowledge, answerable)
    assert report.share(report.direct_correct) >= min_direct
    assert report.share(report.wrong_answers) <= max_wrong
    answered = [case["question"] for case in cases if not case["expected"]
                and knowledge.answer(case["question"], lenient=True).kind == "answer"]
    assert len(answered) <= max_unanswerable, answered


@pytest.mark.parametrize(("question", "key"), [
    ("家里的柯基能带进馆吗", "facilities-019"),  # a dog by its breed is a pet
    ("金图跟外地哪些馆结对", "services-013"),  # a pairing is a partnership
    ("金图是公办的还是民营的", "about-008"),  # run by the state is public
    ("进馆以后有什么讲究", "facilities-018"),  # what to mind is the visitors' rules
    ("借书卡过期了要怎么弄", "reader_card-011"),  # a card expired, not a loan overdue
    ("证到期了去哪续", "reader_card-011"),
    ("金图是只有一个馆吗 没分馆吧", "location-012"),  # no branches: which there are
    ("网上资源闭馆了能用吗", "digital-010"),  # online resources are the digital ones
])
def test_readers_words_for_the_librarys_terms(knowledge: SqlKnowledge, question: str,
                                              key: str) -> None:
    """knowledge/faq/synonyms.yml maps readers' everyday words onto the entries' terms."""
    assert knowledge.answer(question).key == key


def test_a_year_to_confirm_gets_the_entry_that_says_when(knowledge: SqlKnowledge) -> None:
    """A premise about a date is answered by the one candidate that asks when (its
    answer corrects the year); two such candidates, or a question about more than the
    date, keep the menu or their own answer."""
    assert knowledge.answer("金陵图书馆1985年才创办的吧").key == "about-002"
    # 建成 is said of a building: the new building's entry answers it (its words are
    # clearly nearer since the paraphrases of 2026-12-05), the founding offered after it
    built = knowledge.answer("金陵图书馆是1998年建成的吧")
    assert built.key == "about-003"
    assert any("建立" in asked for _, asked in built.suggestions)
    assert knowledge.answer("2020年为什么闭馆").key == "hours-008"


def test_a_question_is_answered_without_the_remark_after_it(knowledge: SqlKnowledge) -> None:
    """When the whole message finds nothing, its first sentence that ends in a question
    mark is the question ("…？我明明按时还了")."""
    assert knowledge.answer("借书证怎么被冻结了？我明明每次都按时还").key == "reader_card-017"


def test_knowledge_files_follow_the_rules(knowledge: SqlKnowledge) -> None:
    rows = knowledge.export_rows()
    assert len(rows) >= 150
    for row in rows:
        assert row["placeholder"] or row["source"], f"{row['id']} states a rule without a source"


def test_the_nearest_wording_tells_candidates_apart() -> None:
    index = Bm25Index([Document(1, "办卡得交押金吗\n办证押金多少", ""),
                       Document(2, "可以免押金办证吗\n押金能免吗\n不交押金能借书吗", ""),
                       Document(3, "讲座要报名吗", "")])
    assert index.nearest_asked("办卡收押金不", [1, 2]) == 1
    assert index.nearest_asked("押金能不能免", [1, 2]) == 2
    assert index.nearest_asked("停车场在哪", [1, 2, 3]) is None  # near to none


#: six entries, two of them siblings on the deposit: the one on deposit-free cards says
#: 押金 in more wordings, so BM25 cannot tell them apart on 押金 alone (its question says
#: no 免, which would keep it from questions that do not ask to do without: `unasked`)
SIBLINGS = [
    {"id": "card-1", "question": "办读者证要交押金吗？",
     "paraphrases": ["办证押金多少", "押金是多少钱", "办卡得交押金吗"]},
    {"id": "card-2", "question": "不交押金也能办读者证吗？",
     "paraphrases": ["可以免押金办证吗", "信用免押金", "不交押金能借书吗", "免押金借书证",
                     "押金能免吗", "办证不想交押金", "押金可以不交吗"]},
    {"id": "lost-1", "question": "读者证丢了怎么办？",
     "paraphrases": ["借书证挂失", "卡丢了怎么补"]},
    {"id": "damage-1", "question": "借的书损坏了怎么赔偿？",
     "paraphrases": ["图书污损", "书弄坏了要赔吗"], "category": "borrowing"},
    {"id": "renew-1", "question": "图书可以续借吗？",
     "paraphrases": ["怎么续借", "快到期了能延期吗"], "category": "borrowing"},
    {"id": "wifi-1", "question": "馆里有WiFi吗？", "paraphrases": ["怎么连无线网", "上网密码"],
     "category": "facilities"},
]


@pytest.fixture(scope="module")
def siblings(tmp_path_factory: pytest.TempPathFactory) -> SqlKnowledge:
    url = f"sqlite:///{tmp_path_factory.mktemp('siblings') / 'faq.db'}"
    upgrade(url)
    knowledge = SqlKnowledge(SqlStore(url))
    report = knowledge.import_rows([{"category": "reader_card", "answer": "（答案）", **row}
                                    for row in SIBLINGS], user=None, publish=True)
    assert report.imported == len(SIBLINGS), report.errors
    return knowledge


def test_a_rule_question_is_settled_by_weaker_evidence(siblings: SqlKnowledge) -> None:
    """A message taken for a rule question ends in the FAQ: the nearest wording decides
    between siblings, and an entry both readings single out is answered below the
    menu's floor. Consulted before another action, the FAQ stays with its menu or
    nothing."""
    strict, lenient = siblings.answer("交押金吗"), siblings.answer("交押金吗", lenient=True)
    assert strict.kind == "suggest" and (lenient.kind, lenient.key) == ("answer", "card-1")
    story = "借书卡丢在地铁上了，上面还挂着两本书"
    assert siblings.answer(story).kind == "none"
    assert siblings.answer(story, lenient=True).key == "lost-1"
    assert siblings.answer("停车场在哪", lenient=True).kind == "none"


def test_a_lone_weak_candidate_is_not_answered_by_one_shared_word(
        siblings: SqlKnowledge) -> None:
    """A title and a word one entry's wording holds ("某书 无线网", 0.16): a menu of one
    candidate, under LONE_CANDIDATE_SCORE, that the literal reading also singles out is
    no answer; the same entry clearly asked for is."""
    assert siblings.answer("三体 无线网").kind == "suggest"
    assert siblings.answer("围城快到期了").key == "renew-1"


def test_the_third_reading_settles_a_tie_it_agrees_with(siblings: SqlKnowledge,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The classifier of character n-grams (bot/services/faq_classifier.py) answers a
    rule question's menu with its first entry when it picks that entry too and the
    candidates are strong; where it picks another one, or the evidence is weak, the reader
    still chooses. Consulted before another action, the FAQ keeps its menu."""
    assert siblings.answer("押金免不免", lenient=True).kind == "suggest"  # weak (0.12)
    monkeypatch.setattr(sql.faq, "ANSWER_SCORE", 0.1)  # as strong as an answer needs
    assert siblings.answer("押金免不免", lenient=True).key == "card-2"
    assert siblings.answer("押金免不免").kind == "suggest"
    assert siblings.answer("押金贵吗", lenient=True).kind == "suggest"  # it picks card-2
    monkeypatch.setattr(sql.faq, "CLASSIFIER_SCORE", float("inf"))
    assert siblings.answer("押金免不免", lenient=True).kind == "suggest"


def test_the_classifier_needs_two_entries_and_fits_once() -> None:
    texts = ((1, "办证押金多少"), (1, "办卡交押金吗"), (2, "免押金办证"), (2, "押金能免吗"))
    classifier = entry_classifier(texts)
    assert classifier is not None and classifier is entry_classifier(texts)
    assert classifier.best("能免押金吗")[0] == 2
    assert entry_classifier(((1, "办证押金多少"), (1, "押金"))) is None
    assert entry_classifier(((1, ""), (2, " "))) is None  # no words at all
