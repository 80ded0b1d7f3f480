"""Reading and writing directories: format loaders, the load report, and exports."""

from .loader import FORMATS, load_directory
from .mapping import OHANA, ColumnMapping, TableMapping
from .report import Counts, Issue, LoadReport

__all__ = ["FORMATS", "OHANA", "ColumnMapping", "Counts", "Issue", "LoadReport", "TableMapping", "load_directory"]
