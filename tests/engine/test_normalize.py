from hypothesis import given
from hypothesis import strategies as st

from postguard.engine.normalize import NormalizationTable
from postguard.engine.normalize import normalize

TABLE = {
    "remove": [[0x00AD, 0x00AD], [0x200B, 0x200F], [0xFEFF, 0xFEFF]],
    "dash": [[0x2010, 0x2015], [0x2212, 0x2212]],
    "space": [[0x00A0, 0x00A0], [0x2000, 0x200A]],
}


def norm(text):
    return normalize(text, NormalizationTable(TABLE))


def test_ascii_is_untouched():
    result = norm("card 4111-1111")
    assert result.text == "card 4111-1111"
    assert result.span_to_original(5, 14) == (5, 14)


def test_full_width_digits_fold_and_keep_offsets():
    result = norm("x ４１１１ y")
    assert result.text == "x 4111 y"
    assert result.span_to_original(2, 6) == (2, 6)


def test_zero_width_and_soft_hyphen_are_removed():
    text = "a 41\u200b11\u00ad22 b"
    result = norm(text)
    assert result.text == "a 411122 b"
    start, end = result.span_to_original(2, 8)
    assert text[start:end] == "41\u200b11\u00ad22"


def test_dashes_and_spaces_unify():
    assert norm("1\u20132\u00a03\u22124").text == "1-2 3-4"


def test_expanding_characters_map_back_to_their_source():
    text = "a\u2474b"  # PARENTHESIZED DIGIT ONE -> "(1)"
    result = norm(text)
    assert result.text == "a(1)b"
    assert result.span_to_original(1, 4) == (1, 2)
    assert result.span_to_original(4, 5) == (2, 3)


def test_astral_characters_are_one_code_point():
    text = "\U0001f600 ４2"
    result = norm(text)
    assert result.text == "\U0001f600 42"
    assert result.span_to_original(2, 4) == (2, 4)


@given(
    st.text(
        alphabet=st.sampled_from(
            "０１２３４５６７８９0123\u200b\u00ad\u2013 -x\U0001f600é"
        )
    )
)
def test_offset_map_is_monotone_and_in_bounds(text):
    result = norm(text)
    previous = 0
    for index in range(len(result.text)):
        origin = result.to_original(index)
        assert previous <= origin < len(text)
        previous = origin


@given(st.text(alphabet="0123456789 -abc"), st.lists(st.integers(0, 50), max_size=5))
def test_inserted_invisible_characters_are_transparent(text, positions):
    noisy = list(text)
    for position in sorted(positions, reverse=True):
        noisy.insert(min(position, len(noisy)), "\u200b")
    assert norm("".join(noisy)).text == text


def per_character(text):
    """The definition: each character replaced on its own; every normalised
    character points back at the character it came from."""
    table = NormalizationTable(TABLE)
    pieces, origin = [], []
    for index, char in enumerate(text):
        new = table.replacement(char)
        pieces.append(new)
        origin += [index] * len(new)
    return "".join(pieces), origin


def test_a_long_run_of_removed_characters_is_one_edit():
    text = "\u200b" * 100_000 + "41 \u200b\u200b 11"
    result = norm(text)
    assert result.text == "41  11"
    assert len(result.edit_norm) == 2
    assert result.span_to_original(0, 6) == (100_000, len(text))


def test_a_long_run_of_expanded_characters_is_two_edits():
    text = "x" + "\u2474" * 50_000 + "y"  # each (1) is three characters
    result = norm(text)
    assert result.text == "x" + "(1)" * 50_000 + "y"
    assert len(result.edit_norm) == 2
    assert result.span_to_original(1 + 3 * 7, 1 + 3 * 9) == (8, 10)
    assert result.span_to_original(1 + 3 * 50_000, 2 + 3 * 50_000) == (50_001, 50_002)


@given(
    st.text(
        alphabet=st.sampled_from(
            "ab1 -\u200b\u00ad\ufeff\u2474\ufb01\ufdfa\u3392\u2013\u00a0\uff14"
            "\U0001f600\U0001d7d2\ud800"
        ),
        max_size=40,
    )
)
def test_the_offset_map_equals_the_per_character_definition(text):
    expected_text, origin = per_character(text)
    result = norm(text)
    assert result.text == expected_text
    assert [result.to_original(j) for j in range(len(expected_text))] == origin


def test_every_changing_character_is_found():
    # changes_in sorts characters out in C-level passes before the per-character
    # look-up; over the planes where NFKC changes anything, it must miss none.
    everything = "".join(map(chr, range(0x80, 0x30000)))
    reference = NormalizationTable(TABLE)
    expected = {}
    for char in everything:
        new = reference.replacement(char)
        if new != char:
            expected[char] = new
    assert len(expected) > 4000
    assert NormalizationTable(TABLE).changes_in(everything) == expected
