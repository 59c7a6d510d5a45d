"""« Mes notes » as a file: Markdown or plain text, grouped by parcours and step."""

NOTE_FORMATS = {"md": "text/markdown; charset=utf-8", "txt": "text/plain; charset=utf-8"}


def notes_document(outlines, extension, today):
    """(content type, text) of every note of these outlines, in parcours and step order."""
    markdown = extension == "md"
    lines = [("# " if markdown else "") + "Mes notes — Le hub des modèles socio-économiques", ""]
    lines.append(f"Exportées le {today.strftime('%d/%m/%Y')}.")
    written = 0
    for outline in outlines:
        items = [item for item in outline.steps if item.state.note]
        if not items:
            continue
        title = outline.parcours.title
        lines += ["", f"## {title}" if markdown else title.upper(), ""]
        for item in items:
            heading = f"Étape {item.number} : {item.step.title} ({item.state.status_label})"
            lines += [f"### {heading}" if markdown else heading, ""]
            if markdown:
                lines += [item.state.note, ""]
            else:
                lines += [item.state.note, "", "-" * 40]
            written += 1
    if not written:
        lines += ["", "Aucune note pour le moment."]
    return NOTE_FORMATS[extension], "\n".join(lines).rstrip() + "\n"
