"""Generated images for demo records: licence-photo evidence (PNG) and prescribing-information
documents (one-page PDF). Both carry a visible "演示样例 / DEMO" watermark: they are not real
documents. Chinese text needs a CJK font (Debian fonts-noto-cjk); without one the English
fallback text is drawn instead.
"""

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

_CJK_FONTS = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
]


@lru_cache(maxsize=1)
def _cjk_font_path() -> tuple[str, int] | None:
    for path, index in _CJK_FONTS:
        if Path(path).exists():
            return path, index
    return None


@lru_cache(maxsize=16)
def _font(size: int):
    found = _cjk_font_path()
    if found is not None:
        try:
            return ImageFont.truetype(found[0], size=size, index=found[1])
        except OSError:
            pass
    return ImageFont.load_default(size=size)


def has_cjk_font() -> bool:
    return _cjk_font_path() is not None


@lru_cache(maxsize=1)
def _licence_template() -> Image.Image:
    """Everything that is the same on every licence picture, drawn once."""
    cjk = has_cjk_font()
    width, height = 420, 280
    image = Image.new("RGB", (width, height), (246, 241, 228))
    draw = ImageDraw.Draw(image)
    draw.rectangle((6, 6, width - 7, height - 7), outline=(150, 40, 40), width=3)
    draw.rectangle((6, 6, width - 7, 46), fill=(150, 40, 40))
    draw.text(
        (width // 2, 26),
        "医师执业证书" if cjk else "Physician Practice Licence",
        fill=(255, 240, 220),
        font=_font(20),
        anchor="mm",
    )
    draw.rectangle((22, 64, 102, 164), fill=(214, 220, 228), outline=(120, 120, 120))  # photo
    draw.ellipse((46, 80, 78, 112), fill=(170, 178, 190))
    draw.rectangle((38, 118, 86, 160), fill=(170, 178, 190))
    draw.ellipse((332, 196, 400, 264), outline=(200, 30, 30), width=3)  # seal
    draw.text((366, 230), "★", fill=(200, 30, 30), font=_font(22), anchor="mm")
    draw.text(
        (24, 250),
        "演示样例 DEMO · 非真实证件" if cjk else "DEMO SAMPLE - not a real document",
        fill=(170, 120, 120),
        font=_font(12),
    )
    return image


def licence_evidence_png(
    *, name: str, name_latin: str, licence_number: str, hospital: str, department: str, hue: int = 0
) -> bytes:
    """A small picture of a practice-licence page (fictional, watermarked)."""
    cjk = has_cjk_font()
    image = _licence_template().copy()
    draw = ImageDraw.Draw(image)
    # A slightly different photo tint per person, so the pictures are not byte-identical.
    draw.rectangle((24, 66, 100, 76), fill=(200 + hue % 40, 206, 214 - hue % 30))
    lines = (
        [("姓名", name), ("执业类别", "临床"), ("执业范围", department), ("执业地点", hospital)]
        if cjk
        else [("Name", name_latin), ("Category", "Clinical"), ("Scope", "Internal medicine"), ("Institution", "")]
    )
    y = 66
    small = _font(14)
    for label, value in lines:
        draw.text((118, y), f"{label}：{value}" if cjk else f"{label}: {value}", fill=(40, 40, 40), font=small)
        y += 24
    draw.text((118, y + 6), ("证书编码：" if cjk else "No. ") + licence_number, fill=(20, 20, 90), font=_font(15))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def prescribing_information_pdf(
    *, brand: str, generic: str, generic_en: str, sponsor: str, sponsor_en: str, indication: str, version: str
) -> bytes:
    """A one-page PDF standing in for the product's prescribing information (说明书)."""
    cjk = has_cjk_font()
    width, height = 620, 877  # A4 at 75 dpi
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    title = _font(26)
    body = _font(15)
    if cjk:
        draw.text((width // 2, 60), f"{generic}说明书", fill=(0, 0, 0), font=title, anchor="mm")
        draw.text((width // 2, 96), f"（{version}）", fill=(80, 80, 80), font=body, anchor="mm")
        sections = [
            ("【药品名称】", f"通用名称：{generic}\n商品名称：{brand}\n英文名称：{generic_en}"),
            ("【适应症】", indication),
            ("【用法用量】", "请遵医嘱。详见完整版说明书。"),
            ("【不良反应】", "详见完整版说明书。如发现可疑不良反应，请及时向上市许可持有人或药品不良反应监测机构报告。"),
            ("【上市许可持有人】", f"{sponsor}（{sponsor_en}）"),
        ]
    else:
        draw.text((width // 2, 60), f"{generic_en} - Prescribing information", fill=(0, 0, 0), font=title, anchor="mm")
        draw.text((width // 2, 96), f"({version})", fill=(80, 80, 80), font=body, anchor="mm")
        sections = [
            ("Brand", brand),
            ("Marketing authorisation holder", sponsor_en),
            ("Indication", "See the Chinese label."),
            ("Adverse reactions", "Report suspected reactions."),
        ]
    y = 140
    for heading, text in sections:
        draw.text((50, y), heading, fill=(120, 20, 20), font=body)
        y += 26
        for paragraph in text.split("\n"):
            for line in _wrap(draw, paragraph, body, width - 120):
                draw.text((70, y), line, fill=(30, 30, 30), font=body)
                y += 22
        y += 14
    footer = "演示样例 DEMO · 虚构药品，非真实说明书" if cjk else "DEMO - fictional product"
    draw.text((width // 2, height - 40), footer, fill=(170, 120, 120), font=_font(13), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=75.0)
    return buffer.getvalue()


# Characters that must not start a line (Chinese typesetting: 避头点).
_NO_LINE_START = set("，。、；：？！）》」』】,.;:?!)%")


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, max_width: int) -> list[str]:
    """Break text into lines no wider than max_width pixels (per character: Chinese has no spaces)."""
    lines, current = [], ""
    for char in text:
        if current and draw.textlength(current + char, font=font) > max_width and char not in _NO_LINE_START:
            lines.append(current)
            current = char
        else:
            current += char
    return [*lines, current] if current or not lines else lines
