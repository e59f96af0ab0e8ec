"""Affiliation disclosure: the organisation named with an opinion, undisclosed.

An employee praising the employer's product must say they work there (the US
FTC's Endorsement Guides: a material connection). Any of the policy's
disclosure texts, or the bundle's general ones (#ad, "I work at"), anywhere in
the post counts as said.
"""

from __future__ import annotations

import regex

from .words import first_near


def undisclosed_mention(
    text: str,
    names: regex.Pattern[str],
    endorsement: regex.Pattern[str],
    disclosures: regex.Pattern[str],
    window: int,
) -> regex.Match[str] | None:
    """The name mentioned with an opinion, when the post carries no disclosure."""
    mention = first_near(text, names, endorsement, window)
    if mention is None or disclosures.search(text):
        return None
    return mention
