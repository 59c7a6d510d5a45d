"""The text folding of core.text as it was when migrations 0002 and 0003 were written (2026-11-27), frozen here so
that a later change of the live code can never change what an old migration does. Not a migration: the loader
skips modules whose name starts with an underscore."""

import unicodedata

_SEPARATORS = {"’": " ", "'": " ", "‘": " ", "-": " ", "–": " ", "—": " "}


def _fold_char(char):
    if char in _SEPARATORS:
        return " "
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
    return base if len(base) == 1 else (char.lower() if len(char.lower()) == 1 else char)


def _fold(text):
    return "".join(_fold_char(char) for char in text or "")


def _open_ligatures(text):
    return text.replace("œ", "oe").replace("æ", "ae")


def fold_words(text):
    return " ".join(_open_ligatures(_fold(text)).split())


def sort_key(text):
    return "".join(char for char in _open_ligatures(_fold(text)) if char.isalnum())[:200]
