from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from parcours.forms import PasswordResetRequestForm
from parcours.views import accounts, parcours, space

app_name = "parcours"

PASSWORD_RESET_EMAIL = {
    "email_template_name": "accounts/email/password_reset.txt",
    "subject_template_name": "accounts/email/password_reset_subject.txt",
}

urlpatterns = [
    path("parcours/", parcours.parcours_list, name="list"),
    path("parcours/<slug:slug>/", parcours.parcours_detail, name="detail"),
    path("parcours/<slug:slug>/commencer/", parcours.parcours_start, name="start"),
    path("parcours/<slug:slug>/attestation/", parcours.attestation, name="attestation"),
    path("parcours/<slug:slug>/attestation/<slug:niveau>/", parcours.attestation, name="attestation_depth"),
    path("parcours/<slug:slug>/<slug:step_slug>/", parcours.step_detail, name="step"),
    path("parcours/<slug:slug>/<slug:step_slug>/statut/", parcours.step_status, name="step_status"),
    path("parcours/<slug:slug>/<slug:step_slug>/notes/", parcours.step_note, name="step_note"),
    path("mon-espace/", space.dashboard, name="dashboard"),
    path("mon-espace/mes-notes.<str:extension>", space.notes_export, name="notes_export"),
    path("mon-espace/fiches/<slug:slug>/", space.fiche_save, name="fiche_save"),
    path("compte/", accounts.account, name="account"),
    path("compte/inscription/", accounts.signup, name="signup"),
    path("compte/connexion/", accounts.LoginView.as_view(), name="login"),
    path("compte/deconnexion/", accounts.logout_view, name="logout"),
    path("compte/suppression/", accounts.account_delete, name="account_delete"),
    path(
        "compte/mot-de-passe/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("parcours:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "compte/mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "compte/mot-de-passe-oublie/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=PasswordResetRequestForm,
            success_url=reverse_lazy("parcours:password_reset_done"),
            **PASSWORD_RESET_EMAIL,
        ),
        name="password_reset",
    ),
    path(
        "compte/mot-de-passe-oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "compte/reinitialisation/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("parcours:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "compte/reinitialisation/terminee/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
