"""The one safe way to print data through Rich on the command line.

Rich reads ``[...]`` in printed text as markup: a record, a page or an error message quoting
``[/comment]`` or ``[red]`` would crash the command (``MarkupError``) or change what it shows. socmap
writes its own markup and slots data in through ``markup`` (or ``escape``), and gives table cells
from data as ``plain`` text, which Rich never reads as markup:

    console.print(markup("[green]{file}[/]: {rows} rows", file=path.name, rows=f"{n:,}"))
    table.add_row(plain(threat.title), plain(threat.owner.name))
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text

__all__ = ["escape", "markup", "plain"]


def markup(template: str, /, **data: object) -> str:
    """socmap's own Rich markup ``template`` with each ``{name}`` filled by data, escaped."""
    return template.format(**{name: escape(str(value)) for name, value in data.items()})


def plain(value: object) -> Text:
    """Data as a Rich text that is never read as markup (for table cells and titles)."""
    return Text("" if value is None else str(value))
