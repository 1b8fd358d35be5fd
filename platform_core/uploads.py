"""Uploads are checked by their content, never their name, and images are re-encoded so that
metadata (EXIF GPS, device ids) never reaches storage."""

import io

import filetype
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from platform_core.exceptions import ValidationFailed

IMAGE_TYPES = {"image/jpeg": ("JPEG", "jpg"), "image/png": ("PNG", "png"), "image/webp": ("WEBP", "webp")}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


def clean_image_upload(upload, *, field: str = "image") -> ContentFile:
    """Return a metadata-free copy of an uploaded JPEG/PNG/WebP, or raise ValidationFailed saying why."""
    data = upload.read()
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationFailed(_("The image is larger than 5 MB."), details={field: "too_large"})
    kind = filetype.guess(data)
    if kind is None or kind.mime not in IMAGE_TYPES:
        raise ValidationFailed(_("The file is not a JPEG, PNG or WebP image."), details={field: "not_an_image"})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationFailed(_("The image has too many pixels."), details={field: "too_large"})
            image.load()
            clean = Image.new(image.mode if image.mode in ("RGB", "RGBA", "L") else "RGB", image.size)
            clean.paste(image.convert(clean.mode))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationFailed(_("The image is damaged or cannot be read."), details={field: "unreadable"}) from None
    pil_format, extension = IMAGE_TYPES[kind.mime]
    if pil_format == "JPEG" and clean.mode == "RGBA":
        clean = clean.convert("RGB")
    output = io.BytesIO()
    clean.save(output, format=pil_format)
    return ContentFile(output.getvalue(), name=f"upload.{extension}")
