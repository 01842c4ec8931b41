"""Draws RoboLab's icon (robolab.png, 256 px): a program's text lines beside an EV3 brick.
Run once when the design changes; the PNG is committed."""

from pathlib import Path

from PIL import Image, ImageDraw

SIZE, SCALE = 256, 4  # drawn 4x larger, then scaled down: smooth edges


def draw() -> Image.Image:
    s = SIZE * SCALE
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    u = s / 64  # design grid: 64 x 64
    d.rounded_rectangle((2 * u, 2 * u, 62 * u, 62 * u), radius=12 * u, fill=(32, 46, 74))
    # three program lines, indented like a tree, in category colours
    for row, (indent, length, colour) in enumerate(((0, 22, (255, 176, 59)), (5, 17, (86, 196, 120)),
                                                    (5, 14, (88, 166, 255)))):
        y = (12 + row * 9) * u
        d.rounded_rectangle(((8 + indent) * u, y, (8 + indent + length) * u, y + 5 * u), radius=2.5 * u, fill=colour)
    # the brick: body, screen, buttons, and its wheels
    d.rounded_rectangle((34 * u, 30 * u, 56 * u, 54 * u), radius=4 * u, fill=(236, 239, 244))
    d.rounded_rectangle((37 * u, 33 * u, 53 * u, 42 * u), radius=1.5 * u, fill=(164, 196, 140))
    d.ellipse((42 * u, 45 * u, 48 * u, 51 * u), fill=(120, 124, 130))
    for x in (29, 57):
        d.rounded_rectangle((x * u - 2 * u, 36 * u, x * u + 2 * u, 52 * u), radius=2 * u, fill=(20, 22, 26))
    return image.resize((SIZE, SIZE), Image.LANCZOS)


if __name__ == "__main__":
    draw().save(Path(__file__).with_name("robolab.png"))
