from __future__ import annotations

from socmap.engines.render.profile_charts import district_map_svg, map_alt


def test_the_district_map_shades_each_district_and_escapes_its_name() -> None:
    svg = district_map_svg(
        {"GL51": 10, "GL1": 2, "<b>": 1}, {"GL51": (51.9, -2.1), "GL1": (51.86, -2.24)}, title="Reports"
    )
    assert svg.startswith("<svg") and "GL51" in svg and "&lt;b&gt;" in svg and "<b>" not in svg


def test_the_map_has_alt_text_naming_the_busiest_districts() -> None:
    assert map_alt({"GL51": 10, "GL1": 2}, what="reports").endswith("GL51 (10), GL1 (2).")
