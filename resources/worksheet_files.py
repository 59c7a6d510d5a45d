"""A worksheet as a file to download: DOCX (python-docx) for every sheet, ODS (odfpy) for a sheet with tables.

Both are built from the sheet's rendered, sanitised HTML (``body_html``), read once into a few blocks
(headings, paragraphs, list items, tables with their empty cells): the page, the Word file and the spreadsheet
never disagree. No Django import: the callers pass the title and the address printed at the bottom.
"""

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from docx import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.oxml import OxmlElement
from docx.shared import Cm, Mm, Pt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import ParagraphProperties, Style, TableCellProperties, TableColumnProperties, TableRowProperties, TextProperties
from odf.table import Table as OdsTable, TableCell, TableColumn, TableRow
from odf.text import P

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
# Height of a row to fill in by hand: room for two lines of handwriting.
WRITING_ROW = Cm(1.6)
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]*?:/\\']")


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    """``kind``: heading (``level`` 1 for a ``##``), paragraph, item (``level`` of nesting, ``ordered``), table."""

    kind: str
    runs: list = field(default_factory=list)
    level: int = 0
    ordered: bool = False
    header: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    @property
    def text(self):
        return "".join(run.text for run in self.runs).strip()


class _Reader(HTMLParser):
    """Reads the few elements resources.markdown lets through; anything else only passes its text on."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.block, self.lists = [], None, []
        self.bold = self.italic = 0
        self.table = self.row = self.cell = None
        self.in_head = False

    def _open(self, kind, **kwargs):
        self.block = Block(kind, **kwargs)
        self.blocks.append(self.block)

    def handle_starttag(self, tag, attrs):
        if tag in {"h2", "h3", "h4", "h5", "h6"}:
            self._open("heading", level=int(tag[1]) - 1)
        elif tag == "p" and self.cell is None and not (self.block and self.block.kind == "item"):
            self._open("paragraph")
        elif tag in {"ul", "ol"}:
            self.lists.append(tag == "ol")
        elif tag == "li":
            self._open("item", level=len(self.lists) - 1, ordered=bool(self.lists and self.lists[-1]))
        elif tag == "table":
            self.table = Block("table")
            self.blocks.append(self.table)
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in {"th", "td"} and self.row is not None:
            self.cell = []
        elif tag in {"strong", "b"}:
            self.bold += 1
        elif tag in {"em", "i"}:
            self.italic += 1
        elif tag == "br":
            self.handle_data("\n")

    def handle_endtag(self, tag):
        if tag in {"h2", "h3", "h4", "h5", "h6", "p", "li"} and self.cell is None:
            if tag != "p" or not (self.block and self.block.kind == "item"):
                self.block = None
        elif tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
            self.block = None
        elif tag in {"th", "td"} and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            (self.table.header if self.in_head else self.table.rows).append(self.row)
            self.row = None
        elif tag == "thead":
            self.in_head = False
        elif tag == "table":
            self.table = None
        elif tag in {"strong", "b"}:
            self.bold = max(0, self.bold - 1)
        elif tag in {"em", "i"}:
            self.italic = max(0, self.italic - 1)

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
            return
        if self.block is None:
            return  # white space between blocks
        text = re.sub(r"[ \t\r\n]+", " ", data) if data != "\n" else "\n"
        if not self.block.runs:
            text = text.lstrip()
        if text:
            self.block.runs.append(Run(text, bold=self.bold > 0, italic=self.italic > 0))


def read_blocks(html):
    """The blocks of a rendered body, in order; a table's ``header`` holds its head row, ``rows`` the others."""
    reader = _Reader()
    reader.feed(html or "")
    reader.close()
    blocks = []
    for block in reader.blocks:
        if block.kind == "table":
            block.header = block.header[0] if block.header else []
            blocks.append(block)
        elif block.text:
            blocks.append(block)
    return blocks


def table_titles(blocks):
    """Each table with the heading written last before it (its name in the spreadsheet)."""
    heading, found = "", []
    for block in blocks:
        if block.kind == "heading":
            heading = block.text
        elif block.kind == "table":
            found.append((heading, block))
    return found


# DOCX ----------------------------------------------------------------------------------------------------------


def _row_properties(row, *, header):
    """A row never split across two pages, the head row repeated on each page. python-docx has no public API for
    these two Word properties: they are written with its documented low-level ``oxml`` helpers on the row's
    element (``_tr``, the only way in)."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _add_runs(paragraph, runs):
    for run in runs:
        added = paragraph.add_run(run.text)
        added.bold, added.italic = run.bold or None, run.italic or None


def _docx_table(document, block):
    columns = max([len(block.header), *(len(row) for row in block.rows)] or [1])
    rows = ([block.header] if block.header else []) + block.rows
    table = document.add_table(rows=len(rows), cols=columns)
    table.style = "Table Grid"
    for index, values in enumerate(rows):
        row, header = table.rows[index], bool(block.header) and index == 0
        _row_properties(row, header=header)
        if not header and not any(value.strip() for value in values):
            row.height, row.height_rule = WRITING_ROW, WD_ROW_HEIGHT_RULE.AT_LEAST
        for column, value in enumerate(values):
            paragraph = table.cell(index, column).paragraphs[0]
            run = paragraph.add_run(value)
            run.bold = header or None
    document.add_paragraph()


def worksheet_docx(*, title, summary, blocks, footer):
    """The sheet as a Word file (bytes), on A4 with 18 mm margins, ``footer`` (title and address) on every page."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(18)
    document.styles["Normal"].font.size = Pt(10.5)
    section.footer.paragraphs[0].text = footer
    document.core_properties.title = title
    document.core_properties.language = "fr-FR"
    document.add_heading(title, level=0)
    if summary:
        document.add_paragraph().add_run(summary).italic = True
    for block in blocks:
        if block.kind == "heading":
            document.add_heading(block.text, level=min(block.level, 9))
        elif block.kind == "paragraph":
            _add_runs(document.add_paragraph(), block.runs)
        elif block.kind == "item":
            style = "List Number" if block.ordered else "List Bullet"
            _add_runs(document.add_paragraph(style=style + (f" {block.level + 1}" if block.level else "")), block.runs)
        elif block.kind == "table":
            _docx_table(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ODS -----------------------------------------------------------------------------------------------------------


def _sheet_name(heading, index, taken):
    """A sheet name LibreOffice accepts (no « : / ? * [ ] ' \\ »), short and unique."""
    name = " ".join(SHEET_NAME_FORBIDDEN.sub(" ", heading).split())[:31].strip() or f"Tableau {index}"
    unique, suffix = name, 2
    while unique in taken:
        unique, suffix = f"{name[:27]} ({suffix})", suffix + 1
    taken.add(unique)
    return unique


def _ods_styles(document):
    border = "0.5pt solid #000000"
    column = Style(name="colonne", family="table-column")
    column.addElement(TableColumnProperties(columnwidth="4.5cm"))
    head = Style(name="entete", family="table-cell")
    head.addElement(TableCellProperties(border=border, backgroundcolor="#F6F4EF", wrapoption="wrap"))
    head.addElement(TextProperties(fontweight="bold"))
    cell = Style(name="case", family="table-cell")
    cell.addElement(TableCellProperties(border=border, wrapoption="wrap", verticalalign="top"))
    cell.addElement(ParagraphProperties())
    row = Style(name="ligne", family="table-row")
    row.addElement(TableRowProperties(minrowheight="1.2cm", useoptimalrowheight="true"))
    for style in (column, head, cell, row):
        document.automaticstyles.addElement(style)
    return column, head, cell, row


def worksheet_ods(*, blocks):
    """The sheet's tables as a spreadsheet (bytes): one sheet per table, named after the heading above it, the
    head row in bold, every cell bordered, the empty rows kept (to be filled in). None when there is no table."""
    tables = table_titles(blocks)
    if not tables:
        return None
    document = OpenDocumentSpreadsheet()
    column_style, head_style, cell_style, row_style = _ods_styles(document)
    taken = set()
    for index, (heading, block) in enumerate(tables, start=1):
        sheet = OdsTable(name=_sheet_name(heading, index, taken))
        columns = max([len(block.header), *(len(row) for row in block.rows)] or [1])
        sheet.addElement(TableColumn(numbercolumnsrepeated=columns, stylename=column_style))
        for values, style in [(block.header, head_style)] * bool(block.header) + [(row, cell_style) for row in block.rows]:
            row = TableRow(stylename=row_style)
            for value in values + [""] * (columns - len(values)):
                cell = TableCell(stylename=style, valuetype="string") if value else TableCell(stylename=style)
                if value:
                    cell.addElement(P(text=value))
                row.addElement(cell)
            sheet.addElement(row)
        document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
