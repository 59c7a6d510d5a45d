from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views
from accounts.forms import PasswordResetRequestForm

app_name = "accounts"

PASSWORD_RESET_EMAIL = {
    "email_template_name": "accounts/email/password_reset.txt",
    "subject_template_name": "accounts/email/password_reset_subject.txt",
}

urlpatterns = [
    path("compte/", views.account, name="account"),
    path("compte/inscription/", views.signup, name="signup"),
    path("compte/inscription/envoyee/", views.signup_done, name="signup_done"),
    path("compte/inscription/confirmation/<uidb64>/<token>/", views.signup_confirm, name="signup_confirm"),
    path("compte/connexion/", views.LoginView.as_view(), name="login"),
    path("compte/deconnexion/", views.logout_view, name="logout"),
    path("compte/suppression/", views.account_delete, name="account_delete"),
    path("compte/mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "compte/mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "compte/mot-de-passe-oublie/",
        views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=PasswordResetRequestForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
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
        views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "compte/reinitialisation/terminee/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
