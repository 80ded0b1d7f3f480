"""Need categories (data file, registry) and classifying services and free-text needs into them.

Example:
    >>> from referralmatch.needs import NeedCategories, classify
    >>> classify("AA meeting", "", "", [], NeedCategories.default())
    {'support_groups': 0.85, 'peer_recovery': 0.85}
"""

from referralmatch.needs.categories import NeedCategories, NeedCategory
from referralmatch.needs.classify import classify, classify_many, match_need_text

__all__ = ["NeedCategories", "NeedCategory", "classify", "classify_many", "match_need_text"]
