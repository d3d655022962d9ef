"""Reader-card numbers as readers type them: any case, spaces or hyphens between the
digits ("jl 0000 0001" is JL00000001). Shared by the NLU signals and the login form."""

from __future__ import annotations

import re

CARD = re.compile(r"J\s*L(?:[\s-]*\d){8}", re.IGNORECASE)
#: a card number given to verify by, with the words that say it is one ("卡号jl 0000 0002")
CARD_GIVEN = re.compile(r"(?:(?:用|我的|用我的)?(?:读者|借书)?[证卡]号?\s*[:：是]?\s*)?"
                        f"(?:{CARD.pattern})", re.IGNORECASE)
#: something typed as a card number, right or not ("JL0000001对吗")
TYPED_AS_A_CARD = re.compile(r"[A-Za-z]{2}\s*\d")


def card_in(text: str) -> str | None:
    """The card number in text, written the library's way, or None."""
    match = CARD.search(text or "")
    return re.sub(r"[\s-]", "", match.group()).upper() if match else None
