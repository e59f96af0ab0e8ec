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
