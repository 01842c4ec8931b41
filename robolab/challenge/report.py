"""The marking report: each submission's trail drawn over the world (PNG), on one HTML page sortable by score."""

from __future__ import annotations

import html
from pathlib import Path

from PIL import Image, ImageDraw

THUMBNAIL_WIDTH = 240


def thumbnail(layout, trail: list, path: Path, width: int = THUMBNAIL_WIDTH) -> None:
    """The layout's floor with its walls, obstacles and zones, and the robot's trail over it."""
    world = layout.world
    scale = width / world.width
    height = max(1, round(world.height * scale))
    image = world.image.resize((width, height), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(image)

    def px(point):
        return (point[0] * scale, height - point[1] * scale)

    for polygon in layout.zones.values():
        draw.polygon([px(p) for p in polygon], outline=(60, 140, 220))
    for wall in world.walls:
        draw.polygon([px(p) for p in wall], fill=(90, 90, 90))
    for obstacle in world.obstacles:
        draw.polygon([px(p) for p in obstacle.polygon], fill=tuple(obstacle.colour))
    points = [px(p) for p in trail]
    if len(points) > 1:
        draw.line(points, fill=(220, 30, 30), width=2)
    for point, colour in ((points[0], (30, 160, 30)), (points[-1], (30, 30, 200))) if points else ():
        x, y = point
        draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=colour)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)


SORT_SCRIPT = """
function sortBy(column, numeric) {
  const body = document.querySelector('tbody');
  const rows = Array.from(body.rows);
  const dir = body.dataset.sorted === String(column) ? -Number(body.dataset.dir || 1) : (numeric ? -1 : 1);
  rows.sort((a, b) => {
    const x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
    return dir * (numeric ? Number(x) - Number(y) : x.localeCompare(y));
  });
  rows.forEach(row => body.appendChild(row));
  body.dataset.sorted = column; body.dataset.dir = dir;
}
"""


def write_report(path: Path, challenge, header: list[str], rows: list[dict], pictures: Path) -> None:
    """An HTML page: a row per submission (best score first), its trail, and every column of marks.csv."""
    goals = {goal.id: goal for goal in challenge.goals}
    numeric = {"score", "stars", "time", *goals}
    heads = ["trail"] + header
    cells = []
    for row in sorted(rows, key=lambda r: (-float(r["score"] or 0), r["id"])):
        picture = pictures / f"{row['id']}.png"
        image = (f'<img src="{html.escape(picture.relative_to(path.parent).as_posix())}" alt="trail of '
                 f'{html.escape(row["id"])}">' if picture.is_file() else "no trail")
        tds = [f"<td>{image}</td>"]
        for column in header:
            value = row.get(column, "")
            tds.append(f'<td data-value="{html.escape(value)}">{html.escape(value)}</td>')
        cells.append("<tr>" + "".join(tds) + "</tr>")
    ths = []
    for index, column in enumerate(heads):
        label = html.escape(goals[column].text if column in goals else column)
        if index == 0:
            ths.append(f"<th>{label}</th>")
        else:
            ths.append(f'<th><button onclick="sortBy({index}, {str(column in numeric).lower()})">{label}</button></th>')
    passed = sum(1 for r in rows if r.get("pass") == "yes")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(challenge.title)}: marks</title>
<style>
body {{ font-family: sans-serif; margin: 1em; }} table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 4px 6px; vertical-align: top; font-size: 90%; }}
th button {{ font: inherit; font-weight: bold; border: none; background: none; cursor: pointer; }}
td:last-child {{ max-width: 30em; }}
</style><script>{SORT_SCRIPT}</script></head>
<body><h1>{html.escape(challenge.title)}</h1>
<p>{html.escape(challenge.label)}: {len(rows)} submissions, {passed} passed (pass mark {challenge.pass_mark:g} of
{challenge.total:g}). Trails are of layout 1. Click a heading to sort.</p>
<table><thead><tr>{''.join(ths)}</tr></thead><tbody data-sorted="2" data-dir="-1">
{chr(10).join(cells)}
</tbody></table></body></html>
"""
    path.write_text(page, encoding="utf-8")
