"""A report as a list of blocks, written out as Markdown or as self-contained HTML.

The HTML has its stylesheet inline and every plot embedded as a base64 PNG, so
the one file can be mailed or archived on its own.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Document:
    """Blocks in reading order: ``(kind, content)``."""

    title: str
    blocks: list[tuple[str, object]] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.blocks.append(("h2", text))

    def paragraph(self, text: str) -> None:
        self.blocks.append(("p", text))

    def items(self, lines: list[str]) -> None:
        if lines:
            self.blocks.append(("ul", lines))

    def table(self, header: list[str], rows: list[list[str]], note: str = "") -> None:
        self.blocks.append(("table", (header, rows)))
        if note:
            self.blocks.append(("note", note))

    def image(self, file: str, title: str, caption: str) -> None:
        self.blocks.append(("img", (file, title, caption)))


def to_markdown(document: Document) -> str:
    """The report as Markdown (plots linked, relative to the folder)."""
    out = [f"# {document.title}", ""]
    for kind, content in document.blocks:
        if kind == "h2":
            out += [f"## {content}", ""]
        elif kind == "p":
            out += [str(content), ""]
        elif kind == "note":
            out += [f"_{content}_", ""]
        elif kind == "ul":
            out += [f"- {line}" for line in content] + [""]
        elif kind == "table":
            header, rows = content
            out.append("| " + " | ".join(header) + " |")
            out.append("| " + " | ".join("---" for _ in header) + " |")
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
            out.append("")
        elif kind == "img":
            file, title, caption = content
            out += [f"![{title}]({file})", "", f"_{caption}_", ""]
    return "\n".join(out).rstrip() + "\n"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


_STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; max-width: 72rem;
       margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #ddd; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #eee; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f4f4f4; }
tr:nth-child(even) td { background: #fafafa; }
figure { margin: 1.2rem 0; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption, .note { color: #555; font-size: .85rem; font-style: italic; }
code { background: #f4f4f4; padding: 0 .2rem; border-radius: 3px; }
"""


def _inline(text: str) -> str:
    text = html.escape(str(text), quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", text)


def to_html(document: Document, folder: Path) -> str:
    """The report as one HTML file with its plots embedded (``folder`` holds the PNGs)."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(document.title)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(document.title)}</h1>",
    ]
    for kind, content in document.blocks:
        if kind == "h2":
            out.append(f"<h2>{_inline(content)}</h2>")
        elif kind == "p":
            out.append(f"<p>{_inline(content)}</p>")
        elif kind == "note":
            out.append(f'<p class="note">{_inline(content)}</p>')
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{_inline(line)}</li>" for line in content) + "</ul>")
        elif kind == "table":
            header, rows = content
            out.append("<table><thead><tr>")
            out.append("".join(f"<th>{_inline(cell)}</th>" for cell in header))
            out.append("</tr></thead><tbody>")
            for row in rows:
                out.append("<tr>" + "".join(f"<td>{_inline(cell)}</td>" for cell in row) + "</tr>")
            out.append("</tbody></table>")
        elif kind == "img":
            file, title, caption = content
            data = base64.b64encode((folder / file).read_bytes()).decode("ascii")
            out.append(
                f'<figure><img alt="{html.escape(title)}" src="data:image/png;base64,{data}">'
                f"<figcaption>{_inline(caption)}</figcaption></figure>"
            )
    out.append("</body></html>")
    return "\n".join(out) + "\n"
