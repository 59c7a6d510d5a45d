from django.urls import path

from diagnostic.views import dossier, governance, members, organisations, snapshots, spaces

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
    # Shared spaces: creating one, or sharing a personal diagnostic.
    path("mon-modele/nouvel-espace/", spaces.create, name="space_create"),
    path("mon-modele/<int:pk>/partager/", spaces.share, name="space_share"),
    # Members and invitations.
    path("mon-modele/<int:pk>/membres/", members.members, name="members"),
    path("mon-modele/<int:pk>/membres/<int:member_pk>/role/", members.role, name="member_role"),
    path("mon-modele/<int:pk>/membres/<int:member_pk>/retirer/", members.remove, name="member_remove"),
    path("mon-modele/<int:pk>/quitter/", members.leave, name="space_leave"),
    path("mon-modele/<int:pk>/invitations/<int:invitation_pk>/renvoyer/", members.resend, name="invitation_resend"),
    path("mon-modele/<int:pk>/invitations/<int:invitation_pk>/retirer/", members.withdraw,
         name="invitation_withdraw"),
    path("invitation/<str:token>/", members.accept, name="invitation_accept"),
    # The 8-step method worked on together: steps, the board's questions, decisions, comments, history.
    path("mon-modele/<int:pk>/demarche/", governance.method, name="method"),
    path("mon-modele/<int:pk>/demarche/<slug:step_slug>/", governance.method_step, name="method_step"),
    path("mon-modele/<int:pk>/decisions/", governance.decisions, name="decisions"),
    path("mon-modele/<int:pk>/decisions/<int:decision_pk>/supprimer/", governance.decision_remove,
         name="decision_delete"),
    path("mon-modele/<int:pk>/commentaires/", governance.comment_add, name="comment_add"),
    path("mon-modele/<int:pk>/historique/", governance.history, name="history"),
    # What the board receives.
    path("mon-modele/<int:pk>/dossier/", dossier.dossier, name="dossier"),
    path("mon-modele/<int:pk>/dossier.pdf", dossier.dossier_pdf, name="dossier_pdf"),
]
