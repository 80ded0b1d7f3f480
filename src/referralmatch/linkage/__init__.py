"""Record linkage across directories: find the same organization, location and service, and merge.

The stages, one home each: :mod:`~referralmatch.linkage.normalize` (comparison keys for names,
addresses, phones, websites), :mod:`~referralmatch.linkage.features` (one feature record per
directory record), :mod:`~referralmatch.linkage.blocking` (which pairs are compared),
:mod:`~referralmatch.linkage.rules` (the hand-written scorer),
:mod:`~referralmatch.linkage.splink_model` (the optional splink scorer),
:mod:`~referralmatch.linkage.pairs` (one-to-one decisions and the pairs table) and
:mod:`~referralmatch.linkage.merging` (the merged directory and its provenance).
:func:`referralmatch.merge` is the entry point; see ``docs/merging.md``.
"""

from .merging import LINK_THRESHOLD, REVIEW_THRESHOLD, MergeResult, link, merge

__all__ = ["LINK_THRESHOLD", "REVIEW_THRESHOLD", "MergeResult", "link", "merge"]
