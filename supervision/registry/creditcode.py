"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1), entity type (1), administrative division
code (6 digits), organisation code (9), and a check character. The alphabet has 31
characters (digits and capitals without I, O, S, V, Z); the check character is
31 - (Σ value × weight mod 31), with 31 written as 0.

Pure Python, no Django import.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> tuple[str, dict] | None:
    """Why ``code`` is not a valid credit code, as (reason key, details), or None if valid.

    Reason keys: "length", "characters", "division", "check". Callers turn them into
    translated messages (supervision.registry.validators).
    """
    if len(code) != 18:
        return "length", {"length": len(code)}
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        return "characters", {"characters": " ".join(bad)}
    if not code[2:8].isdigit():
        return "division", {}
    expected = check_character(code[:17])
    if code[17] != expected:
        return "check", {"found": code[17], "expected": expected}
    return None


def normalise(code: str) -> str:
    """Trim spaces and upper-case: how people type codes they copy from a licence."""
    return "".join(code.split()).upper()
