"""The organisation, its yearly figures and the members of its space, as French-language forms."""

from django import forms

from diagnostic import computation
from diagnostic.invitations import role_allows
from diagnostic.models import MAX_AMOUNT, MAX_YEAR, MIN_YEAR, Organisation, Role, Snapshot
from diagnostic.numbers import FrenchNumberField
from diagnostic.services import snapshot_year_problem
from resources.form_fields import actor_profile_field, region_field

# (legend, hint, fields) shown as one fieldset each.
GROUPS = [
    ("Richesses humaines", "Les personnes qui font vivre le projet, sur l’année.",
     ["salaried_fte", "volunteers_count", "volunteer_hours", "service_civique_months", "intern_months", "skills_days"]),
    ("Financement\u00a0: subventions", "Montants en euros reçus sur l’année.",
     ["subsidies_state", "subsidies_local", "subsidies_europe"]),
    ("Financement\u00a0: générosité et investissement sociétal", "Montants en euros sur l’année.",
     ["gifts_companies", "gifts_foundations", "gifts_individuals", "crowdfunding", "societal_investment"]),
    ("Financement\u00a0: cotisations et revenus d’activité", "Montants en euros sur l’année.",
     ["membership_fees", "revenue_public_procurement", "revenue_sales", "revenue_training", "revenue_advice",
      "revenue_pay_what_you_can", "other_income"]),
    ("Alliances\u00a0: partenariats actifs", "Le nombre d’alliances en cours dans l’année, pour mémoire\u00a0: "
     "il figure dans le tableau «\u00a0Personnes et partenariats\u00a0» de votre résultat, et le questionnaire "
     "ci-dessous dit comment vous les activez.",
     ["partnerships_positioning", "partnerships_production", "partnerships_means"]),
    ("Contributions en nature", "Valeur estimée en euros de ce que l’on vous apporte sans facture\u00a0: "
     "elle est montrée à côté de votre budget, jamais ajoutée à lui.",
     ["in_kind_premises", "in_kind_equipment", "in_kind_services"]),
]
NO_ANSWER = "Pas encore répondu"
INTEGER_FIELDS = {"volunteers_count", "partnerships_positioning", "partnerships_production", "partnerships_means"}


class OrganisationForm(forms.ModelForm):
    actor_profile = actor_profile_field()
    region = region_field()

    class Meta:
        model = Organisation
        fields = ["name", "actor_profile", "region"]
        labels = {"name": "Nom de l’organisation"}
        error_messages = {"name": {"required": "Indiquez le nom de l’organisation.", "max_length": "200 caractères au plus."}}

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Indiquez le nom de l’organisation.")
        return name


class SnapshotForm(forms.ModelForm):
    """One year of figures; empty boxes count as zero, but a year with nothing at all is refused."""

    year = forms.IntegerField(
        label="Année",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={
            "required": "Indiquez l’année.",
            "invalid": "Saisissez une année en chiffres, par exemple 2025.",
            "min_value": f"L’année doit être comprise entre {MIN_YEAR} et {MAX_YEAR}.",
            "max_value": f"L’année doit être comprise entre {MIN_YEAR} et {MAX_YEAR}.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4}),
    )

    class Meta:
        model = Snapshot
        fields = ["year", *Snapshot.figure_fields(), *Snapshot.level_fields()]

    def __init__(self, *args, organisation, is_target=False, descriptors=None, previous=None, **kwargs):
        """``descriptors``: {(component slug, level): text}; ``previous``: the snapshot whose answers pre-fill a
        new year's questionnaire."""
        self.organisation, self.is_target = organisation, is_target
        self.descriptors, self.previous = descriptors or {}, previous
        if previous is not None and not kwargs.get("instance"):
            kwargs["initial"] = {**previous.levels(), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        for name, (_, _, label) in computation.ACTIVATION_FIELDS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", NO_ANSWER), *((level, text) for level, text in computation.LEVELS.items())],
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choisissez l’un des niveaux proposés."},
            )
        for name in Snapshot.figure_fields():
            model_field = Snapshot._meta.get_field(name)
            integer = name in INTEGER_FIELDS
            limit = 10**7 if name == "salaried_fte" else 10**9 if integer else MAX_AMOUNT
            label = model_field.verbose_name[:1].upper() + model_field.verbose_name[1:]
            if name in computation.FINANCIAL_SOURCES:
                label += " (€)"
            self.fields[name] = FrenchNumberField(label=label, max_value=limit, integer=integer)
        if is_target:
            self.fields["year"].label = "Année visée"

    def groups(self):
        return [(legend, hint, [self[name] for name in names]) for legend, hint, names in GROUPS]

    def questionnaire(self):
        """[(lever label, [(bound field, [(value, level label, descriptor, checked)])])] in the référentiel's order."""
        levers = {}
        for name, (lever, slug, _) in computation.ACTIVATION_FIELDS.items():
            bound = self[name]
            current = bound.value()
            current = "" if current in (None, "") else str(current)
            options = [("", NO_ANSWER, "", current == "")]
            options += [(str(level), label, self.descriptors.get((slug, level), ""), current == str(level))
                        for level, label in computation.LEVELS.items()]
            levers.setdefault(computation.LEVER_LABELS[lever], []).append((bound, options))
        return list(levers.items())

    def clean_year(self):
        """The year rule (diagnostic.services.snapshot_year_problem), checked again when the year is saved."""
        year = self.cleaned_data["year"]
        problem = snapshot_year_problem(
            organisation=self.organisation, year=year, is_target=self.is_target, exclude_pk=self.instance.pk
        )
        if problem:
            raise forms.ValidationError(problem)
        return year

    def clean(self):
        cleaned = super().clean()
        figures = [cleaned.get(name) for name in Snapshot.figure_fields()]
        answers = [cleaned.get(name) for name in Snapshot.level_fields()]
        if not self.errors and not any(figures) and all(answer is None for answer in answers):
            raise forms.ValidationError(
                "Cette année est vide\u00a0: saisissez au moins un montant ou un chiffre, ou répondez au questionnaire "
                "des trois leviers."
            )
        return cleaned


class InvitationForm(forms.Form):
    """Whom to invite to a space, and with which role."""

    email = forms.EmailField(
        label="Adresse e-mail de la personne",
        max_length=254,
        error_messages={
            "required": "Indiquez l’adresse e-mail de la personne à inviter.",
            "invalid": "Saisissez une adresse e-mail complète, par exemple prenom.nom@exemple.org.",
            "max_length": "254 caractères au plus.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Rôle dans l’espace",
        choices=Role.choices,
        initial=Role.CONTRIBUTOR,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez un rôle.", "invalid_choice": "Choisissez l’un des rôles proposés."},
    )

    def role_options(self):
        """[(radio, [what the role allows])] for the role's fieldset; each radio is described by its list."""
        options = []
        for radio in self["role"]:
            radio.data["attrs"] = {**radio.data["attrs"], "aria-describedby": f"{radio.id_for_label}_droits"}
            options.append((radio, role_allows(radio.data["value"])))
        return options


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Rôle",
        choices=Role.choices,
        error_messages={"required": "Choisissez un rôle.", "invalid_choice": "Choisissez l’un des rôles proposés."},
    )
