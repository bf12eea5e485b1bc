"""Plot C time / Rust time per function and input size, from bench.py's JSON.

    python bench_plot.py --out ratios.png --margin 0.10 --title TEXT results/<module>.json...

One column per function (grouped by module), one marker per input size (in
bytes or in items, as the case says; byte sizes first), a log-scale y axis,
a line at 1.0 (as fast as C) and a shaded band below it down to
1/(1+margin) (the noise margin of `cargo xtask bench --check`).
Run by `cargo xtask bench` with its venv's Python (matplotlib).
"""

import argparse
import json

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

from bench import UNITS, fmt_size  # noqa: E402

MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="the PNG to write")
    parser.add_argument("--margin", type=float, default=0.10, help="the --check noise margin")
    parser.add_argument("--title", default="oxpy: C time / Rust time (median)")
    parser.add_argument("results", nargs="+", help="JSON files written by bench.py --json")
    args = parser.parse_args()

    # (label, {(unit, size): ratio}) per function, in the order measured.
    functions = []
    for path in args.results:
        with open(path) as f:
            report = json.load(f)
        by_function = {}
        for case in report["cases"]:
            c, rust = case["timings"]["C"], case["timings"]["Rust"]
            label = f"{report['module']}.{case['function']}"
            size = (case.get("unit", "bytes"), case["size"])
            by_function.setdefault(label, {})[size] = c["median"] / rust["median"]
        functions += by_function.items()
    sizes = sorted({size for _, ratios in functions for size in ratios}, key=lambda s: (UNITS.index(s[0]), s[1]))

    fig, ax = plt.subplots(figsize=(max(8, 0.9 * len(functions) + 2), 6), dpi=120)
    ax.set_yscale("log")
    width = 0.7  # of one function's column, shared by its sizes
    for k, size in enumerate(sizes):
        xs, ys = [], []
        for i, (_, ratios) in enumerate(functions):
            if size in ratios:
                xs.append(i - width / 2 + width * (k + 0.5) / len(sizes))
                ys.append(ratios[size])
        ax.scatter(xs, ys, marker=MARKERS[k % len(MARKERS)], s=45, label=fmt_size(size[1], size[0]), zorder=3)
    ax.axhline(1.0, color="black", linewidth=1.2, zorder=2)
    ax.axhspan(1 / (1 + args.margin), 1.0, color="red", alpha=0.12, zorder=1,
               label=f"noise margin ({args.margin:.0%})")
    for i in range(1, len(functions)):  # separate the columns
        ax.axvline(i - 0.5, color="0.9", linewidth=0.8, zorder=0)
    ax.set_xticks(range(len(functions)))
    ax.set_xticklabels([label for label, _ in functions], rotation=30, ha="right")
    ax.set_xlim(-0.5, len(functions) - 0.5)
    ax.set_ylabel("C time / Rust time (log scale; above 1: Rust faster)")
    # Label 1, 2, 5 of every decade: a log axis with only 1 and 10 is hard to read.
    ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda y, _: f"{y:g}"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.grid(axis="y", which="major", color="0.85", linewidth=0.8)
    ax.set_title(args.title)
    ax.legend(title="input size", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(args.out)


if __name__ == "__main__":
    main()
