"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1), entity type (1), administrative division
code (6 digits), organisation code (9), and a check character. The alphabet has 31
characters (digits and capitals without I, O, S, V, Z); the check character is
31 - (Σ value × weight mod 31), with 31 written as 0.

Pure Python, no Django import.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Registration authority (character 1) → the entity types (character 2) it registers (GB 32100-2015, Annex A).
AUTHORITY_TYPES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办管理的群众团体, 其他
    "2": "19",  # 外交
    "3": "123459",  # 司法行政: 律师事务所, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商 / 市场监管: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业农村: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}
# GB/T 2260 province-level codes (the first two digits of a division code).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> tuple[str, dict] | None:
    """Why ``code`` is not a valid credit code, as (reason key, details), or None if valid.

    Reason keys: "length", "characters", "division", "check", then for a code whose check
    character is right but which cannot exist: "authority", "type", "organisation". Callers turn
    them into translated messages (supervision.registry.validators); whether the division part
    is a real region needs the region tree and is checked there.
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
    if code[0] not in AUTHORITY_TYPES:
        return "authority", {"found": code[0], "accepted": " ".join(AUTHORITY_TYPES)}
    if code[1] not in AUTHORITY_TYPES[code[0]]:
        return "type", {"found": code[1], "authority": code[0], "accepted": " ".join(AUTHORITY_TYPES[code[0]])}
    if set(code[8:17]) == {"0"}:
        return "organisation", {}
    return None


def normalise(code: str) -> str:
    """Trim spaces and upper-case: how people type codes they copy from a licence."""
    return "".join(code.split()).upper()
