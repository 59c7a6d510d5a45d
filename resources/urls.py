from django.urls import path

from resources import feeds
from resources.views import catalogue, glossary, referentiel, vocabulary, worksheet

app_name = "resources"

urlpatterns = [
    path("referentiel/", referentiel.referentiel, name="referentiel"),
    path("statut-de-l-information/", referentiel.information_status, name="information_status"),
    path("fiches/", catalogue.fiche_list, name="fiche_list"),
    path("fiches/flux.atom", feeds.fiche_feed, name="fiche_feed"),
    path("fiches/<slug:slug>/", catalogue.fiche_detail, name="fiche_detail"),
    path("glossaire/", glossary.glossary_index, name="glossary_index"),
    path("glossaire/<slug:slug>/", glossary.glossary_detail, name="glossary_detail"),
    path("feuilles-de-travail/", worksheet.worksheet_list, name="worksheet_list"),
    path("feuilles-de-travail/<slug:slug>/", worksheet.worksheet_detail, name="worksheet_detail"),
    path("feuilles-de-travail/<slug:slug>.docx", worksheet.worksheet_docx, name="worksheet_docx"),
    path("feuilles-de-travail/<slug:slug>.ods", worksheet.worksheet_ods, name="worksheet_ods"),
    path("leviers/<slug:slug>/", vocabulary.lever_detail, name="lever_detail"),
    path("leviers/<slug:lever_slug>/<slug:slug>/", vocabulary.component_detail, name="component_detail"),
    # Last: the generic vocabulary pages (/regions/, /domaines/…); unknown prefixes give the 404.
    path("<slug:kind>/", vocabulary.vocabulary_index, name="vocabulary_index"),
    path("<slug:kind>/<slug:slug>/", vocabulary.vocabulary_detail, name="vocabulary_detail"),
]
