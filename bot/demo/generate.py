"""Fill an empty database with a large, deterministic synthetic catalogue:
``python -m bot.demo.generate --scale N [--database-url URL]``.

Branches, card types, readers, spaces and events are the demo ones (bot.demo.load);
then N synthetic bibliographic records with about 3.33 copies each (N = 300,000
gives about 1,000,000 items). The same N always gives the same records and copies
(fixed seed); only dates relative to `--today` (due dates, slots, events) move.
Records are built and indexed exactly like the demo books (`record_row`, `item_rows`).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine
from tqdm import tqdm

from bot import clock
from bot.db.engine import session_factory
from bot.db.migrate import upgrade
from bot.db.models import BibRecord, Branch, Item
from bot.demo.load import (
    is_for_children,
    item_rows,
    load_branches,
    load_people_and_places,
    record_row,
)
from bot.settings import load_settings

SEED = 20240601
DEFAULT_BATCH = 5000
# Copies per record: 1..6 with these weights; the mean is exactly 10/3.
COPY_COUNTS = [1, 2, 3, 4, 5, 6]
COPY_WEIGHTS = [2, 4, 4, 4, 2, 2]

# Title vocabulary: poetic nouns, places, topics and the endings of non-fiction titles.
NOUNS = [
    "城市", "记忆", "山河", "光", "时间", "故事", "河流", "森林", "远方", "故乡", "月光",
    "灯火", "风景", "岁月", "星空", "海洋", "花园", "旅程", "秘密", "少年", "黄昏", "春天",
    "秋天", "雪", "雨", "梦", "影子", "声音", "书信", "桥", "码头", "院子", "火车", "长江",
    "运河", "梧桐", "银杏", "城墙", "灯塔", "钟声", "夜晚", "清晨", "人间", "世界", "家园",
]
PLACES = [
    "南京", "金陵", "秦淮", "江南", "苏州", "扬州", "上海", "北京", "长安", "紫金山",
    "玄武湖", "夫子庙", "鼓楼", "江宁", "六朝", "民国", "大运河", "西北", "岭南", "东方",
]
TOPICS = [
    "算法", "数据", "人工智能", "机器学习", "深度学习", "编程", "数据库", "网络", "计算机",
    "数学", "物理", "化学", "生物", "宇宙", "经济", "金融", "管理", "心理学", "哲学", "历史",
    "文化", "建筑", "艺术", "音乐", "绘画", "摄影", "教育", "法律", "医学", "中医", "营养",
    "烹饪", "园艺", "考古", "语言", "写作", "阅读", "设计", "城市规划", "社会学",
]
ENDINGS = [
    "简史", "导论", "入门", "概论", "原理", "实践", "通识", "十讲", "手册", "精要", "札记",
    "研究", "史话", "漫谈", "新论", "指南", "与生活", "的故事", "之美", "三十讲",
]
LINKS = ["的", "与", "和", "里的", "之外的", "深处的", "尽头的"]
EDITIONS = ["", "", "", "", "（第2版）", "（第3版）", "（修订版）", "（插图本）"]
CHILD_WORDS = ["小熊", "小兔", "恐龙", "小狐狸", "大象", "月亮", "星星", "彩虹", "魔法", "森林"]
CHILD_ENDINGS = ["的冒险", "去旅行", "找朋友", "的一天", "的秘密", "和我", "的梦", "绘本"]

SURNAMES = [
    *"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶",
    *"程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛",
    "欧阳", "司马", "诸葛", "上官", "慕容",
]
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚玲华飞鹏宇浩凯健俊帆文博然思远宁安嘉怡晨曦"
    "雨欣子墨一鸣海峰立新建国志红梅兰松竹云翔雪琳佳瑶舒"
)

PUBLISHERS = [
    "人民文学出版社", "上海译文出版社", "译林出版社", "江苏凤凰文艺出版社", "江苏人民出版社",
    "凤凰出版社", "南京出版社", "南京大学出版社", "东南大学出版社", "河海大学出版社",
    "商务印书馆", "中华书局", "生活·读书·新知三联书店", "北京大学出版社", "清华大学出版社",
    "中国人民大学出版社", "华东师范大学出版社", "广西师范大学出版社", "上海古籍出版社",
    "上海人民出版社", "机械工业出版社", "电子工业出版社", "人民邮电出版社", "科学出版社",
    "高等教育出版社", "中信出版社", "作家出版社", "长江文艺出版社", "浙江文艺出版社",
    "湖南文艺出版社", "北京联合出版公司", "中国青年出版社", "新星出版社", "重庆出版社",
]
CHILDREN_PUBLISHERS = [
    "江苏凤凰少年儿童出版社", "中国少年儿童出版社", "接力出版社", "二十一世纪出版社",
    "浙江少年儿童出版社", "明天出版社",
]


@dataclass(frozen=True)
class Subject:
    """A 中图分类号 class, its subject headings and how its titles are made."""

    clc: str
    subjects: tuple[str, ...]
    style: str  # literary | topical | children
    topics: tuple[str, ...] = ()


CLASSES = [
    Subject("I247.5", ("中国当代小说", "长篇小说", "城市生活"), "literary"),
    Subject("I247.7", ("短篇小说", "小说集", "中国"), "literary"),
    Subject("I267", ("散文集", "中国当代散文"), "literary"),
    Subject("I227", ("诗集", "中国当代诗歌"), "literary"),
    Subject("I287", ("儿童文学", "童话"), "children"),
    Subject("I287.8", ("绘本", "儿童图画故事", "少儿读物"), "children"),
    Subject("K295.3", ("南京", "地方史", "江苏"), "literary"),
    Subject("K928.9", ("名胜古迹", "旅游", "文化遗产"), "literary"),
    Subject("K20", ("中国历史", "通史"), "topical", ("历史", "文化", "考古")),
    Subject("TP18", ("人工智能", "机器学习"), "topical", ("人工智能", "机器学习", "深度学习")),
    Subject("TP311.1", ("程序设计", "软件工程"), "topical", ("算法", "编程", "计算机")),
    Subject("TP311.13", ("数据库", "数据管理"), "topical", ("数据库", "数据")),
    Subject("TP393", ("计算机网络", "互联网"), "topical", ("网络", "计算机")),
    Subject("O1", ("数学", "科普"), "topical", ("数学", "算法")),
    Subject("O4", ("物理学", "科普"), "topical", ("物理", "宇宙")),
    Subject("P159", ("宇宙学", "天文学"), "topical", ("宇宙", "物理")),
    Subject("Q1", ("生物学", "自然"), "topical", ("生物", "化学")),
    Subject("F12", ("中国经济", "经济发展"), "topical", ("经济", "金融")),
    Subject("F27", ("企业管理", "管理学"), "topical", ("管理", "经济")),
    Subject("B84", ("心理学", "自我成长"), "topical", ("心理学", "哲学")),
    Subject("B2", ("中国哲学", "思想史"), "topical", ("哲学", "文化")),
    Subject("C91", ("社会学", "城市研究"), "topical", ("社会学", "城市规划")),
    Subject("D92", ("中国法律", "法律普及"), "topical", ("法律",)),
    Subject("G25", ("图书馆学", "阅读推广"), "topical", ("阅读", "教育")),
    Subject("G4", ("教育", "家庭教育"), "topical", ("教育", "心理学")),
    Subject("H31", ("英语", "语言学习"), "topical", ("语言", "写作")),
    Subject("J2", ("绘画", "美术"), "topical", ("绘画", "艺术")),
    Subject("J6", ("音乐", "艺术欣赏"), "topical", ("音乐", "艺术")),
    Subject("J4", ("摄影", "艺术"), "topical", ("摄影", "设计")),
    Subject("TU-09", ("建筑史", "古建筑"), "topical", ("建筑", "城市规划", "设计")),
    Subject("R2", ("中医", "养生"), "topical", ("中医", "医学")),
    Subject("R15", ("营养学", "健康"), "topical", ("营养", "医学")),
    Subject("TS972.1", ("烹饪", "菜谱", "饮食文化"), "topical", ("烹饪", "营养")),
    Subject("S68", ("园艺", "花卉"), "topical", ("园艺", "生物")),
]
CLASS_WEIGHTS = [12 if c.style == "literary" else 5 if c.style == "children" else 3
                 for c in CLASSES]


def isbn_for(number: int) -> str:
    """A unique, valid ISBN-13 (978-7 prefix) for record `number` < 10^8."""
    # The multiplier is coprime with 10, so number → body is a bijection on 8 digits.
    digits = f"9787{(number * 61803397 + 14142135) % 10**8:08d}"
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def author_pool(rng: random.Random, size: int) -> list[str]:
    """`size` author names (surname + one or two given-name characters); may repeat."""
    return [
        rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        for _ in range(size)
    ]


def synthetic_title(rng: random.Random, subject: Subject) -> str:
    if subject.style == "children":
        return rng.choice(CHILD_WORDS) + rng.choice(CHILD_ENDINGS)
    if subject.style == "topical":
        topic = rng.choice(subject.topics if rng.random() < 0.8 else TOPICS)
        form = rng.randrange(4)
        if form == 0:
            title = topic + rng.choice(ENDINGS)
        elif form == 1:
            title = f"{rng.choice(PLACES)}{topic}{rng.choice(ENDINGS)}"
        elif form == 2:
            title = f"{rng.choice(NOUNS)}{rng.choice(LINKS)}{topic}"
        else:
            title = f"{rng.choice(NOUNS)}与{topic}：{topic}{rng.choice(ENDINGS)}"
        return title + rng.choice(EDITIONS)
    form = rng.randrange(5)
    if form == 0:
        return rng.choice(PLACES) + rng.choice(NOUNS)
    if form == 1:
        return f"{rng.choice(NOUNS)}{rng.choice(LINKS)}{rng.choice(NOUNS)}"
    if form == 2:
        return f"{rng.choice(PLACES)}{rng.choice(NOUNS)}：{rng.choice(NOUNS)}{rng.choice(LINKS)}" \
               f"{rng.choice(NOUNS)}"
    if form == 3:
        return rng.choice(NOUNS) + rng.choice(NOUNS)
    return f"{rng.choice(PLACES)}{rng.choice(ENDINGS)}"


def synthetic_books(scale: int, seed: int = SEED) -> Iterator[tuple[dict[str, Any], int]]:
    """(book, number of copies) for records 1..scale, always the same for one seed."""
    rng = random.Random(seed)
    authors = author_pool(rng, max(200, scale // 20))
    for number in range(1, scale + 1):
        subject = rng.choices(CLASSES, CLASS_WEIGHTS)[0]
        children = subject.style == "children"
        author = rng.choice(authors)
        if rng.random() < 0.1:
            author += "、" + rng.choice(authors)
        publisher = rng.choice(CHILDREN_PUBLISHERS if children else PUBLISHERS)
        year = int(rng.triangular(1980, 2027, 2021))
        book = {
            "title": synthetic_title(rng, subject),
            "author": author,
            "publisher": publisher,
            "year": year,
            "isbn": isbn_for(number),
            "clc": subject.clc,
            "subjects": list(rng.sample(subject.subjects, rng.randint(1, len(subject.subjects)))),
            "summary": f"{subject.subjects[0]}类图书，{publisher}{year}年出版。",
        }
        yield book, rng.choices(COPY_COUNTS, COPY_WEIGHTS)[0]


def _reset_sequence(engine: Engine) -> None:
    """Explicit ids leave PostgreSQL's sequence behind; later inserts must not collide."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text(
                "SELECT setval(pg_get_serial_sequence('bib_record', 'id'), "
                "(SELECT max(id) FROM bib_record))"
            ))


def generate(database_url: str, scale: int, today: date | None = None,
             batch_size: int = DEFAULT_BATCH, progress: bool = True) -> tuple[int, int]:
    """Fills an empty, migrated database; returns (records, items)."""
    today = today or clock.today()
    sessions = session_factory(database_url)
    with sessions.begin() as session:
        if session.execute(select(func.count()).select_from(Branch)).scalar_one():
            raise RuntimeError(f"{database_url} already has data; generate into an empty one")
        branches = load_branches(session)
        load_people_and_places(session, branches, today)
    engine: Engine = sessions.kw["bind"]
    adult = [branches[c] for c in branches if c != "JL-CHILD"]
    children = [branches["JL-CHILD"], branches["JL-MAIN"]]
    copy_rng = random.Random(SEED + 1)
    records = items = 0
    bib_rows: list[dict[str, Any]] = []
    copy_rows: list[dict[str, Any]] = []

    def flush() -> None:
        with engine.begin() as connection:
            connection.execute(insert(BibRecord.__table__), bib_rows)
            connection.execute(insert(Item.__table__), copy_rows)
        bar.update(len(bib_rows))
        bib_rows.clear()
        copy_rows.clear()

    with tqdm(total=scale, unit="rec", desc="records", disable=not progress,
              file=sys.stderr, smoothing=0.1) as bar:
        for number, (book, count) in enumerate(synthetic_books(scale), start=1):
            bib_rows.append({"id": number, **record_row(book, number)})
            copy_rows.extend(item_rows(copy_rng, number,
                                       children if is_for_children(book) else adult,
                                       count, today))
            records += 1
            if len(bib_rows) >= batch_size:
                items += len(copy_rows)
                flush()
        if bib_rows:
            items += len(copy_rows)
            flush()
    _reset_sequence(engine)
    return records, items


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bot.demo.generate",
        description="Fill an empty database with branches, demo readers/spaces/events and a "
        "deterministic synthetic catalogue (about 3.33 copies per record). "
        "The database is migrated first.",
        epilog="Without --database-url the database is LIBRARY_DATABASE_URL "
        "(default: sqlite:///<LIBRARY_VAR_DIR>/library.db), e.g. "
        "LIBRARY_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/library_big "
        "make demo-data SCALE=300000",
    )
    parser.add_argument("--scale", type=int, required=True,
                        help="number of bibliographic records (300000 → about 1M items)")
    parser.add_argument("--database-url", default=None,
                        help="SQLAlchemy URL (default: LIBRARY_DATABASE_URL)")
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="YYYY-MM-DD that due dates, slots and events count from "
                        "(default: today)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH,
                        help=f"records per insert batch and commit (default {DEFAULT_BATCH})")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if not 0 < args.scale < 10**8:
        parser.error("--scale must be between 1 and 99,999,999")
    url = args.database_url or load_settings().database_url
    upgrade(url)
    started = time.perf_counter()
    try:
        records, items = generate(url, args.scale, args.today, args.batch_size, not args.quiet)
    except RuntimeError as error:
        sys.exit(str(error))
    seconds = time.perf_counter() - started
    print(f"Generated {records} records and {items} items in {seconds:.1f} s "
          f"({records / seconds:.0f} records/s, {items / seconds:.0f} items/s).",
          file=sys.stderr)


if __name__ == "__main__":
    main()
