"""The words that name a space's booking or an event's sign-up rather than a book's
hold ("取消我的场地预约"): one definition for the NLU signals and the actions, in a
module light enough for the action server to import."""

from __future__ import annotations

import re

SPACE_WORDS = re.compile(r"场地|座位|研讨|研修|自习|空间|房间|直播间")
EVENT_WORDS = re.compile(r"活动|报名|讲座|讲坛|诗会|故事会|手工|培训")
BOOKED = re.compile(f"{SPACE_WORDS.pattern}|{EVENT_WORDS.pattern}")
