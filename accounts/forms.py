"""Forms of the accounts: sign-up, log-in, profile, deletion, password reset; French labels and messages."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db.models.functions import Lower

from core.text import normalise_email
from accounts.models import Profile
from resources.form_fields import actor_profile_field, region_field


class SignupForm(forms.Form):
    """Checks what was typed, never the database: the same answer, in the same time, for any address."""

    email = forms.EmailField(
        label="Adresse e-mail", max_length=150, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    display_name = forms.CharField(
        label="Nom et prénom (facultatif)",
        max_length=150,
        required=False,
        help_text="Affiché sur vos attestations de parcours et aux membres des espaces partagés que vous rejoignez.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        # Whether the address has an account is none of the form's business: the answer would tell (accounts.services).
        return normalise_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif password1:
            candidate = get_user_model()(username=cleaned.get("email", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SignupConfirmForm(forms.Form):
    """Activating an account: the password chosen at sign-up, unless the link is opened in the browser that signed up.

    Without it, someone who signed up with another person's address could have that person activate, by one click,
    an account whose password the intruder knows.
    """

    password = forms.CharField(
        label="Mot de passe choisi à l’inscription",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, ask_password=True, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if not ask_password:
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "Ce n’est pas le mot de passe choisi à l’inscription. Oublié\u00a0? Inscrivez-vous à nouveau avec la "
                "même adresse\u00a0: un nouveau lien vous sera envoyé.",
                code="password_incorrect",
            )
        return password


def login_username(typed):
    """The username an e-mail (any case, spaces around) logs in as; other text is taken as a username.

    Staff accounts created with createsuperuser may have a username of their own.
    """
    # NUL would reach PostgreSQL (which refuses it) when the throttle looks up an unvalidated log-in.
    value = " ".join(str(typed).replace("\x00", "").split())
    matches = list(
        get_user_model()
        .objects.annotate(lower_email=Lower("email"))
        .filter(lower_email=value.lower())
        .values_list("username", flat=True)[:2]
    )
    return matches[0] if len(matches) == 1 else value.lower() if "@" in value else value


class LoginForm(AuthenticationForm):
    """Log in with the e-mail address (accounts made by the hub use it as their username)."""

    username = forms.CharField(
        label="Adresse e-mail",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": (
            "Adresse e-mail ou mot de passe incorrect. Vérifiez la saisie (majuscules comprises pour le mot de passe)."
        ),
        "inactive": "Ce compte est désactivé.",
    }

    def clean_username(self):
        return login_username(self.cleaned_data["username"])


class ProfileForm(forms.ModelForm):
    display_name = forms.CharField(
        label="Nom et prénom", max_length=150, required=False,
        help_text="Affiché sur vos attestations et aux membres des espaces partagés que vous rejoignez."
    )
    actor_profile = actor_profile_field()
    region = region_field()

    class Meta:
        model = Profile
        fields = ["display_name", "actor_profile", "region"]


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Votre mot de passe, pour confirmer",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "Mot de passe incorrect\u00a0: votre compte n’a pas été supprimé.", code="password_incorrect"
            )
        return password


class PasswordResetRequestForm(PasswordResetForm):
    """Django's form, with the label the rest of the hub uses (« Adresse e-mail », never « Courriel »)."""

    email = forms.EmailField(
        label="Adresse e-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
