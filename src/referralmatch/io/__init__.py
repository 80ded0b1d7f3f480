"""Reading and writing directories: format loaders, the load report, and exports."""

from .api import read_api
from .loader import FORMATS, load_directory
from .mapping import OHANA, ColumnMapping, TableMapping
from .presets import PRESETS, preset
from .report import Counts, Issue, LoadReport

__all__ = [
    "FORMATS",
    "OHANA",
    "PRESETS",
    "ColumnMapping",
    "Counts",
    "Issue",
    "LoadReport",
    "TableMapping",
    "load_directory",
    "preset",
    "read_api",
]
