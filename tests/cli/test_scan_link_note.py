"""`postguard scan` says once, under the findings, that a link's preview is
fetched when the post goes out (issue 13, item 5); not for other findings."""

import subprocess
import sys

from postguard.engine.result import LINK_PREVIEW_NOTE

JIRA = "https://wingtip.atlassian.net/browse/PAY-4821"
DRIVE = "https://drive.google.com/file/d/1Yx8Kq2VnT5mLc9RpZ3wHb7JsGf0DaE4u/view"


def scan(text: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "postguard.cli", "scan"],
        input=text.encode("utf-8"),
        capture_output=True,
        timeout=120,
    ).stdout.decode()


def test_links_get_one_preview_note():
    out = scan(f"status in ({JIRA}) and [the doc]({DRIVE}).")
    assert "jira-issue-link" in out and "google-drive-link" in out
    assert out.count(LINK_PREVIEW_NOTE) == 1
    assert JIRA not in out  # previews stay masked


def test_other_findings_get_no_note():
    out = scan("card 4111 1111 1111 1111")
    assert "credit-card" in out
    assert LINK_PREVIEW_NOTE not in out
