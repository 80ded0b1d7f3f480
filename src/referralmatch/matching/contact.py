"""Contact mode: how a service without a site to visit reaches the client — a phone line, a
team that comes to the client, a confidential shelter reached through its hotline — as opposed
to video/online telehealth.

A client who does not accept remote services (``telehealth_ok=False``) still reaches a crisis
line by phone and is still reached by a mobile crisis team: only :data:`REACH_REMOTE` units
(video, online, or remote without saying how) are excluded for them. The mode is read once per
service at index build, from the service's name, alternate name and description, and from
whether the service is a member of a crisis or safety category.

Example:
    >>> contact_mode("County Mobile Crisis Team", "Clinicians come to you during a crisis.")
    2
    >>> contact_mode("Safe House", "The shelter address is confidential; call the hotline.")
    3
    >>> contact_mode("Warm Line", "Talk with a peer by phone.")
    1
    >>> contact_mode("Online CBT", "Video sessions with a licensed therapist.")
    0
    >>> contact_mode("Peer chat", "", crisis_or_safety=True)
    1
    >>> CONTACT_TEXT[REACH_OUTREACH]
    'a mobile team comes to the client'
"""

from __future__ import annotations

import re

__all__ = [
    "CONTACT_NAMES",
    "CONTACT_TEXT",
    "REACH_CONFIDENTIAL",
    "REACH_OUTREACH",
    "REACH_PHONE",
    "REACH_REMOTE",
    "SAFETY_CATEGORIES",
    "contact_mode",
    "reaches_without_telehealth",
]

REACH_REMOTE, REACH_PHONE, REACH_OUTREACH, REACH_CONFIDENTIAL = 0, 1, 2, 3
"""Contact modes of a service: video/online or unspecified remote (0), a phone or text line
(1), a team that comes to the client (2), a confidential site reached through its hotline (3).
Physical sites are visited whatever the mode says; the mode matters for remote units only."""

CONTACT_NAMES = ("remote", "phone", "outreach", "confidential")
"""Mode -> the name results carry (``Match.reach`` for remote units)."""

CONTACT_TEXT = (
    "available remotely (video/online)",
    "reached by phone",
    "a mobile team comes to the client",
    "reached by phone: confidential location, call the hotline",
)
"""Mode -> how an explanation says the service is reached."""

SAFETY_CATEGORIES = frozenset({"crisis", "domestic_violence"})
"""Need categories whose remote services are phone lines unless they say video/online."""

_OUTREACH = re.compile(
    r"\b(mobile (crisis|response|outreach|team|unit)|crisis (response|outreach) team|"
    r"(we|they|team|clinicians|counselors|staff) (will )?come to (you|the person|the client|"
    r"your home|the home)|comes? to (you|your home)|in-home crisis|on-site crisis response)\b",
    re.IGNORECASE,
)
_CONFIDENTIAL = re.compile(
    r"\b(confidential (location|address|shelter|site)|address is (confidential|not published|"
    r"withheld)|undisclosed location|(location|address) (is )?not (published|disclosed))\b",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"\b(hot ?line|help ?line|crisis line|crisis text|warm ?line|text line|talk line|lifeline|"
    r"phone line|by phone|by telephone|over the phone|call or text|text or call|call (us|the|our)\b|"
    r"24[- /]?(hours?|hr|7)[- ]?(a day )?(line|phone))",
    re.IGNORECASE,
)
_VIDEO = re.compile(
    r"\b(telehealth|telemedicine|telepsychiatry|video|online|zoom|web ?chat|virtual (visit|"
    r"session|appointment)s?|app)\b",
    re.IGNORECASE,
)


def contact_mode(name: str, description: str = "", *, crisis_or_safety: bool = False) -> int:
    """The contact mode (``REACH_*``) of a service from its name and description.

    A team that comes to the client wins over a phone line, a confidential site reached by its
    hotline over a plain phone line; a service of a crisis or safety category
    (``crisis_or_safety``) that names neither video nor online is taken to be a phone line.
    """
    text = f"{name}. {description}"
    if _OUTREACH.search(text):
        return REACH_OUTREACH
    if _CONFIDENTIAL.search(text):
        return REACH_CONFIDENTIAL
    if _PHONE.search(text):
        return REACH_PHONE
    if crisis_or_safety and not _VIDEO.search(text):
        return REACH_PHONE
    return REACH_REMOTE


def reaches_without_telehealth(mode: int) -> bool:
    """Whether a remote unit of this mode reaches a client who refuses telehealth.

    >>> reaches_without_telehealth(REACH_PHONE), reaches_without_telehealth(REACH_REMOTE)
    (True, False)
    """
    return mode != REACH_REMOTE
