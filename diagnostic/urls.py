from django.urls import path

from diagnostic.views import organisations, snapshots

app_name = "diagnostic"

urlpatterns = [
    path("mon-modele/", organisations.index, name="index"),
    path("mon-modele/<int:pk>/", organisations.detail, name="detail"),
    path("mon-modele/<int:pk>/rapport/", organisations.report, name="report"),
    path("mon-modele/<int:pk>/modifier/", organisations.edit, name="edit"),
    path("mon-modele/<int:pk>/supprimer/", organisations.delete, name="delete"),
    path("mon-modele/<int:pk>/export.csv", snapshots.export_csv, name="export"),
    path("mon-modele/<int:pk>/annees/ajouter/", snapshots.add, name="snapshot_add"),
    path("mon-modele/<int:pk>/annees/<int:snapshot_pk>/", snapshots.edit, name="snapshot_edit"),
    path("mon-modele/<int:pk>/annees/<int:snapshot_pk>/supprimer/", snapshots.delete, name="snapshot_delete"),
]
