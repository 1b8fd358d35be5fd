"""The fixed demo logins and the table the seed command prints."""

import unicodedata

from platform_core.demo import data


def login_rows() -> list[tuple[str, str, str, str]]:
    """(role, sponsor, login, password) for every named demo account."""
    sponsors = {spec["code"]: f"{spec['name']} {spec['name_en']}" for spec in data.SPONSORS}
    rows = []
    for spec in data.NAMED_DOCTORS:
        rows.append((f"{spec['role_zh']} {spec['role_en']}", "—", spec["login"], data.DEMO_PASSWORD))
    for _key, _roles, sponsor, login, _username, _name, role_zh, role_en, _admin in data.NAMED_STAFF:
        rows.append((f"{role_zh} {role_en}", sponsors[sponsor] if sponsor else "—", login, data.DEMO_PASSWORD))
    return rows


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def login_table() -> str:
    header = ("角色 Role", "申办方 Sponsor", "登录名 Login", "密码 Password")
    rows = [header, *login_rows()]
    widths = [max(_width(row[column]) for row in rows) for column in range(len(header))]
    rule = "+" + "+".join("-" * (width + 2) for width in widths) + "+"
    lines = [rule]
    for position, row in enumerate(rows):
        lines.append("| " + " | ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)) + " |")
        if position == 0:
            lines.append(rule)
    lines.append(rule)
    return "\n".join(lines)
