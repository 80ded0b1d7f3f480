"""referralmatch: load community resource directories and rank services for a client's needs."""

from .directory import Directory
from .errors import ReferralMatchError

__all__ = ["Directory", "ReferralMatchError"]
__version__ = "0.1.0"
