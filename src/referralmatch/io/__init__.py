"""Reading and writing directories: format loaders, the load report, and exports."""

from .loader import FORMATS, load_directory
from .report import Counts, Issue, LoadReport

__all__ = ["FORMATS", "Counts", "Issue", "LoadReport", "load_directory"]
