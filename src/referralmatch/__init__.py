"""referralmatch: load community resource directories and rank services for a client's needs.

Example:
    >>> import referralmatch as rm
    >>> directory = rm.load_directory(rm.sample_directory_path())
    >>> directory.report.balanced
    True
"""

from . import screening
from .analysis.caseload import read_caseload
from .analysis.gaps import GapReport, gap_analysis
from .directory import Directory
from .errors import DirectoryFormatError, DirectoryValidationError, ReferralMatchError
from .io.loader import load_directory
from .io.mapping import ColumnMapping
from .io.report import LoadReport
from .linkage import merge
from .matching.config import MatchConfig
from .matching.matcher import Matcher
from .models.client import AvailabilityWindow, ClientProfile, Place
from .models.need import Need
from .models.results import Exclusion, Match, MatchResult
from .samples import sample_caseload_path, sample_directory_path

__all__ = [
    "AvailabilityWindow",
    "ClientProfile",
    "ColumnMapping",
    "Directory",
    "DirectoryFormatError",
    "DirectoryValidationError",
    "Exclusion",
    "GapReport",
    "LoadReport",
    "Match",
    "MatchConfig",
    "MatchResult",
    "Matcher",
    "Need",
    "Place",
    "ReferralMatchError",
    "gap_analysis",
    "load_directory",
    "merge",
    "read_caseload",
    "sample_caseload_path",
    "sample_directory_path",
    "screening",
]
__version__ = "0.1.0"
