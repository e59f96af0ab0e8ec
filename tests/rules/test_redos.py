"""The ReDoS analyser's verdict cache: definitive verdicts are kept per user,
"unknown" (recheck gave up) never is."""

from pathlib import Path

from postguard.rulebook import redos

REPO = Path(__file__).resolve().parents[2]
SAFE = ("(?<![A-Za-z0-9])EMP-[0-9]{6}(?![A-Za-z0-9])", "")
QUADRATIC = ("AKIA[0-9A-Z]*EXAMPLE", "")
# Needs the fuzzer (a lookbehind and a long bounded repeat): not decided in 1 ms.
SLOW = ("(?<![A-Za-z0-9._%+\\-])[A-Za-z0-9._%+\\-]{1,64}@[1-4]x\\.png", "i")


def test_definitive_verdicts_are_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    recheck = redos.locate(REPO / "shared_rules")
    first = redos.Analysis(recheck, [SAFE, QUADRATIC])
    verdicts = first.verdicts()
    assert first.analysed == 2
    assert verdicts[SAFE].status == "safe" and verdicts[SAFE].problem() is None
    assert verdicts[QUADRATIC].status == "vulnerable"
    assert "polynomial (degree 2)" in verdicts[QUADRATIC].problem()
    assert (tmp_path / "postguard" / "redos-cache.json").is_file()
    again = redos.Analysis(recheck, [SAFE, QUADRATIC])
    assert again.analysed == 0 and again.verdicts() == verdicts


def test_a_trees_recorded_verdicts_spare_the_analysis(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    recheck = redos.locate(REPO / "shared_rules")
    safe, quadratic = (redos.cache_key(*p) for p in (SAFE, QUADRATIC))
    tree = tmp_path / "tree"
    tree.mkdir()
    # "unknown" is never recorded, so QUADRATIC is analysed again.
    verdicts = {safe: redos.Verdict("safe", checker="automaton")}
    redos.write_recorded(tree, {**verdicts, quadratic: redos.Verdict("unknown")})
    assert set(redos.read_recorded(tree)) == {safe}
    analysis = redos.Analysis(recheck, [SAFE, QUADRATIC], redos.read_recorded(tree))
    assert analysis.analysed == 1
    found = analysis.verdicts()
    assert found[SAFE] == verdicts[safe] and found[QUADRATIC].status == "vulnerable"


def test_unknown_verdict_is_an_error_and_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(redos, "TIMEOUT_MS", 1)
    recheck = redos.locate(REPO / "shared_rules")
    verdict = redos.Analysis(recheck, [SLOW]).verdicts()[SLOW]
    assert verdict.status == "unknown"
    assert "could not be proven safe" in verdict.problem()
    assert redos.Analysis(recheck, [SLOW]).analysed == 1


def test_cache_lives_under_xdg_cache_home_or_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert redos.cache_path() == tmp_path / "postguard" / "redos-cache.json"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")  # not absolute: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = tmp_path / "home" / ".cache" / "postguard" / "redos-cache.json"
    assert redos.cache_path() == expected


def test_recheck_is_found_above_the_rules_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(redos, "_EDITABLE_REPO", tmp_path)
    found = redos.locate(REPO / "shared_rules", cwd=tmp_path)
    assert found.package == REPO / "node_modules" / "recheck"
