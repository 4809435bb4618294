"""GB 32100-2015 unified social credit codes: the check character is computed and enforced."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from supervision.registry.creditcode import ALPHABET, check_character, credit_code_problem, normalise
from supervision.registry.validators import validate_credit_code

# Published codes of real organisations (from their licences) validate.
KNOWN_GOOD = ["91110000600037341L", "91310000775785552L"]

bodies = st.tuples(
    st.text(ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(ALPHABET, min_size=9, max_size=9),
).map("".join)


@pytest.mark.parametrize("code", KNOWN_GOOD)
def test_published_codes_validate(code):
    assert credit_code_problem(code) is None


@given(bodies)
def test_a_code_with_its_computed_check_character_validates(body):
    assert credit_code_problem(body + check_character(body)) is None


@given(bodies, st.integers(min_value=0, max_value=16), st.sampled_from(ALPHABET))
def test_any_single_character_typo_is_caught(body, position, replacement):
    code = body + check_character(body)
    typo = code[:position] + replacement + code[position + 1:]
    if typo != code:
        assert credit_code_problem(typo) is not None


def test_each_kind_of_problem_is_named():
    good = KNOWN_GOOD[0]
    assert credit_code_problem(good[:-1])[0] == "length"
    assert credit_code_problem(good[:5] + "I" + good[6:])[0] == "characters"
    assert credit_code_problem("91AB0000600037341L")[0] == "division"
    assert credit_code_problem(good[:-1] + "0") == ("check", {"found": "0", "expected": "L"})


def test_the_validator_message_says_what_the_check_character_should_be():
    with pytest.raises(ValidationError) as error:
        validate_credit_code(KNOWN_GOOD[0][:-1] + "0")
    assert "L" in str(error.value)


def test_normalise_strips_spaces_and_upper_cases():
    assert normalise(" 9111 0000 6000 3734 1l ") == "91110000600037341L"
