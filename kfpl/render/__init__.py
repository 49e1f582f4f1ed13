"""Natural-language rendering of the checked model, in Chinese and English."""

from kfpl.render.money import en_money, zh_money
from kfpl.render.sentences import Renderer, Sentence
from kfpl.render.vocab import LABELS, LANGS, t

__all__ = ["LABELS", "LANGS", "Renderer", "Sentence", "en_money", "t", "zh_money"]
