#!/usr/bin/env python3
"""A labelled photo set drawn independently of PhotoLab, to check that the matcher works on photos in
general rather than on its own generator's (see ops/other-photos).

Every design is photographed twice (shot 0 and shot 1); a glove's shot 1 is the other hand of the
pair, so it shows the mirror image. The drawing shares no code and no choices with PhotoLab: other
outlines, pattern families (several colours per design, argyle, chevrons, motifs, heather), larger
photos, other backdrops (wood, tablecloth, carpet), other clutter, other camera and light models.
Writes the photos as JPEG and manifest.tsv: design, shot, product, file, attributes (k=v,k=v or -);
with --masks also each photo's true outline as a PNG beside it (00012-0.mask.png for 00012-0.jpg).
"""
import argparse
import math
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

CANVAS = 512  # the item is drawn on a square canvas this size (at twice this, then reduced)


def random_colour(rng):
    h = rng.random()
    s = rng.choice([rng.uniform(0.05, 0.3), rng.uniform(0.3, 0.9)])
    v = rng.uniform(0.15, 0.95)
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
    return (int(r * 255), int(g * 255), int(b * 255))


# Patterns: functions of canvas coordinates (u along the item's main axis, v across), giving RGB.

def pattern(design, size):
    rng = random.Random(design["pattern_seed"])
    kind, colours = design["pattern"], design["colours"]
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    img = np.zeros((size, size, 3), np.float32)
    img[:] = colours[0]
    angle = rng.uniform(-0.4, 0.4) if rng.random() < 0.3 else 0.0
    u = y * math.cos(angle) + x * math.sin(angle)
    v = x * math.cos(angle) - y * math.sin(angle)
    if kind == "stripes":
        widths = [rng.uniform(0.02, 0.09) for _ in colours]
        period = sum(widths)
        phase = np.mod(u, period)
        edge = 0.0
        for colour, width in zip(colours, widths):
            img[(phase >= edge) & (phase < edge + width)] = colour
            edge += width
    elif kind == "dots":
        step = rng.uniform(0.06, 0.14)
        radius = step * rng.uniform(0.18, 0.38)
        shift = rng.random() < 0.5
        row = np.floor(u / step)
        vv = v + (row % 2) * step / 2 if shift else v
        du = np.mod(u, step) - step / 2
        dv = np.mod(vv, step) - step / 2
        inside = du * du + dv * dv < radius * radius
        img[inside] = colours[1]
        if len(colours) > 2:
            img[inside & (np.mod(row, 2) == 1)] = colours[2]
    elif kind == "checks":
        step = rng.uniform(0.05, 0.13)
        a = np.floor(u / step) % 2 == 1
        b = np.floor(v / step) % 2 == 1
        mix = np.array(colours[0], np.float32) * 0.5 + np.array(colours[1], np.float32) * 0.5
        img[a ^ b] = mix
        img[a & b] = colours[1]
    elif kind == "argyle":
        step = rng.uniform(0.12, 0.22)
        a = np.abs(np.mod(u / step, 2) - 1) + np.abs(np.mod(v / (step * 0.7), 2) - 1)
        img[a < 1] = colours[1]
        line = np.minimum(np.abs(np.mod((u + v) / step * 2, 1) - 0.5), np.abs(np.mod((u - v) / step * 2, 1) - 0.5))
        img[line < 0.04] = colours[2 % len(colours)]
    elif kind == "chevron":
        step = rng.uniform(0.06, 0.15)
        height = rng.uniform(0.3, 1.0)
        wave = u + height * np.abs(np.mod(v / step, 2) - 1) * step
        band = np.floor(wave / (step * 0.8)).astype(int) % len(colours)
        for i, colour in enumerate(colours):
            img[band == i] = colour
    elif kind == "motif":
        step = rng.uniform(0.1, 0.18)
        size_ = step * rng.uniform(0.25, 0.4)
        du = np.mod(u, step) - step / 2
        dv = np.mod(v, step) - step / 2
        r = np.sqrt(du * du + dv * dv)
        t = np.arctan2(du, dv)
        star = r < size_ * (0.55 + 0.45 * np.cos(5 * t))
        img[star] = colours[1]
    elif kind == "heather":
        noise = np.random.default_rng(design["pattern_seed"]).random((size // 4, size // 4)).astype(np.float32)
        noise = np.array(Image.fromarray((noise * 255).astype(np.uint8)).resize((size, size), Image.BILINEAR), np.float32) / 255
        c0, c1 = np.array(colours[0], np.float32), np.array(colours[1], np.float32)
        img = c0 * (1 - noise[..., None] * 0.6) + c1 * noise[..., None] * 0.6
    return img


def outline(design, size):
    """The item's mask on the canvas, and the mask of its trim (cuff, heel and toe) if any."""
    big = size * 2
    mask = Image.new("L", (big, big), 0)
    trim = Image.new("L", (big, big), 0)
    d, t = ImageDraw.Draw(mask), ImageDraw.Draw(trim)
    s = big / 100.0
    shape = design["shape"]
    if design["product"] == "sock":
        leg, foot, width = shape["leg"], shape["foot"], shape["width"]
        top, heel = (42, 8), (42, 8 + leg)
        toe = (42 + foot, 8 + leg + shape["drop"])
        pts = [(top[0] * s, top[1] * s), (heel[0] * s, heel[1] * s), (toe[0] * s, toe[1] * s)]
        d.line(pts, fill=255, width=int(width * s), joint="curve")
        for (px, py) in pts[1:]:
            r = width * s / 2
            d.ellipse([px - r, py - r, px + r, py + r], fill=255)
        if shape["cuff"]:
            t.rectangle([0, 0, big, (8 + shape["cuff_len"]) * s], fill=255)
        if shape["toe"]:
            r = width * s / 2 + 2
            t.ellipse([toe[0] * s - r * 1.6, toe[1] * s - r, toe[0] * s + r, toe[1] * s + r], fill=255)
    elif design["product"] == "glove":
        palm_w, palm_h = shape["palm_w"], shape["palm_h"]
        x0, y0 = 50 - palm_w / 2, 45
        d.rounded_rectangle([x0 * s, y0 * s, (x0 + palm_w) * s, (y0 + palm_h) * s], radius=8 * s, fill=255)
        finger_w = palm_w / 4.3
        for i, length in enumerate(shape["fingers"]):
            cx = x0 + finger_w * (i + 0.5) * 1.07
            d.rounded_rectangle([(cx - finger_w / 2.3) * s, (y0 - length) * s, (cx + finger_w / 2.3) * s, (y0 + 8) * s],
                                radius=finger_w / 2.3 * s, fill=255)
        # The thumb, on the left of a left glove seen from its back.
        tx, ty = x0 + 2, y0 + palm_h * 0.45
        angle = math.radians(shape["thumb_angle"])
        ex, ey = tx - math.sin(angle) * shape["thumb"], ty - math.cos(angle) * shape["thumb"]
        d.line([(tx * s, ty * s), (ex * s, ey * s)], fill=255, width=int(finger_w * 0.95 * s))
        r = finger_w * 0.95 * s / 2
        d.ellipse([ex * s - r, ey * s - r, ex * s + r, ey * s + r], fill=255)
        cuff_top = y0 + palm_h - 2
        d.rectangle([(x0 + 3) * s, cuff_top * s, (x0 + palm_w - 3) * s, (cuff_top + shape["cuff_len"]) * s], fill=255)
        if shape["cuff"]:
            t.rectangle([0, cuff_top * s + 4 * s, big, big], fill=255)
    else:  # buttons
        for (bx, by, br, holes) in shape["buttons"]:
            d.ellipse([(bx - br) * s, (by - br) * s, (bx + br) * s, (by + br) * s], fill=255)
    mask = mask.resize((size, size), Image.LANCZOS)
    trim = trim.resize((size, size), Image.LANCZOS)
    return np.array(mask, np.float32) / 255, np.array(trim, np.float32) / 255


def item_image(design, mirrored):
    """RGB and alpha of the item on its canvas."""
    size = CANVAS
    mask, trim = outline(design, size)
    if design["product"] == "buttons":
        rgb = np.zeros((size, size, 3), np.float32)
        rgb[:] = design["colours"][0]
        y, x = np.mgrid[0:size, 0:size].astype(np.float32) * 100 / size
        for (bx, by, br, holes) in design["shape"]["buttons"]:
            rr = np.sqrt((x - bx) ** 2 + (y - by) ** 2)
            rim = (rr > br * 0.72) & (rr < br)
            rgb[rim] = rgb[rim] * 0.8
            offsets = [(-0.22, 0), (0.22, 0)] if holes == 2 else [(-0.2, -0.2), (0.2, -0.2), (-0.2, 0.2), (0.2, 0.2)]
            for ox, oy in offsets:
                hole = (x - bx - ox * br) ** 2 + (y - by - oy * br) ** 2 < (br * 0.11) ** 2
                mask[hole] = 0
    else:
        rgb = pattern(design, size)
        if design.get("trim") is not None:
            rgb = rgb * (1 - trim[..., None]) + np.array(design["trim"], np.float32) * trim[..., None]
        # Knit shading: a little relief so the item is not flat colour.
        y, x = np.mgrid[0:size, 0:size].astype(np.float32)
        rgb = rgb * (0.94 + 0.06 * np.sin(x * 0.9) * np.sin(y * 0.9))[..., None]
    if mirrored:
        rgb, mask = rgb[:, ::-1], mask[:, ::-1]
    return np.clip(rgb, 0, 255), mask


def backdrop(rng, w, h):
    kind = rng.choice(["plain", "wood", "cloth", "carpet", "gradient"])
    base = np.array(random_colour(rng), np.float32) * 0.5 + np.array([200, 195, 185], np.float32) * 0.5 * rng.uniform(0.4, 1.1)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.zeros((h, w, 3), np.float32) + base
    if kind == "wood":
        period = rng.uniform(8, 30)
        warp = np.sin(y / rng.uniform(40, 120)) * rng.uniform(5, 25)
        grain = 0.5 + 0.5 * np.sin((x + warp) / period * 2 * math.pi)
        img *= (0.85 + 0.2 * grain)[..., None]
    elif kind == "cloth":
        step = rng.uniform(30, 80)
        a = (np.floor(x / step) % 2) == 1
        b = (np.floor(y / step) % 2) == 1
        img *= (1 - 0.12 * (a.astype(np.float32) + b.astype(np.float32)))[..., None]
    elif kind == "carpet":
        noise = np.random.default_rng(rng.randrange(1 << 30)).random((h, w)).astype(np.float32)
        img *= (0.88 + 0.24 * noise)[..., None]
    elif kind == "gradient":
        img *= (0.8 + 0.4 * (x / w))[..., None]
    return img


def add_clutter(rng, img, keep_clear):
    h, w = img.shape[:2]
    layer = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(layer)
    for _ in range(rng.choice([0, 0, 1, 2, 3, 4])):
        colour = random_colour(rng)
        for _ in range(20):
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            if math.hypot((cx - w / 2) / w, (cy - h / 2) / h) > keep_clear:
                break
        rw, rh = rng.uniform(0.04, 0.14) * w, rng.uniform(0.03, 0.1) * h
        if rng.random() < 0.5:
            d.ellipse([cx - rw, cy - rh, cx + rw, cy + rh], fill=colour)
        else:
            a = rng.uniform(0, math.pi)
            corners = [(cx + dx * math.cos(a) - dy * math.sin(a), cy + dx * math.sin(a) + dy * math.cos(a))
                       for dx, dy in [(-rw, -rh), (rw, -rh), (rw, rh), (-rw, rh)]]
            d.polygon(corners, fill=colour)
    return np.array(layer, np.float32)


def clear_of(buttons, bx, by, br):
    """Whether a button of radius br at (bx, by) keeps clear of every one in buttons."""
    return all(math.hypot(bx - x, by - y) > br + r + 2 for x, y, r, _ in buttons)


def scattered(design, seed):
    """The design with its buttons lying elsewhere, as a set does when it is picked up and put down
    again: the same buttons (size, holes, colours) in a new arrangement."""
    rng = random.Random(seed * 7_919 + design["id"])
    placed = []
    for (_, _, br, holes) in design["shape"]["buttons"]:
        for _ in range(1000):
            bx, by = rng.uniform(18, 82), rng.uniform(18, 82)
            if clear_of(placed, bx, by, br):
                placed.append((bx, by, br, holes))
                break
    if len(placed) < len(design["shape"]["buttons"]):
        return design  # no other arrangement fitted on the canvas
    return dict(design, shape=dict(design["shape"], buttons=placed))


def photograph(design, shot, seed, scatter=False):
    if scatter and shot == 1 and design["product"] == "buttons":
        design = scattered(design, seed)
    rng = random.Random(seed * 1_000_003 + design["id"] * 7 + shot)
    long = rng.choice([640, 800, 1024])
    w, h = (long, long * 3 // 4) if rng.random() < 0.6 else (long * 3 // 4, long)
    mirrored = design["product"] == "glove" and shot == 1
    rgb, alpha = item_image(design, mirrored)
    img = backdrop(rng, w, h)
    img = add_clutter(rng, img, keep_clear=rng.uniform(0.3, 0.45))
    # Where the item's canvas lands: rotation, scale, offset and a mild perspective.
    side = min(w, h) * rng.uniform(0.6, 0.95)
    angle = math.radians(rng.uniform(-30, 30)) + (math.pi / 2 if rng.random() < 0.2 else 0)
    cx, cy = w / 2 + rng.uniform(-0.08, 0.08) * w, h / 2 + rng.uniform(-0.08, 0.08) * h
    corners = []
    for (u, v) in [(0, 0), (1, 0), (1, 1), (0, 1)]:
        du, dv = (u - 0.5) * side, (v - 0.5) * side
        du += rng.uniform(-0.05, 0.05) * side
        dv += rng.uniform(-0.05, 0.05) * side
        corners.append((cx + du * math.cos(angle) - dv * math.sin(angle), cy + du * math.sin(angle) + dv * math.cos(angle)))
    coeffs = perspective_coeffs(corners, [(0, 0), (CANVAS, 0), (CANVAS, CANVAS), (0, CANVAS)])
    item = Image.fromarray(rgb.astype(np.uint8)).transform((w, h), Image.PERSPECTIVE, coeffs, Image.BILINEAR)
    mask = Image.fromarray((alpha * 255).astype(np.uint8)).transform((w, h), Image.PERSPECTIVE, coeffs, Image.BILINEAR)
    a = np.array(mask, np.float32)[..., None] / 255
    if rng.random() < 0.6:
        dx, dy = int(rng.uniform(-0.02, 0.02) * w), int(rng.uniform(0.0, 0.03) * h)
        shadow = np.array(mask.filter(ImageFilter.GaussianBlur(w * 0.01)), np.float32)[..., None] / 255
        shadow = np.roll(np.roll(shadow, dy, axis=0), dx, axis=1)
        img *= 1 - 0.35 * shadow
    img = img * (1 - a) + np.array(item, np.float32) * a
    # Light: exposure, white balance, a vignette, a tone curve.
    img *= rng.uniform(0.7, 1.3)
    img *= np.array([rng.uniform(0.92, 1.08), 1.0, rng.uniform(0.9, 1.1)], np.float32)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((x - w / 2) / w) ** 2 + ((y - h / 2) / h) ** 2
    img *= (1 - rng.uniform(0, 0.5) * r2)[..., None]
    img = 255 * np.power(np.clip(img / 255, 0, 1), rng.uniform(0.85, 1.2))
    photo = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    if rng.random() < 0.6:
        photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.5) * long / 640))
    arr = np.array(photo, np.float32) + np.random.default_rng(rng.randrange(1 << 30)).normal(0, rng.uniform(0, 6), (h, w, 3))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), rng.randint(60, 95), Image.fromarray(((a[..., 0] > 0.5) * 255).astype(np.uint8))


def perspective_coeffs(dst, src):
    """PIL's PERSPECTIVE coefficients mapping output pixels (dst corners) to input pixels (src)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y]); rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y]); rhs.append(v)
    return np.linalg.solve(np.array(rows, np.float64), np.array(rhs, np.float64)).tolist()


def make_design(rng, i, earlier):
    roll = rng.random()
    if earlier and roll < 0.15:
        # A near miss: an earlier sock or glove's colours and outline with another pattern.
        textiles = [e for e in earlier if e["product"] != "buttons"]
        if textiles:
            original = rng.choice(textiles)
            kinds = [k for k in PATTERNS if k != original["pattern"]]
            return dict(original, id=i, pattern=rng.choice(kinds), pattern_seed=rng.randrange(1 << 30))
    product = "sock" if roll < 0.5 else "glove" if roll < 0.8 else "buttons"
    colours = [random_colour(rng) for _ in range(rng.choice([2, 2, 3, 4]))]
    design = dict(id=i, product=product, pattern=rng.choice(PATTERNS), colours=colours, pattern_seed=rng.randrange(1 << 30),
                  trim=random_colour(rng) if rng.random() < 0.4 else None)
    if product == "sock":
        design["shape"] = dict(leg=rng.uniform(40, 55), foot=rng.uniform(28, 40), width=rng.uniform(16, 22), drop=rng.uniform(-3, 3),
                               cuff=design["trim"] is not None, cuff_len=rng.uniform(5, 12), toe=rng.random() < 0.5)
    elif product == "glove":
        design["shape"] = dict(palm_w=rng.uniform(34, 42), palm_h=rng.uniform(30, 38),
                               fingers=[rng.uniform(22, 28), rng.uniform(28, 34), rng.uniform(26, 32), rng.uniform(18, 24)],
                               thumb=rng.uniform(16, 22), thumb_angle=rng.uniform(35, 60), cuff_len=rng.uniform(10, 16),
                               cuff=design["trim"] is not None)
    else:
        design["pattern"] = "solid"
        count, holes, radius = rng.randint(3, 6), rng.choice([2, 4]), rng.uniform(8, 13)
        buttons = []
        for _ in range(1000):
            if len(buttons) == count:
                break
            bx, by = rng.uniform(18, 82), rng.uniform(18, 82)
            br = radius * rng.uniform(0.97, 1.03)
            if clear_of(buttons, bx, by, br):
                buttons.append((bx, by, br, holes))
        count = len(buttons)  # as many as fitted on the canvas
        design["shape"] = dict(buttons=buttons, count=count, holes=holes, diameter_mm=round(radius * 1.8, 1))
    return design


PATTERNS = ["solid", "stripes", "dots", "checks", "argyle", "chevron", "motif", "heather"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--designs", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--masks", action="store_true",
                        help="also write each photo's true outline as NAME.mask.png (white = item), for photolab segmentation --photos")
    parser.add_argument("--scatter-buttons", action="store_true",
                        help="lay each button set out anew for its second photo (the same buttons elsewhere), as two owners would")
    args = parser.parse_args()
    os.makedirs(args.directory, exist_ok=True)
    rng = random.Random(args.seed)
    designs = []
    for i in range(args.designs):
        designs.append(make_design(rng, i, designs))
    with open(os.path.join(args.directory, "manifest.tsv"), "w") as manifest:
        for design in designs:
            for shot in (0, 1):
                photo, quality, truth = photograph(design, shot, args.seed, args.scatter_buttons)
                name = f"{design['id']:05d}-{shot}.jpg"
                photo.save(os.path.join(args.directory, name), quality=quality)
                if args.masks:
                    truth.save(os.path.join(args.directory, name[:-len(".jpg")] + ".mask.png"))
                if design["product"] == "sock":
                    product, attributes = "sock", "-"
                elif design["product"] == "glove":
                    product, attributes = "glove", "hand=" + ("right" if shot == 1 else "left")
                else:
                    shape = design["shape"]
                    product = "button-set"
                    attributes = f"count={shape['count']},holes={shape['holes']},diameter_mm={shape['diameter_mm']}"
                manifest.write(f"{design['id']}\t{shot}\t{product}\t{name}\t{attributes}\n")
    print(f"wrote {2 * len(designs)} photos of {len(designs)} designs (seed {args.seed}) and manifest.tsv to {args.directory}")


if __name__ == "__main__":
    main()
