"""Training and evaluation, kept apart from the inference path.

``import rebound_nlp`` never imports this package.
"""

from rebound_nlp.training.build import build_model
from rebound_nlp.training.crossval import cross_validate, search
from rebound_nlp.training.datasets import load_dataset
from rebound_nlp.training.evaluate import Report, evaluate
from rebound_nlp.training.train import TrainConfig, train

__all__ = [
    "Report",
    "TrainConfig",
    "build_model",
    "cross_validate",
    "evaluate",
    "load_dataset",
    "search",
    "train",
]
