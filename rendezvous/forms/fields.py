"""What the rendez-vous' forms say alike: an address field's messages (never Django's « courriel »), and the short
name of a consent checkbox.

A consent checkbox is labelled by its whole sentence, which the form carries as ``consent_sentence`` (the template
writes it in the <label>); the field's own label is the short word the error summary (_form_errors.html) links to
the checkbox: a sentence of three lines would make a poor link.
"""

EMAIL_ERRORS = {
    "required": "Indiquez votre adresse e-mail.",
    "invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
}
CONSENT_SHORT_LABEL = "Accord"
