"""What a variable's name says it holds: held-out data, training data. One vocabulary, shared by
the phase features and the rules, so that a rule and the phase of the same cell agree."""

from __future__ import annotations

import re
from functools import lru_cache

#: Name pieces that say a variable holds held-out data (``X_test``, ``dval``, ``valid_ds``), also
#: written as one word with what holds it (``testdata``, ``valset``).
_HELD_OUT_PIECE = re.compile(
    r"^(?:[dxy]?(?:test|testing|tst|val|valid|validation|eval|evaluation|holdout|heldout|unseen|oos))"
    r"(?:data|set|df|ds)?$"
)
#: Name pieces that say a variable holds training data (``X_train``, ``dtrain``).
_TRAIN_PIECE = re.compile(r"^(?:[dxy]?(?:train|training|trn))(?:data|set|df|ds)?$")
#: Name pieces of a test split (``X_test``, ``dtest``), as against a validation one.
_TEST_PIECE = re.compile(r"^[dxy]?(?:test|testing|tst|holdout|heldout)(?:data|set|df|ds)?$")
_SPLIT_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


@lru_cache(maxsize=16384)
def name_pieces(name: str) -> tuple[str, ...]:
    """A variable name cut into lower-case words: ``XTest_df`` -> ``('x', 'test', 'df')``."""
    return tuple(w.lower() for w in _SPLIT_WORDS.findall(name.rsplit(".", 1)[-1]))


# Names repeat across cells and rules: each verdict is a pure function of the name.
@lru_cache(maxsize=16384)
def held_out_name(name: str) -> bool:
    """Whether a variable's name says it holds held-out (test or validation) data."""
    pieces = name_pieces(name)
    if any(_TRAIN_PIECE.match(p) for p in pieces):
        return False
    # "dev" is the development split beside another word (``dev_loader``, ``X_dev``); alone it
    # is as often a torch device.
    return any(_HELD_OUT_PIECE.match(p) for p in pieces) or ("dev" in pieces and len(pieces) > 1)


@lru_cache(maxsize=16384)
def test_name(name: str) -> bool:
    """Whether a variable's name says it holds a test split (not a validation one)."""
    return any(_TEST_PIECE.match(p) for p in name_pieces(name))


@lru_cache(maxsize=16384)
def train_name(name: str) -> bool:
    """Whether a variable's name says it holds training data."""
    return any(_TRAIN_PIECE.match(p) for p in name_pieces(name))


#: Callees whose result is a model's predictions.
PREDICTORS = frozenset(
    "predict predict_proba predict_log_proba predict_on_batch decision_function invoke "
    "invoke_endpoint batch_predict".split()
)
#: Words that name a metric in a callee (``compute_accuracy``, ``rmse``, ``evaluate_model``).
METRIC_WORDS = frozenset(
    "accuracy acc rmse mse mae mape auc roc f1 precision recall ndcg map score scores metric "
    "metrics evaluate evaluation eval performance error errors loss test validate rouge bleu "
    "perplexity wer".split()
)


def names_a_metric(callee: str) -> bool:
    """Whether a callee's last name says it computes a metric."""
    return bool(set(name_pieces(callee.rsplit(".", 1)[-1])) & METRIC_WORDS)


#: Words a held-out split goes by in what a notebook prints ("Test accuracy", "val_loss").
_HELD_OUT_WORDS = "test|testing|tst|val|valid|validation|eval|evaluation|holdout|held-out|unseen"
#: The metric words a printed score is named by (``METRIC_WORDS`` less the verbs and splits).
_SCORE_WORDS = "|".join(
    sorted(METRIC_WORDS - {"test", "validate", "evaluate", "evaluation", "eval"}, key=len)[::-1]
)
_HELD_OUT_SCORE = re.compile(
    rf"\b(?:{_HELD_OUT_WORDS})[ _-]?(?:set[ _-]|data[ _-])?(?:{_SCORE_WORDS})\w*['\"]?"
    r"\s*(?:[:=]|is)?\s*\(?-?\d*\.?\d+",
    re.I,
)
#: Name pieces of a callee that evaluates (``evaluate_model``, ``run_evaluation``, ``assess``).
_EVALUATING_PIECES = frozenset("evaluate evaluation evaluator assess assessment".split())


def shows_held_out_score(text: str) -> bool:
    """Whether printed text shows a score named for a held-out split ("Test accuracy: 0.91")."""
    return _HELD_OUT_SCORE.search(text) is not None


def names_an_evaluation(callee: str) -> bool:
    """Whether a callee's last name says it evaluates (``evaluate_model``, ``eval_fn``); a bare
    ``eval`` is left out (``model.eval()`` switches a torch model's mode), and so is a class
    (building an ``EmbeddingSimilarityEvaluator`` evaluates nothing yet)."""
    last = callee.rsplit(".", 1)[-1]
    if last[:1].isupper():
        return False
    pieces = name_pieces(last)
    return bool(set(pieces) & _EVALUATING_PIECES) or ("eval" in pieces and len(pieces) > 1)
