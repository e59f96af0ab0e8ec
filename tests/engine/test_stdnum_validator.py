"""The stdnum validator passes a rule's options to the module's is_valid."""

from postguard.engine.validators import stdnum_id

# A Finnish code with a 2023 century sign and a temporary individual number.
TEMPORARY_HETU = "170388Y937A"


def test_temporary_codes_need_the_option():
    assert not stdnum_id.validate(TEMPORARY_HETU, {"module": "fi.hetu"})
    assert stdnum_id.validate(
        TEMPORARY_HETU, {"module": "fi.hetu", "options": {"allow_temporary": True}}
    )


def test_options_do_not_excuse_a_wrong_check_character():
    options = {"module": "fi.hetu", "options": {"allow_temporary": True}}
    assert not stdnum_id.validate("170388Y937B", options)
