"""`make eval`: the independent reader evaluation (tests/data/reader_eval/), sent through
the REST channel to a freshly set-up assistant whose clock reads Wednesday 2026-10-28
10:00, graded on what the reader got: the outcome each reply carries
(bot/channels/outcomes.py), not the intent NLU chose. Writes its section of
docs/benchmarks.md.

Every message starts a fresh conversation; every conversation starts from the demo
database as set up (the tables a conversation can change are restored from a copy).
The trivial baseline answers every message with the FAQ entry sharing the most
character bigrams with it (bot/baselines.py), graded the same way.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
import sys
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from bench.eval_overlap import EVAL_DIRS, overlap_report
from bench.sections import replace_section
from bot import clock
from bot.baselines import bigram_overlap_ranker
from bot.http_json import free_port, post_json
from bot.knowledge_cli import knowledge_files
from bot.processes import AssistantProcesses
from bot.settings import PROJECT_ROOT, Settings, load_settings
from bot.setup_library import prepare_library
from bot.training import ensure_model

EVAL_DIR = EVAL_DIRS[0]
#: what docs/benchmarks.md says of each set (EVAL_DIRS, in order): how far it is untuned
SET_HEADINGS = (
    "First set (tests/data/reader_eval/; its failures were studied to find the failure "
    "classes fixed in the design)",
    "Second set (tests/data/reader_eval_fresh/; written before the changes of 2026-12-02. "
    "Its first score, before any change it prompted: single messages 0.75, conversations "
    "0.45. Its failures then showed five classes that were fixed in the design (a hold "
    "placed without confirmation when the request named the pickup branch, silence for a "
    "reader's second line to a librarian, 取消吧 at the password step, 那边 after a branch "
    "answer, the reader's own account in other words); a second look on 2026-12-02 led to "
    "six more (an information action answering what it was not asked, a held title or "
    "author taken for another request, a second question answered with the first one's "
    "entry, the demo readers' holds to list and cancel, a branch asked about after an "
    "answer for a day, premises with 还在/就是…吧), and one on 2026-12-03 to four more (a "
    "request for one's own holds taken for a rule question, a request and a question "
    "turned to with 另外, A不A questions, a short question without an intent), so the "
    "figures below are no longer untuned)",
    "Third set (tests/data/reader_eval_third/; written on 2026-12-03 by a helper who saw "
    "neither the training data nor the other sets' messages. Its first score, untuned: "
    "single messages 0.74 (baseline 0.31), conversations 0.75; FAQ direct-correct 0.62, "
    "confidently wrong 0.04. Its failures were then read for classes (a request for one's "
    "own holds taken for a rule question, a past year asked about today's hours, 大年初N, "
    "an unclear yes or X有吗 for a title the library lacks, a volume after results taken "
    "for the next page, sign-ups and cancellations in other words), so the figures below "
    "are no longer untuned)",
    "Fourth set (tests/data/reader_eval_fourth/; written on 2026-12-03 by a helper who saw "
    "neither the training data, the code nor the other sets' messages. Its first score, "
    "untuned (with the day's changes up to single characters as FAQ terms): single messages "
    "0.75 (baseline 0.34), conversations 0.62; FAQ direct-correct 0.68, confidently wrong "
    "0.01. Its failures were then read for classes (festival and relative dates such as "
    "大后天, 平安夜, 元宵, 下个月1号; giving up a form step in other words; a renewal or a hold "
    "of a 《title》 in other words; a branch said to be open on a day; homophones of 续借, "
    "官网, 复印), so the figures below are no longer untuned)",
    "Fifth set (tests/data/reader_eval_fifth/; written on 2026-12-04 by two helpers who saw "
    "neither the training data, the code nor the other sets' messages. Its first score, "
    "untuned: single messages 0.73 (baseline 0.31), conversations 0.38; FAQ direct-correct "
    "0.64, confidently wrong 0.02. Its failures were then read for classes (a card number "
    "with reserve words, a card corrected at the password step, holding back at the hold's "
    "confirmation, a result or slot chosen in other words or with the pickup branch, 明早 "
    "and 也一样吗, a district's library as 那边, rule questions about one's own card, "
    "sign-ups and persons in other words, FAQ vocabulary), so the figures below are no "
    "longer untuned)",
    "Sixth set (tests/data/reader_eval_sixth/; written on 2026-12-04 by two helpers who saw "
    "neither the training data, the code nor the other sets' messages, after the changes "
    "the fifth set prompted. Its first score, untuned: single messages 0.73 (baseline "
    "0.30), conversations 0.43; FAQ direct-correct 0.63, confidently wrong 0.06. Its "
    "failures were then read for classes (a question read as a no, an FAQ question at the "
    "card step, giving up after a reason, holds asked in a question's words or chosen "
    "with the hold's words, holds looked at for a child, 年三十, a district's library as "
    "'X的呢', rule questions for someone else ending in 不), so the figures below are no "
    "longer untuned)",
    "Seventh set (tests/data/reader_eval_seventh/; written on 2026-12-04 by two helpers who "
    "saw neither the training data, the code nor the other sets' messages, while the "
    "sixth set's fixes were made, and committed before its first score. Its first score, "
    "untuned (with the sixth set's fixes): single messages 0.74 (baseline 0.28), "
    "conversations 0.24; FAQ direct-correct 0.67, confidently wrong 0.06. Its failures "
    "were then read for classes (the day lost to '…开不开 几点到几点', positions in other "
    "words, a title among an author's books, a long hold request, cancelling a named "
    "book's hold, why-questions after a refused card, loans due and contact words taken "
    "for research, signing someone else up, 十二月二十号, events of another branch), so "
    "the figures below are no longer untuned)",
    "Eighth set (tests/data/reader_eval_eighth/; written on 2026-12-04 by two helpers who "
    "saw neither the training data, the code nor the other sets' messages, while the "
    "seventh set's fixes were made, and committed before its first score. Its first "
    "score, untuned (with the seventh set's fixes): single messages 0.59 (baseline 0.25), "
    "conversations 0.38; FAQ direct-correct 0.43, confidently wrong 0.11 (its writer made "
    "several phrasings deliberately hard). Its failures were then read for classes (words "
    "found only in a summary taken for the title, a day asked of a place, a premise "
    "answered with an address, calling for a librarian, a sign-up after a question, "
    "giving up with 再弄), so the figures below are no longer untuned)",
    "Ninth set (tests/data/reader_eval_ninth/; written on 2026-12-04 by two helpers who saw "
    "neither the training data, the code nor the other sets' messages, while the eighth "
    "set's fixes were made, asked for the mix real readers produce rather than hard "
    "phrasings, and committed before its first score. Its first score, untuned: single "
    "messages 0.73 (baseline 0.32), conversations 0.24; FAQ direct-correct 0.64, "
    "confidently wrong 0.07. Its conversations' failures were then read for classes (下下个, "
    "days counted from the one asked about, a day kept for an hours question without one, "
    "a yes with thanks, a slot chosen after a side question, the author of a result, "
    "books on a topic, the loan due next, cancelling by pickup branch, 还能报吗, a hold "
    "request after a greeting and a card number, a question after a refused card, a "
    "short question read in context, 能…还不), so the figures below are no longer "
    "untuned)",
    "Tenth set (tests/data/reader_eval_tenth/; written on 2026-12-04 by two helpers who saw "
    "neither the training data, the code nor the other sets' messages, while the ninth "
    "set's conversations prompted fixes, asked for the mix real readers produce, and "
    "committed before its first score. Its first score, untuned: single messages 0.71 "
    "(baseline 0.25), conversations 0.33; FAQ direct-correct 0.57, confidently wrong 0.04. "
    "Its failures were then read for classes (holding back after reasons, a message with "
    "a card number cut into two verifications, a day of the month asked about before, "
    "another title after results, the one event named by part of its title, a slot "
    "chosen with reasons, renewing in other words, due dates after a renewal, authors' "
    "books asked as X有哪些书, a title after a series' name), so the figures below are no "
    "longer untuned)",
    "Eleventh set (tests/data/reader_eval_eleventh/; written on 2026-12-04 by two helpers "
    "who saw neither the training data, the code, the FAQ's paraphrases nor the other sets' "
    "messages, while every FAQ entry got eight more paraphrases, asked for the mix real "
    "readers produce, and committed before its first score. Its first score, untuned (with "
    "the enriched paraphrases): single messages 0.78 (baseline 0.38), conversations 0.48; "
    "FAQ direct-correct 0.82, confidently wrong 0.04; its failures were then read for "
    "classes (a calendar day with a weekday, a day of the month alone, one's own account "
    "in other words, 赶得上), so the figures below are no longer untuned)",
    "Twelfth set (tests/data/reader_eval_twelfth/; written on 2026-12-04 by two helpers "
    "who saw neither the training data, the code, the FAQ's paraphrases nor the other "
    "sets' messages, asked for the mix real readers produce, and committed before its "
    "first score. Its first score, untuned: single messages 0.76 (baseline 0.35), "
    "conversations 0.38 (8 of 21); FAQ direct-correct 0.68, menus 0.17, confidently "
    "wrong 0.02. Its failures were then read for classes (a clause of context before a "
    "rule question, an event named by part of its title or with a card number, a "
    "branch's closed day in other words, a website's address, a weekday of a named week, "
    "giving up with 不报了, a yes that says what it agrees to, after a side question too, "
    "最上面, the FAQ's events and spaces entries instead of the live lists, 它在哪 after "
    "hours, a title beside its author), so the figures below are no longer untuned)",
    "Thirteenth set (tests/data/reader_eval_thirteenth/; written on 2026-12-04 by two "
    "helpers who saw neither the training data, the code, the FAQ's paraphrases nor the "
    "other sets' messages, while the twelfth set's failure classes were fixed, asked for "
    "the mix real readers produce, and committed before its first score. Its first "
    "score, untuned (with the twelfth set's fixes): single messages 0.78 (baseline "
    "0.34), conversations 0.52 (11 of 21); FAQ direct-correct 0.78, confidently wrong "
    "0.04. Its failures were then read for classes (a branch's hours in other words, "
    "who is answering, the account in other words, a plan told after a question, a "
    "follow-up day with its weekday, a result named by words of its title, a slot "
    "accepted by position, a hold for the one title named whole, edition words), so "
    "the figures below are no longer untuned)",
    "Fourteenth set (tests/data/reader_eval_fourteenth/; written on 2026-12-04 by two "
    "helpers who saw neither the training data, the code, the FAQ's paraphrases nor the "
    "other sets' messages, while the thirteenth set's failure classes were fixed, asked "
    "for the mix real readers produce, and committed before its first score. Its first "
    "score, untuned (with the thirteenth set's fixes): single messages 0.80 (baseline "
    "0.35), conversations 0.43 (9 of 21); FAQ direct-correct 0.74, confidently wrong "
    "0.06. Its failures were then read for classes (a pickup branch changed at the "
    "confirmation, a yes after an acknowledgement, an imperative cancellation, holds in "
    "the queue, what is owed now, a loan told by its due day, a follow-up keeping the "
    "day, fees in other words, a visit's rule, a title in a clause, whether one makes it "
    "on a day, whom to turn to), so the figures below are no longer untuned)",
    "Fifteenth set (tests/data/reader_eval_fifteenth/; single messages only, written on "
    "2026-12-05 by a helper who saw neither the training data, the code, the FAQ's "
    "paraphrases nor the other sets' messages, while the review of the fourteenth set's "
    "rules was being mended, asked for the mix real readers produce, and committed before "
    "its first score. Its first score, untuned (with the review mends): single messages "
    "0.75 (baseline 0.31); FAQ direct-correct 0.67, menus 0.06, confidently wrong 0.13. "
    "Its failures were then read for classes (whether a machine answers, a branch's closing "
    "as a premise, a closing time with its part of the day), so the figures below are no "
    "longer untuned)",
    "Sixteenth set (tests/data/reader_eval_sixteenth/; written on 2026-12-05 by helpers "
    "who saw neither the training data, the code, the FAQ's paraphrases nor the other "
    "sets' messages, asked for the mix real readers produce, and committed before its "
    "first score. Its first score, untuned (with the fifteenth set's title fixes): single "
    "messages 0.76 (baseline 0.29); FAQ direct-correct 0.70, menus 0.15, confidently "
    "wrong 0.06; its seven conversations, scored after the messages' fixes: 0.43 (3 of "
    "7). Its failures were then read for classes (a 《》 or short title's every "
    "character, a loan named after when it was borrowed, owing in other words, a goodbye "
    "heard in 礼拜, 才关/开了吧 as hours, a book asked for with 书吗, 这么 as no question, "
    "what an errand takes, a hold after side questions, a card number with an account "
    "question, a title tagged as a subject), so the figures below are no longer untuned. "
    "Ten more conversations (parts F and G) were added on the same day by a later session's "
    "helpers and scored once untuned on 5c60536: 0.60 (6 of 10); their failures have not "
    "been fixed)",
    "Seventeenth set (tests/data/reader_eval_seventeenth/; 40 single messages written on "
    "2026-12-05 by a helper who saw neither the training data, the code, the FAQ's "
    "paraphrases nor the other sets' messages, committed after one untuned score: 0.75 "
    "(baseline 0.40); FAQ direct-correct 0.65, menus 0.15, confidently wrong 0.00. Its "
    "failures have not been read for classes)",
    "Eighteenth set (tests/data/reader_eval_eighteenth/; 129 single messages and ten "
    "conversations written on 2026-12-05 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after one untuned "
    "score: single messages 0.78 (baseline 0.34); FAQ direct-correct 0.71, menus 0.10, "
    "confidently wrong 0.08; conversations 0.40 (4 of 10). Its failures have not been "
    "read for classes)",
    "Nineteenth set (tests/data/reader_eval_nineteenth/; 124 single messages and 16 "
    "conversations written on 2026-12-05 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after one untuned "
    "score on 4291820: single messages 0.73 (baseline 0.34); FAQ direct-correct 0.73, menus "
    "0.12, confidently wrong 0.04; conversations 0.25 (4 of 16))",
    "Twentieth set (tests/data/reader_eval_twentieth/; 124 single messages and 20 "
    "conversations written on 2026-12-05 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after one untuned "
    "score on bd9d482: single messages 0.71 (baseline 0.30); FAQ direct-correct 0.53, menus "
    "0.18, confidently wrong 0.08; conversations 0.40 (8 of 20))",
    "Twenty-first set (tests/data/reader_eval_twentyfirst/; 124 single messages and 14 "
    "conversations written on 2026-12-05 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after one untuned "
    "score on f6033c2: single messages 0.73 (baseline 0.31); FAQ direct-correct 0.67, menus "
    "0.14, confidently wrong 0.06; conversations 0.29 (4 of 14))",
    "Twenty-second set (tests/data/reader_eval_twentysecond/; 124 single messages and 16 "
    "conversations written on 2026-12-05 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after one untuned "
    "score on d3c0d65: single messages 0.82 (baseline 0.33); FAQ direct-correct 0.78, menus "
    "0.06, confidently wrong 0.02; conversations 0.38 (6 of 16))",
    "Twenty-third set (tests/data/reader_eval_twentythird/; 124 single messages and 16 "
    "conversations written on 2026-12-05 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after one untuned "
    "score on 83d295b: single messages 0.83 (baseline 0.37); FAQ direct-correct 0.76, menus "
    "0.12, confidently wrong 0.06; conversations 0.38 (6 of 16). On d3c0d65, before the FAQ "
    "paraphrases of 2026-12-05: 0.79 and 0.31)",
    "Twenty-fourth set (tests/data/reader_eval_twentyfourth/; 124 single messages and 16 "
    "conversations written on 2026-12-06 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after one untuned "
    "score on 2d3f081: single messages 0.77 (baseline 0.36); FAQ direct-correct 0.78, menus "
    "0.12, confidently wrong 0.04; conversations 0.25 (4 of 16))",
    "Twenty-fifth set (tests/data/reader_eval_twentyfifth/; 124 single messages and 16 "
    "conversations written on 2026-12-06 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after one untuned "
    "score on aba2b1d: single messages 0.83 (baseline 0.34); FAQ direct-correct 0.86, menus "
    "0.00, confidently wrong 0.06; conversations 0.38 (6 of 16))",
    "Twenty-sixth set (tests/data/reader_eval_twentysixth/; 124 single messages and 16 "
    "conversations written on 2026-12-06 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after one untuned "
    "score on 7cf00ba: single messages 0.85 (baseline 0.38); FAQ direct-correct 0.84, menus "
    "0.04, confidently wrong 0.02; conversations 0.38 (6 of 16))",
    "Twenty-seventh set (tests/data/reader_eval_twentyseventh/; 123 single messages and 16 "
    "conversations written on 2026-12-06 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after one untuned "
    "score on 2b87998: single messages 0.85 (baseline 0.36); FAQ direct-correct 0.84, menus "
    "0.06, confidently wrong 0.06; conversations 0.38 (6 of 16))",
    "Twenty-eighth set (tests/data/reader_eval_twentyeighth/; 124 single messages and 16 "
    "conversations written on 2026-12-06 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after one untuned "
    "score on 2b87998: single messages 0.84 (baseline 0.37); FAQ direct-correct 0.84, menus "
    "0.06, confidently wrong 0.04; conversations 0.38 (6 of 16))",
    "Twenty-ninth set (tests/data/reader_eval_twentyninth/; 124 single messages and 16 "
    "conversations written on 2026-12-06 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after one untuned "
    "score on ce464e5: single messages 0.80 (baseline 0.37); FAQ direct-correct 0.78, menus "
    "0.10, confidently wrong 0.02; conversations 0.62 (10 of 16))",
    "Thirtieth set (tests/data/reader_eval_thirtieth/; 124 single messages and 16 "
    "conversations written on 2026-12-06 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after untuned "
    "scores on ce464e5: single messages 0.81 (baseline 0.39); FAQ direct-correct 0.82, menus "
    "0.06, confidently wrong 0.04; conversations 0.62 (10 of 16); and on e8676b8, after "
    "the session's fixes: the same 0.81 and 0.62; its failures were read afterwards, "
    "f47d33d)",
    "Thirty-first set (tests/data/reader_eval_thirtyfirst/; 124 single messages and 16 "
    "conversations written on 2026-12-06 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after untuned "
    "scores, the same on ce464e5 and on 87c8a6c: single messages 0.80 (baseline 0.35); "
    "FAQ direct-correct 0.79, menus 0.08, confidently wrong 0.04; conversations 0.50 (8 "
    "of 16); with the FAQ's paraphrases added on 2026-12-06 (e412f54), still unread: single "
    "messages 0.83 (baseline 0.37), FAQ direct-correct 0.85, menus 0.02, confidently wrong "
    "0.02, conversations 0.50; with the letters and books asked for of 2026-12-06 (024a388), "
    "still unread: single messages 0.84 (104 of 124), conversations 0.50"
    "; with the rules of 2026-12-07 (ff206a5), still unread: single messages 0.85 (105 "
    "of 124), conversations 0.50"
    "; with the rules of 2026-12-07's second session (640a056), still unread: single "
    "messages 0.85 (105 of 124), conversations 0.50 (8 of 16); its failures were read in "
    "2026-12-07's third session, and with the rules they gave: see below)",
    "Thirty-second set (tests/data/reader_eval_thirtysecond/; 124 single messages and 16 "
    "conversations written on 2026-12-06 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after untuned "
    "scores: on 1e1df92, before the FAQ's added paraphrases, single messages 0.81 (baseline "
    "0.38), FAQ direct-correct 0.80, menus 0.06, confidently wrong 0.02, conversations 0.69 "
    "(11 of 16); with them (e412f54) single messages 0.82 (baseline 0.37), FAQ "
    "direct-correct 0.84, menus 0.04, confidently wrong 0.00, conversations 0.75 (12 of "
    "16); with the letters and books asked for of 2026-12-06 (024a388), still unread: single "
    "messages 0.84 (104 of 124), conversations 0.75"
    "; with the rules of 2026-12-07 (ff206a5), still unread: single messages 0.85 (105 "
    "of 124), conversations 0.81 (13 of 16)"
    "; with the rules of 2026-12-07's second session (640a056), still unread: single "
    "messages 0.85 (106 of 124), conversations 0.81 (13 of 16); with those of its third "
    "session (49f69b1), still unread: the same; its failures were read in 2026-12-07's "
    "fourth session, and with the rules they gave: see below)",
    "Thirty-third set (tests/data/reader_eval_thirtythird/; 124 single messages and 16 "
    "conversations written on 2026-12-06 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after untuned "
    "scores on 98f8b7f: single messages 0.81 (baseline 0.40), FAQ direct-correct 0.90, "
    "menus 0.02, confidently wrong 0.00, conversations 0.56 (9 of 16); with the letters and "
    "books asked for of 2026-12-06 (024a388), still unread: single messages 0.81 (100 of "
    "124), conversations 0.56"
    "; with the rules of 2026-12-07 (ff206a5), still unread: single messages 0.80 (99 of "
    "124), conversations 0.56"
    "; with the rules of 2026-12-07's second session (640a056), still unread: single "
    "messages 0.80 (99 of 124), conversations 0.56 (9 of 16); with those of its fourth "
    "(3dc0af9), still unread: single messages 0.81 (100 of 124), conversations 0.56 (9 of "
    "16); its failures were read in 2026-12-07's fifth session, and with the rules they "
    "gave: see below)",
    "Thirty-fourth set (tests/data/reader_eval_thirtyfourth/; 124 single messages and 16 "
    "conversations written on 2026-12-07 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after untuned "
    "scores, the same on 3422fab and on e1c9075: single messages 0.93 (baseline 0.41), FAQ "
    "direct-correct 0.94, menus 0.02, confidently wrong 0.02, conversations 0.56 (9 of 16)"
    "; its failures were read afterwards, and with the rules they gave (ff206a5): single "
    "messages 0.94, conversations 0.69 (11 of 16))",
    "Thirty-fifth set (tests/data/reader_eval_thirtyfifth/; 124 single messages and 16 "
    "conversations written on 2026-12-07 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after untuned "
    "scores on c4ad153: single messages 0.90 (baseline 0.44), FAQ direct-correct 0.95, "
    "menus 0.02, confidently wrong 0.00, conversations 0.56 (9 of 16; baseline 1 of 16)"
    "; with the rules of the session that wrote it (640a056), still unread: single messages "
    "0.90 (112 of 124), conversations 0.56 (9 of 16); with those of 2026-12-07's fifth "
    "session (ee217e3), still unread: single messages 0.91 (113 of 124), conversations 0.69 "
    "(11 of 16); its failures were read in 2026-12-07's sixth session, and with the rules "
    "they gave: see below)",
    "Thirty-sixth set (tests/data/reader_eval_thirtysixth/; 124 single messages and 16 "
    "conversations written on 2026-12-07 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after untuned "
    "scores on b9688c9: single messages 0.81 (101 of 124), FAQ direct-correct 0.82, "
    "menus 0.00, confidently wrong 0.04, conversations 0.62 (10 of 16); its messages were "
    "seen through its README in 2026-12-07's fourth session; unread, with the rules of the "
    "fifth (ee217e3): single messages 0.85 (105 of 124), conversations 0.69 (11 of 16); its "
    "failures were read in 2026-12-07's sixth session, and with the rules they gave: see "
    "below)",
    "Thirty-seventh set (tests/data/reader_eval_thirtyseventh/; 124 single messages and 16 "
    "conversations written on 2026-12-07 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after untuned "
    "scores on c7edb68: single messages 0.85 (106 of 124; baseline 0.39), FAQ "
    "direct-correct 0.87, menus 0.04, confidently wrong 0.04, conversations 0.44 (7 of 16; "
    "baseline 3 of 16); unread, with the rules of 2026-12-07's sixth session (1b1db9f): "
    "single messages 0.86 (107 of 124), conversations 0.56 (9 of 16); its failures were "
    "read in the seventh session (2026-12-07), and with the rules they gave: see below)",
    "Thirty-eighth set (tests/data/reader_eval_thirtyeighth/; 124 single messages and 16 "
    "conversations written on 2026-12-07 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after untuned "
    "scores on 3dc0af9: single messages 0.90 (112 of 124; baseline 0.39), FAQ "
    "direct-correct 0.92, menus 0.02, confidently wrong 0.02, conversations 0.50 (8 of 16; "
    "baseline 1 of 16); unread, with the rules of 2026-12-07's seventh session (eeef069): "
    "single messages 0.93 (115 of 124), conversations 0.62 (10 of 16); its failures were "
    "read in the eighth session (2026-12-07), and with the rules they gave: see below)",
    "Thirty-ninth set (tests/data/reader_eval_thirtyninth/; 124 single messages and 16 "
    "conversations written on 2026-12-07 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after untuned "
    "scores on ee217e3: single messages 0.89 (110 of 124; baseline 0.38), FAQ "
    "direct-correct 0.82, menus 0.00, confidently wrong 0.02, conversations 0.56 (9 of 16; "
    "baseline 0 of 16))",
    "Fortieth set (tests/data/reader_eval_fortieth/; 124 single messages and 16 "
    "conversations written on 2026-12-07 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after untuned "
    "scores on eeef069: single messages 0.87 (108 of 124; baseline 0.39), FAQ "
    "direct-correct 0.86, menus 0.02, confidently wrong 0.04, conversations 0.31 (5 of 16; "
    "baseline 2 of 16); unread, with the rules of 2026-12-07's eighth session (c7b6e63): "
    "single messages 0.87 (108 of 124), conversations 0.31 (5 of 16); its failures were "
    "read in the ninth session (2026-12-08), and with the rules they gave: see below)",
    "Forty-first set (tests/data/reader_eval_fortyfirst/; 124 single messages and 16 "
    "conversations written on 2026-12-08 by helpers who saw neither the training data, the "
    "code, the FAQ's paraphrases nor the other sets' messages, committed after untuned "
    "scores on c7b6e63: single messages 0.83 (103 of 124; baseline 0.37), FAQ "
    "direct-correct 0.77, menus 0.04, confidently wrong 0.04, conversations 0.25 (4 of 16; "
    "baseline 1 of 16))",
)
EVAL_SETS = tuple(zip(EVAL_DIRS, SET_HEADINGS, strict=True))
BEGIN = "<!-- reader evaluation: bench/reader_eval.py -->"
END = "<!-- end of reader evaluation -->"
PINNED_NOW = datetime(2026, 10, 28, 10, 0)
# Tables a conversation cannot change (the catalogue, with its full-text index).
KEPT_TABLES = ("bib_record", "alembic_version")

Outcome = dict[str, Any]
Replier = Callable[[str, str], list[Outcome]]


def load(name: str, directory: Path = EVAL_DIR) -> list[dict[str, Any]]:
    return yaml.safe_load((directory / name).read_text(encoding="utf-8"))


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def satisfied(expected: Outcome, got: Outcome) -> bool:
    """Whether one reply's outcome is what the reader expected."""
    if got.get("kind") != expected["kind"]:
        return False
    for field, wanted in expected.items():
        if field == "kind":
            continue
        have = got.get(field)
        if field == "id":
            ids = wanted if isinstance(wanted, list) else [wanted]
            if have not in ids:
                return False
        elif field == "title":  # a search's first results, or the one title of a hold
            titles = got.get("titles") or [got.get("title") or ""]
            if not any(str(wanted) in title for title in titles[:3]):
                return False
        elif field == "no_match":
            if bool(have) != bool(wanted):
                return False
        elif _text(have) != _text(wanted):
            return False
    return True


def turn_passes(expected: list[Outcome], got: list[Outcome]) -> bool:
    return all(any(satisfied(want, have) for have in got) for want in expected)


# --- the assistant under evaluation ------------------------------------------------------


@contextmanager
def evaluated_assistant() -> Iterator[tuple[Settings, Callable[[], None]]]:
    """A fresh assistant on free ports; yields its settings and a function that puts the
    library database back as it was set up."""
    clock.set_offset(clock.offset_until(PINNED_NOW))
    os.environ["LIBRARY_DEMO_MODE"] = "1"
    base = load_settings()
    model = ensure_model(base)
    with tempfile.TemporaryDirectory() as var:
        settings = dataclasses.replace(
            base, host="127.0.0.1", rasa_port=free_port(), action_port=free_port(),
            chat_port=free_port(), admin_port=free_port(), var_dir=Path(var),
            tracker_db=Path(var) / "tracker.db",
            database_url=f"sqlite:///{Path(var) / 'library.db'}", rest_token="",
        )
        prepare_library(settings.database_url)
        pristine = Path(var) / "pristine.db"
        shutil.copy(Path(var) / "library.db", pristine)
        with open(Path(var) / "servers.log", "w") as log, \
                AssistantProcesses(settings, model, log) as servers:
            servers.start_action_server()
            servers.start_rasa_server()
            yield settings, lambda: restore(Path(var) / "library.db", pristine)


def restore(database: Path, pristine: Path) -> None:
    """Copies every table a conversation can change back from the pristine copy."""
    with sqlite3.connect(database) as db:
        db.execute("ATTACH DATABASE ? AS pristine", (str(pristine),))
        tables = [row[0] for row in db.execute(
            "SELECT name FROM pristine.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%'")
            if row[0] not in KEPT_TABLES]
        for table in tables:
            db.execute(f'DELETE FROM main."{table}"')
            db.execute(f'INSERT INTO main."{table}" SELECT * FROM pristine."{table}"')
        db.commit()
        db.execute("DETACH DATABASE pristine")


def rest_replier(settings: Settings) -> Replier:
    url = f"{settings.rasa_url}/webhooks/rest/webhook"

    def reply(sender: str, text: str) -> list[Outcome]:
        answer = post_json(url, {"sender": sender, "message": text}, timeout=120)
        assert isinstance(answer, list)
        return [message["outcome"] for message in answer if message.get("outcome")]

    return reply


def faq_baseline_replier() -> Replier:
    rows = [row for path in knowledge_files()
            for row in yaml.safe_load(path.read_text(encoding="utf-8"))]
    rank = bigram_overlap_ranker(rows)

    def reply(_sender: str, text: str) -> list[Outcome]:
        ranked = rank(text)
        return [{"kind": "faq", "id": ranked[0]}] if ranked else []

    return reply


# --- running and grading -----------------------------------------------------------------


@dataclasses.dataclass
class Tally:
    passed: Counter = dataclasses.field(default_factory=Counter)
    total: Counter = dataclasses.field(default_factory=Counter)
    failures: list[str] = dataclasses.field(default_factory=list)

    def add(self, group: str, ok: bool, what: str) -> None:
        self.total[group] += 1
        self.passed[group] += ok
        if not ok:
            self.failures.append(what)

    def rate(self, group: str | None = None) -> float:
        if group is None:
            return sum(self.passed.values()) / max(1, sum(self.total.values()))
        return self.passed[group] / max(1, self.total[group])


@dataclasses.dataclass
class FaqRates:
    """What readers got for the messages that one FAQ entry answers."""

    counts: Counter = dataclasses.field(default_factory=Counter)

    def add(self, expected: list[Outcome], got: list[Outcome]) -> None:
        wanted = [e for e in expected if e["kind"] == "faq"]
        if len(expected) != 1 or not wanted:
            return
        kinds = {o.get("kind") for o in got}
        if any(satisfied(wanted[0], o) for o in got):
            self.counts["direct-correct"] += 1
        elif "faq" in kinds:
            self.counts["confidently wrong"] += 1
        elif "faq_menu" in kinds:
            self.counts["menu"] += 1
        elif kinds & {"handoff", "unanswered"}:
            self.counts["handed to a person / recorded"] += 1
        else:
            self.counts["other"] += 1

    def line(self) -> str:
        total = max(1, sum(self.counts.values()))
        order = ("direct-correct", "menu", "handed to a person / recorded",
                 "confidently wrong", "other")
        return ", ".join(f"{name} {self.counts[name] / total:.2f}" for name in order)


def run_messages(reply: Replier, cases: list[dict[str, Any]]) -> tuple[Tally, FaqRates]:
    tally, faq = Tally(), FaqRates()
    for case in cases:
        got = reply(f"eval-{uuid.uuid4().hex[:12]}", case["text"])
        ok = turn_passes(case["expect"], got)
        tally.add(case["class"], ok, f"{case['text'][:60]} → {got} (expected {case['expect']})")
        faq.add(case["expect"], got)
    return tally, faq


def run_conversations(reply: Replier, conversations: list[dict[str, Any]],
                      reset: Callable[[], None]) -> Tally:
    tally = Tally()
    for conversation in conversations:
        reset()
        sender = f"eval-{uuid.uuid4().hex[:12]}"
        broken = None
        for number, turn in enumerate(conversation["turns"], start=1):
            got = reply(sender, turn["text"])
            if broken is None and not turn_passes(turn["expect"], got):
                broken = f"turn {number} {turn['text'][:40]} → {got} (expected {turn['expect']})"
        tally.add(conversation["class"], broken is None,
                  f"{conversation['name']}: {broken}")
    return tally


def table(ours: Tally, baseline: Tally) -> list[str]:
    lines = ["| class | cases | assistant | FAQ-lookup baseline |", "|---|---:|---:|---:|"]
    for group in sorted(ours.total, key=lambda g: -ours.total[g]):
        lines.append(f"| {group} | {ours.total[group]} | {ours.rate(group):.2f} "
                     f"| {baseline.rate(group):.2f} |")
    lines.append(f"| **all** | {sum(ours.total.values())} | **{ours.rate():.2f}** "
                 f"| {baseline.rate():.2f} |")
    return lines


@dataclasses.dataclass
class SetResult:
    """One evaluation set's figures: the assistant's and the baseline's."""

    messages: tuple[Tally, FaqRates]
    conversations: Tally
    baseline: tuple[Tally, FaqRates]
    baseline_conversations: Tally

    def lines(self) -> list[str]:
        ours, faq = self.messages
        conversations = (["Conversations (a conversation passes when every turn does):", "",
                          *table(self.conversations, self.baseline_conversations)]
                         if self.conversations.total else ["No conversations in this set."])
        return [
            "Single messages:",
            "",
            *table(ours, self.baseline[0]),
            "",
            *conversations,
            "",
            f"Messages one FAQ entry answers — assistant: {faq.line()}; "
            f"baseline: {self.baseline[1].line()}.",
        ]


def section(results: list[SetResult]) -> str:
    lines = [
        BEGIN,
        "### Reader evaluation: what readers get (`make eval` → bench/reader_eval.py)",
        "",
        f"Produced on {datetime.now():%Y-%m-%d %H:%M}. {len(results)} independent sets, each "
        "written without seeing the training data (see their READMEs), sent through the REST "
        "channel to a fresh assistant whose clock reads Wednesday 2026-10-28 10:00, graded "
        "on the outcome each reply carries (the FAQ entry answered, the branch and day of "
        "the hours given, the books found, the hold placed …). The baseline answers every "
        "message with the FAQ entry that shares the most character bigrams with it. "
        "Targets: single messages ≥ 0.90, conversations ≥ 0.85, FAQ direct-correct ≥ 0.80 "
        "with confidently wrong ≤ 0.02.",
    ]
    for (_directory, heading), result in zip(EVAL_SETS, results, strict=True):
        lines += ["", f"#### {heading}", "", *result.lines()]
    return "\n".join([*lines, "", overlap_report(), END])


def evaluate_set(directory: Path, reply: Replier, reset: Callable[[], None]) -> SetResult:
    messages, conversations = load("messages.yml", directory), load("conversations.yml", directory)
    baseline = faq_baseline_replier()
    reset()
    return SetResult(
        messages=run_messages(reply, messages),
        conversations=run_conversations(reply, conversations, reset),
        baseline=run_messages(baseline, messages),
        baseline_conversations=run_conversations(baseline, conversations, lambda: None),
    )


def main(arguments: list[str]) -> None:
    with evaluated_assistant() as (settings, reset):
        reply = rest_replier(settings)
        results = [evaluate_set(directory, reply, reset) for directory, _ in EVAL_SETS]
    block = section(results)
    print(block)
    failures = PROJECT_ROOT / "var" / "reader_eval_failures.txt"
    failures.parent.mkdir(exist_ok=True)
    failures.write_text("\n".join(
        f"[{directory.name}] {failure}"
        for (directory, _), result in zip(EVAL_SETS, results, strict=True)
        for failure in result.messages[0].failures + result.conversations.failures
    ) + "\n", encoding="utf-8")
    print(f"Failures listed in {failures}", file=sys.stderr)
    if "--write" in arguments:
        replace_section(BEGIN, END, block)
        print("Wrote docs/benchmarks.md", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
