#!/usr/bin/env python3
"""Writes crates/iris-core/src/places/countries.tsv: ISO 3166-1 alpha-2 code, tab, the name a
person would write (pycountry's common name where it has one, a few plainer names by hand).

    pip install pycountry && python3 scripts/make_countries.py
"""
import pathlib

import pycountry

PLAINER = {
    "KR": "South Korea",
    "KP": "North Korea",
    "TW": "Taiwan",
    "RU": "Russia",
    "VN": "Vietnam",
    "LA": "Laos",
    "MD": "Moldova",
    "BN": "Brunei",
    "CD": "DR Congo",
    "CG": "Republic of the Congo",
    "FM": "Micronesia",
    "VA": "Vatican City",
    "PS": "Palestine",
    "MK": "North Macedonia",
    "SX": "Sint Maarten",
    "MF": "Saint Martin",
    "BQ": "Caribbean Netherlands",
    "SH": "Saint Helena",
    "FK": "Falkland Islands",
    "VG": "British Virgin Islands",
    "VI": "US Virgin Islands",
    "XK": "Kosovo",
}

rows = []
for c in pycountry.countries:
    name = PLAINER.get(c.alpha_2) or getattr(c, "common_name", None) or c.name
    rows.append(f"{c.alpha_2}\t{name}")
rows.append(f"XK\t{PLAINER['XK']}")  # GeoNames uses XK for Kosovo; ISO has no code yet
out = pathlib.Path(__file__).resolve().parent.parent / "crates/iris-core/src/places/countries.tsv"
out.write_text("\n".join(sorted(set(rows))) + "\n", encoding="utf-8")
print(f"{len(rows)} countries -> {out}")
