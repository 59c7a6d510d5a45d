"""Run axe-core (WCAG 2.1 A and AA rules) on the page a Playwright page shows."""

from pathlib import Path

AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Pages of sitemap.xml that test_journey.py audits on SQLite only: on PostgreSQL the sweep audits every page of the
# sitemap with the same audit (test_accessibility_sweep.py, which checks these are still among them).
SWEPT_PAGES = [
    "/",
    "/referentiel/",
    "/leviers/financement/",
    "/leviers/alliances/alliances-de-moyens/",
    "/fiches/",
    "/fiches/equilibrer-son-modele-socio-economique/",
    "/portes-d-entree/",
    "/accessibilite/",
    "/feuilles-de-travail/",
    "/feuilles-de-travail/etat-des-lieux-en-trois-colonnes/",
]

_RUN = """async (tags) => {
  // Only violations are read: skipping the passes and incomplete lists makes each audit several times faster.
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


def axe_violations(page):
    """The list of violations (id, impact, help, first nodes); empty when the page passes."""
    # After a click on a link, the next page may be committed but not yet parsed (no <head> to add the script to),
    # and its style sheets not applied (axe reads the colours): audit it once it has loaded.
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE_PATH))
    return page.evaluate(_RUN, WCAG_TAGS)
