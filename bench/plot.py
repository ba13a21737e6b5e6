"""A small SVG line chart for docs/benchmarks.md, so the benchmarks need no
plotting package.  lines(title, xlabel, ylabel, {series: [(x, y), ...]})."""
import math

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]


def _ticks(lo, hi, n=5):
    span = hi - lo or 1
    step = 10 ** math.floor(math.log10(span / n))
    for m in (1, 2, 5, 10):
        if span / (step * m) <= n:
            step *= m
            break
    t = math.ceil(lo / step) * step
    out = []
    while t <= hi + 1e-9:
        out.append(t)
        t += step
    return out


def lines(title, xlabel, ylabel, series, log_x=False, width=640, height=400, points=True):
    """points=False: dense series (a time line) drawn as lines only, the x
    axis with round ticks instead of one label per x."""
    pts = [(x, y) for s in series.values() for x, y in s if y == y]
    xs = [x for x, _ in pts]
    fx = (lambda v: math.log10(v)) if log_x else (lambda v: v)
    x0, x1 = fx(min(xs)), fx(max(xs))
    y1 = max(y for _, y in pts) * 1.1
    L, R, T, B = 80, 20, 40, 50
    pw, ph = width - L - R, height - T - B

    def px(v):
        return L + (fx(v) - x0) / ((x1 - x0) or 1) * pw

    def py(v):
        return T + ph - v / y1 * ph

    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">' % (width, height),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="22" font-size="14" text-anchor="middle">%s</text>' % (width // 2, title)]
    for t in _ticks(0, y1):
        o.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>' % (L, L + pw, py(t), py(t)))
        o.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>' % (L - 6, py(t) + 4, format(int(t), ",")))
    for x in (sorted(set(xs)) if points else _ticks(min(xs), max(xs))):
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (px(x), T + ph + 18, x))
    o.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/>' % (L, L + pw, T + ph, T + ph))
    o.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/>' % (L, L, T, T + ph))
    o.append('<text x="%d" y="%d" text-anchor="middle">%s</text>' % (L + pw // 2, height - 10, xlabel))
    o.append('<text transform="translate(16,%d) rotate(-90)" text-anchor="middle">%s</text>' % (T + ph // 2, ylabel))
    for i, (name, s) in enumerate(series.items()):
        c = COLORS[i % len(COLORS)]
        s = [(x, y) for x, y in s if y == y]
        o.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (
            c, " ".join("%.1f,%.1f" % (px(x), py(y)) for x, y in s)))
        for x, y in (s if points else []):
            o.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>' % (px(x), py(y), c))
            o.append('<text x="%.1f" y="%.1f" text-anchor="middle" fill="%s">%s</text>' % (
                px(x), py(y) - 8, c, format(int(y), ",")))
        o.append('<text x="%d" y="%d" fill="%s">%s</text>' % (L + 10, T + 16 + 16 * i, c, name))
    o.append("</svg>")
    return "\n".join(o) + "\n"


def png_lines(path, title, xlabel, ylabel, series, log_y=False, width=900, height=500):
    """The same chart as a PNG, drawn by Debian's gnuplot (gnuplot-nox, in
    make deps): one line per series, y on a log scale when asked (RTTs of
    1 ms and 1 s on one chart)."""
    import os
    import subprocess
    import tempfile

    def quote(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    with tempfile.TemporaryDirectory() as d:
        plots = []
        for i, (name, pts) in enumerate(series.items()):
            dat = os.path.join(d, "%d.dat" % i)
            with open(dat, "w") as f:
                f.writelines("%g %g\n" % (x, y) for x, y in pts if y == y and (y > 0 or not log_y))
            plots.append("%s using 1:2 with lines lw 2 lc rgb %s title %s" % (
                quote(dat), quote(COLORS[i % len(COLORS)]), quote(name)))
        script = "\n".join([
            "set terminal png noenhanced size %d,%d" % (width, height),  # "fq_codel": no subscript
            "set output %s" % quote(path),
            "set title %s" % quote(title),
            "set xlabel %s" % quote(xlabel),
            "set ylabel %s" % quote(ylabel),
            "set key outside right",
            "set grid",
            "set logscale y" if log_y else "",
            "plot " + ", ".join(plots), ""])
        subprocess.run(["gnuplot"], input=script, text=True, check=True, timeout=60)
