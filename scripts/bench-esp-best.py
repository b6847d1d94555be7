#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Merge the JSON of several scripts/bench-esp.sh runs into one table.

    scripts/bench-esp-best.py run1.json run2.json ... > table.md

On a shared machine other load only ever lowers a figure, so each row
takes the best espgw figure and the best raw crypto figure of all runs
(bench-esp.sh already takes the best of its slices and raw runs within
one run), and the ratios are computed again from those.  Prints a
Markdown table: encap first, then by algorithm, frame, SAs and workers.
"""
import json
import sys


def key(row, **change):
    k = dict(algorithm=row["algorithm"], direction=row["direction"],
             frame=row["frame"], sas=row["sas"], workers=row["workers"])
    k.update(change)
    return tuple(sorted(k.items()))


def best_of(files):
    best = {}
    for name in files:
        with open(name) as f:
            for row in json.load(f):
                k = key(row)
                if k not in best:
                    best[k] = dict(row)
                    continue
                b = best[k]
                b["mpps"] = max(b["mpps"], row["mpps"])
                b["raw_mpps"] = max(b["raw_mpps"], row["raw_mpps"])
    order = sorted(best, key=lambda k: (
        best[k]["direction"] != "encap", best[k]["algorithm"],
        best[k]["frame"], best[k]["sas"], best[k]["workers"]))
    return order, best


def ratio(num, den):
    return f"{num / den:.2f}" if den else "-"


def main(files):
    if not files:
        sys.exit(__doc__)
    order, best = best_of(files)
    print("| algorithm | dir | frame | SAs | workers | Mpps | raw Mpps "
          "| ratio | /1 SA | scaling |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k in order:
        r = best[k]
        one_sa = best.get(key(r, sas=1))
        one_worker = best.get(key(r, workers=1))
        vs_1sa = (ratio(r["mpps"], one_sa["mpps"])
                  if r["sas"] != 1 and one_sa else "-")
        scaling = (ratio(r["mpps"], one_worker["mpps"])
                   if r["workers"] != 1 and one_worker else "-")
        print(f"| {r['algorithm']} | {r['direction']} | {r['frame']} "
              f"| {r['sas']} | {r['workers']} | {r['mpps']:.3f} "
              f"| {r['raw_mpps']:.3f} "
              f"| {ratio(r['mpps'], r['workers'] * r['raw_mpps'])} "
              f"| {vs_1sa} | {scaling} |")


if __name__ == "__main__":
    main(sys.argv[1:])
