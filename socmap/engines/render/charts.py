"""Charts as SVG: a Vega-Lite spec drawn on the server, with the same Vega-Lite the pages load.

Drawing takes a few hundred milliseconds (vl-convert runs Vega in an embedded JavaScript engine),
while the same spec always draws the same picture; so a drawing is remembered by the spec's text,
and a chart asked for again (a report refreshed, a page reloaded) costs a dictionary look-up.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

VEGALITE_VERSION = "6.4"  # the Vega-Lite the pages load (socmap/static/vendor/VERSIONS.txt)


def chart_svg(spec: dict[str, Any]) -> str:
    """The chart as SVG text. Specs that are equal as JSON share one drawing."""
    return _draw(json.dumps(spec, sort_keys=True, default=str))


@lru_cache(maxsize=256)
def _draw(spec_json: str) -> str:
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(vl_spec=json.loads(spec_json), vl_version=VEGALITE_VERSION)
    return svg
