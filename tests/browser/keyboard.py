"""Keyboard-only helpers: reach an element by pressing Tab, as a person without a mouse does."""


def tab_to(page, css, limit=250):
    """Press Tab until the focused element matches ``css``; fail if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(css) => !!document.activeElement && document.activeElement.matches(css)", css):
            return page.locator(":focus")
    raise AssertionError(f"« {css} » n’est pas atteignable au clavier en {limit} tabulations.")
