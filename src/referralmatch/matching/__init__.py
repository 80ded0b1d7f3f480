"""Matching: the columnar index, score kernels, configuration and the Matcher."""

from .config import FACTORS, MatchConfig
from .index import DirectoryIndex
from .matcher import Matcher

__all__ = ["FACTORS", "DirectoryIndex", "MatchConfig", "Matcher"]
