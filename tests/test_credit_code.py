"""GB 32100-2015 unified social credit codes: the check character is computed and enforced."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from supervision.registry.creditcode import AUTHORITY_TYPES, check_character, credit_code_problem, normalise
from supervision.registry.validators import validate_credit_code

# Published codes of real organisations (from their licences) validate.
KNOWN_GOOD = ["91110000600037341L", "91310000775785552L"]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
authority_and_type = st.sampled_from([a + t for a, types in AUTHORITY_TYPES.items() for t in types])
bodies = st.tuples(
    authority_and_type,
    st.text("0123456789", min_size=6, max_size=6),
    st.text(ALPHABET, min_size=9, max_size=9).filter(lambda organisation: set(organisation) != {"0"}),
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


def with_check(body: str) -> str:
    return body + check_character(body)


def test_all_zeros_passes_the_check_character_but_is_refused_for_its_authority():
    assert check_character("0" * 17) == "0"
    assert credit_code_problem("0" * 18)[0] == "authority"


@pytest.mark.parametrize(("body", "part"), [
    ("B2110000600037341", "authority"),  # no registration authority B
    ("5A110000600037341", "type"),  # civil affairs registers no type A
    ("94110000600037341", "type"),  # market regulation: 1 enterprise, 2 individual, 3 cooperative only
    ("52110000000000000", "organisation"),
])
def test_a_code_with_the_right_check_character_but_an_impossible_part_is_named(body, part):
    assert credit_code_problem(with_check(body))[0] == part


def test_messages_name_the_wrong_part(db):
    from django.utils import translation

    from supervision.registry.validators import credit_code_message

    with translation.override("en"):
        assert "registration authority" in credit_code_message("0" * 18)
        assert "type of entity" in credit_code_message(with_check("5A110000600037341"))
        assert "organisation code" in credit_code_message(with_check("52110000000000000"))
        assert "no province" in credit_code_message(with_check("52770000600037341"))
        assert "000000" in credit_code_message(with_check("52000000600037341"))


def test_a_division_part_must_be_a_region_of_the_tree_when_the_tree_holds_that_province(world):
    from django.utils import translation

    from supervision.registry.validators import credit_code_message

    assert credit_code_message(with_check("52990101600037341")) is None  # 东湖区 of the test tree
    assert credit_code_message(with_check("52990000600037341")) is None  # the province itself
    assert credit_code_message(with_check("52990199600037341")) is None  # a county since merged: its city stands
    with translation.override("en"):
        message = credit_code_message(with_check("52998801600037341"))
    assert "990000" not in message and "998801" in message and "no province, city or county" in message
