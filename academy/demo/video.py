"""Demo lesson videos, generated locally (PyAV's bundled FFmpeg, VP8 WebM): no download, no CDN.

Each frame shows a moving bar and the elapsed time, so a viewer (or a browser test's screenshot)
can see playback advance. Small on purpose: 320×180, 5 frames per second.
"""

from pathlib import Path

import av
from PIL import Image, ImageDraw

WIDTH, HEIGHT, FPS = 320, 180, 5
PALETTE = [(15, 118, 110), (29, 95, 138), (161, 98, 7), (120, 53, 15), (67, 56, 202)]


def lesson_video(path: Path, *, seconds: int, tint: int = 0) -> Path:
    """Write a WebM of `seconds` seconds to `path` unless it already exists with that name."""
    if path.exists() and path.stat().st_size > 0:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.webm")
    background = PALETTE[tint % len(PALETTE)]
    with av.open(str(partial), mode="w") as container:
        stream = container.add_stream("libvpx", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.bit_rate = 120_000
        for index in range(seconds * FPS):
            image = Image.new("RGB", (WIDTH, HEIGHT), background)
            draw = ImageDraw.Draw(image)
            elapsed = index / FPS
            progress = int(WIDTH * elapsed / seconds)
            draw.rectangle((0, HEIGHT - 14, progress, HEIGHT), fill=(240, 240, 240))
            draw.text((12, 12), "Xinglin Academy", fill=(255, 255, 255))
            draw.text(
                (12, 70),
                f"{int(elapsed // 60):02d}:{int(elapsed % 60):02d} / {seconds // 60:02d}:{seconds % 60:02d}",
                fill=(255, 255, 255),
            )
            frame = av.VideoFrame.from_image(image)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    partial.replace(path)
    return path
