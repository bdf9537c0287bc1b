"""Evaluation harness: score any corpus and Q&A set (``evaluate(assistant, cases)``)."""

from assistant.evaluation.dataset import DatasetError, EvalCase, load_cases
from assistant.evaluation.runner import Report, evaluate

__all__ = ["DatasetError", "EvalCase", "Report", "evaluate", "load_cases"]
