"""High-precision signals in what readers type, applied after DIET in the NLU pipeline
(config.yml): where one is present, it decides the intent or adds the entity the
statistical model missed.

- an ISBN (10 or 13 digits, hyphens or spaces allowed, with or without "ISBN") is a
  catalogue search — or a hold when the reader asks to reserve it;
- a title in 《》 is a search unless the reader asks to reserve it ("请问有《X》吗" is
  a search, not a hold) — and a hold only when they do;
- asking for a person ("有真人吗", "转人工") is a handoff;
- a reader-card number in the message asks for the reader's own holds (unless it asks
  to cancel, sign up or renew, which DIET decides);
- a branch named by any alias in knowledge/library/branches.yml becomes the `branch`
  entity (replacing DIET's, whose spans are often off by a character or two).

Messages that start with "/" (buttons, the channel guard) are left alone. The component
has no trained state, so changing it needs no retraining.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.card_numbers import CARD
from bot.services.search_text import ISBN_IN_TEXT, normalise
from bot.settings import PROJECT_ROOT

BRANCHES_FILE = PROJECT_ROOT / "knowledge" / "library" / "branches.yml"
TITLE = re.compile(r"《([^》]{1,60})》")
RESERVE = re.compile(r"预约|预定|预订|预留|预借|帮我留|给我留|想约")
PERSON = re.compile(r"真人|人工|找馆员|找个馆员|找工作人员|活人")
#: the reader's own holds and sign-ups: what DIET says about them is left alone
OWN_REQUEST = re.compile(r"取消|撤掉|撤销|我的|我预约的|我约的|报名|续借")
#: about the assistant itself ("你是真人吗"), not a request for a person ("有真人吗")
NOT_A_HANDOFF = re.compile(r"人工智能|机器人吗|你是真人|是不是真人|是真人还是|还是机器|"
                           r"对面是活人|是活人吗|跟真人说话|和真人说话")


@cache
def branch_aliases() -> list[tuple[str, str]]:
    """(normalised alias, branch name), longest first."""
    branches = yaml.safe_load(BRANCHES_FILE.read_text(encoding="utf-8")) or []
    pairs = {(normalise(alias), branch["name"])
             for branch in branches for alias in [branch["name"], *branch.get("aliases", [])]}
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def _entity(name: str, value: str, match: re.Match[str], group: int = 0) -> dict[str, Any]:
    return {"entity": name, "value": value, "start": match.start(group),
            "end": match.end(group), "extractor": "ReaderSignals"}


def signals(text: str) -> tuple[str | None, list[dict[str, Any]]]:
    """The intent a signal decides (or None) and the entities it adds."""
    entities = []
    intent = None
    plain = normalise(text)  # the words in simplified characters (幫我預約 as 帮我预约)
    if isbn := ISBN_IN_TEXT.search(text):
        entities.append(_entity("isbn", re.sub(r"[\s-]", "", isbn.group(1)), isbn, 1))
        intent = "place_reservation" if RESERVE.search(plain) else "search_catalogue"
    if title := TITLE.search(text):
        entities.append(_entity("title", title.group(1).strip(), title, 1))
        intent = "place_reservation" if RESERVE.search(plain) else "search_catalogue"
    if OWN_REQUEST.search(plain):
        intent = None
    if intent is None and PERSON.search(plain) and not NOT_A_HANDOFF.search(plain):
        intent = "request_human"
    own = OWN_REQUEST.search(plain.replace("我的预约", ""))
    if intent is None and CARD.search(text) and not own:
        intent = "list_reservations"  # "我的预约，证号JL…": the reader's own account
    for alias, name in branch_aliases():
        if (start := plain.find(alias)) >= 0:
            entities.append({"entity": "branch", "value": name, "start": start,
                             "end": start + len(alias), "extractor": "ReaderSignals"})
            break
    return intent, entities


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER],
                          is_trainable=False)
class ReaderSignals(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> ReaderSignals:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            intent, found = signals(text)
            # Where a signal found an entity, it replaces what DIET tagged (DIET's spans
            # are often a character or two off: "江宁区馆五一").
            signalled = {entity["entity"] for entity in found}
            entities = [entity for entity in message.get(ENTITIES) or []
                        if entity["entity"] not in signalled] + found
            message.set(ENTITIES, entities, add_to_output=True)
            if intent is not None:
                message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                           if r.get("name") != intent]
                message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 1.0},
                                                 *ranking], add_to_output=True)
        return messages
