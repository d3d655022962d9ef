"""A third reading of a reader's question for the FAQ: a linear classifier of character
n-grams, trained on the published entries' questions and paraphrases.

BM25 (faq_retrieval.py) adds up the words a message shares with each entry, so two
sibling entries that share most of their words (办证押金 / 免押金, 借期 / 续借) come out
close and the reader gets a menu. A linear classifier (scikit-learn's LinearSVC on TF-IDF
of one to three characters) is fitted to tell the entries apart, so it weighs most the
characters that separate siblings. SqlKnowledge.answer asks it only about a menu: when it
picks the menu's first entry with a clear score, that entry is answered. Fitting takes
about two seconds for 185 entries and 8,000 texts; it is done lazily, the first time a
menu is judged after the published entries change, and a fit is reused for the same texts.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from bot.services.search_text import normalise

#: the model's regularisation and n-gram range, chosen on the FAQ hold-out (top-1 0.971,
#: against BM25's 0.967) and the two development sets (0.950 and 0.938)
REGULARISATION = 0.5
NGRAMS = (1, 3)


@dataclasses.dataclass(frozen=True)
class EntryClassifier:
    """Which entry a message is, by the fitted model."""

    vectorizer: Any
    model: Any

    def best(self, question: str) -> tuple[int, float]:
        """The entry the model picks and its decision value (above 0: on the entry's side
        of its boundary against all the others)."""
        score = self.model.decision_function(self.vectorizer.transform([normalise(question)]))[0]
        if score.ndim == 0:  # two entries: one score, for the second of them
            return int(self.model.classes_[int(score > 0)]), abs(float(score))
        best = int(score.argmax())
        return int(self.model.classes_[best]), float(score[best])


def entry_classifier(texts: tuple[tuple[int, str], ...]) -> EntryClassifier | None:
    """The classifier of (entry id, text) pairs; None with fewer than two entries or no
    words at all."""
    if len({entry_id for entry_id, _ in texts}) < 2:
        return None
    return _fitted(texts)


# One fit is kept (about 100 MB for 185 entries: 65,000 n-grams by 185 weights); an
# edit publishes a new set of texts, and the old fit is not asked again.
@lru_cache(maxsize=1)
def _fitted(texts: tuple[tuple[int, str], ...]) -> EntryClassifier | None:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True)
    try:
        features = vectorizer.fit_transform([normalise(text) for _, text in texts])
    except ValueError:  # "empty vocabulary": texts that normalise to nothing
        return None
    model = LinearSVC(C=REGULARISATION, random_state=0)
    model.fit(features, [entry_id for entry_id, _ in texts])
    return EntryClassifier(vectorizer, model)
