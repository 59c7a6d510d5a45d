from django.urls import path

from parcours.views import parcours, space

app_name = "parcours"

urlpatterns = [
    path("parcours/", parcours.parcours_list, name="list"),
    path("parcours/<slug:slug>/", parcours.parcours_detail, name="detail"),
    path("parcours/<slug:slug>/commencer/", parcours.parcours_start, name="start"),
    path("parcours/<slug:slug>/attestation/", parcours.attestation, name="attestation"),
    path("parcours/<slug:slug>/attestation/<slug:niveau>/", parcours.attestation, name="attestation_depth"),
    path("parcours/<slug:slug>/<slug:step_slug>/", parcours.step_detail, name="step"),
    path("parcours/<slug:slug>/<slug:step_slug>/statut/", parcours.step_status, name="step_status"),
    path("parcours/<slug:slug>/<slug:step_slug>/notes/", parcours.step_note, name="step_note"),
    path("mon-espace/mes-notes.<str:extension>", space.notes_export, name="notes_export"),
    path("mon-espace/fiches/<slug:slug>/", space.fiche_save, name="fiche_save"),
]
