"""The GB/T 2260 region tree, read from the table python-stdnum ships (`stdnum/cn/loc.dat`).

The table keeps history: `[1983-1999]郊区,[2000-]赛罕区` is one code renamed; `[-2010]崇文区` is a code
abolished in 2010. We keep the codes in use today, under their current names.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import stdnum

from portal import reference

LOC_DAT = Path(stdnum.__file__).parent / "cn" / "loc.dat"
MUNICIPALITIES = {"11", "12", "31", "50"}
_SEGMENT = re.compile(r"^\[(\d{4})?-(\d{4})?\](.+)$")


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: int
    parent: str | None
    path: str
    full_name: str


def _current_name(raw: str) -> str | None:
    """The name in use today, or None when every segment has an end year (abolished)."""
    for segment in reversed(raw.split(",")):
        match = _SEGMENT.match(segment)
        if not match:
            return segment
        if match.group(2) is None:
            return match.group(3)
    return None


def parse_loc_dat(path: Path = LOC_DAT) -> list[RegionRow]:
    provinces: dict[str, str] = {}
    entries: list[tuple[str, str]] = []
    province = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province, rest = line.split(" ", 1)
            provinces[province] = rest.split('"')[1]
            continue
        suffix, rest = line.strip().split(" ", 1)
        name = _current_name(rest.split('"')[1])
        if suffix == "0000":
            # the province's own entry carries its current, simplified name (the header line says
            # 香港特別行政區; the entry 香港特别行政区: issue 15)
            if name:
                provinces[province] = name
            continue
        if name is None:
            continue
        entries.append((province + suffix, name))

    names = {f"{p}0000": n for p, n in provinces.items()}
    rows: dict[str, RegionRow] = {}
    for code, name in names.items():
        rows[code] = RegionRow(code, name, 1, None, code, name)
    for code, name in entries:
        if code[4:] == "00":
            if name in ("市辖区", "县") and code[:2] in MUNICIPALITIES:
                name = names[code[:2] + "0000"] + ("" if name == "市辖区" else "（县）")
            elif name == "市辖区":
                continue
            names[code] = name
    for code, _name in entries:
        province_code = code[:2] + "0000"
        if code[4:] == "00":
            if code not in names:
                continue
            full = names[province_code] if code[:2] in MUNICIPALITIES else f"{names[province_code]} {names[code]}"
            rows[code] = RegionRow(code, names[code], 2, province_code, f"{province_code}/{code}", full)
    for code, name in entries:
        if code[4:] == "00" or name == "市辖区":
            continue
        province_code = code[:2] + "0000"
        city_code = code[:4] + "00"
        parent = rows.get(city_code) or rows[province_code]
        full = f"{parent.full_name} {name}"
        rows[code] = RegionRow(code, name, 3, parent.code, f"{parent.path}/{code}", full)
    return sorted(rows.values(), key=lambda r: r.code)


def load_regions(region_model) -> int:
    """Insert the tree (idempotent: existing codes are left alone). Works with a migration's
    historical model too."""
    existing = set(region_model.objects.values_list("code", flat=True))
    rows = [r for r in parse_loc_dat() if r.code not in existing]
    region_model.objects.bulk_create(
        [
            region_model(
                code=r.code, name=r.name, level=r.level, parent_id=r.parent, path=r.path + "/", full_name=r.full_name
            )
            for r in rows
        ],
        batch_size=1000,
    )
    if rows:
        reference.changed("region")  # bulk_create sends no signal
        reference.changed(region_model._meta.db_table)  # nor to the 工作台's figures (backoffice.queues)
    return len(rows)
