"""`make bench-send`: how long the job takes to queue and send one issue of « La lettre » to 10,000 subscribers.

The figures go into their own section of docs/benchmarks.md, between two markers: `make bench` rewrites the rest
of that file and keeps this section (``kept_section``), and this benchmark rewrites the section alone.
"""

import os
import platform
import time
from datetime import date, timedelta
from pathlib import Path

from django.core import mail
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from rendezvous.letter import letters_due
from rendezvous.models import Letter, LetterSubscriber, OutgoingMail
from rendezvous.outbox import outbox_send
from resources.models import Fiche

START = "<!-- make bench-send : début -->"
END = "<!-- make bench-send : fin -->"
FICHES = 30  # new fiches of the period: a full « Nouvelles fiches » section (20) and « et 10 autres »


def seed(subscribers):
    """A database with ``subscribers`` confirmed subscribers, FICHES fiches of the period and one issue due."""
    now = timezone.now()
    for n in range(FICHES):
        Fiche.objects.create(title=f"Fiche de la lettre {n}", slug=f"lettre-bench-{n:03d}", family=Fiche.Family.ACTION,
                             chapeau="Un chapeau de deux lignes, comme en ont les fiches du hub. " * 2,
                             status=Fiche.Status.PUBLISHED, published_at=now - timedelta(days=1, minutes=n))
    LetterSubscriber.objects.bulk_create(
        [LetterSubscriber(email=f"abonne{n:05d}@example.org", confirmed_at=now - timedelta(days=2))
         for n in range(subscribers)], batch_size=2000)
    Letter.objects.create(number=1, title="La lettre mesurée", intro="Une introduction **courte**.",
                          period_start=date.today() - timedelta(days=30), period_end=date.today(),
                          status=Letter.Status.PUBLISHED, published_at=now - timedelta(minutes=5))


def measure():
    """Run the job's two halves as ``send_due`` does, with the locmem backend; the figures of each."""
    load = os.getloadavg()[0]
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        started = time.perf_counter()
        queued = letters_due(timezone.now())
        queued_s = time.perf_counter() - started
        started = time.perf_counter()
        sent, failed = outbox_send()
        sent_s = time.perf_counter() - started
        started = time.perf_counter()
        again = (letters_due(timezone.now()), *outbox_send())
        again_s = time.perf_counter() - started
        delivered = len(mail.outbox)
        size = sum(len(message.message().as_bytes()) for message in mail.outbox[:100]) // max(1, min(100, delivered))
    stored = OutgoingMail.objects.count()
    return {"queued": queued, "queued_s": queued_s, "sent": sent, "failed": failed, "sent_s": sent_s,
            "again": again, "again_s": again_s, "delivered": delivered, "stored": stored, "message_bytes": size,
            "load": load}


def _fmt(number, digits=0):
    return f"{number:,.{digits}f}".replace(",", " ").replace(".", ",")


def section(figures, subscribers, when, machine):
    total = figures["queued_s"] + figures["sent_s"]
    return "\n".join([
        START,
        "## Envoi de la lettre (`make bench-send`)",
        "",
        f"Mesuré le {when} sur {machine}, charge moyenne de la machine {_fmt(figures.get('load', 0), 1)} au "
        "départ (elle est partagée : les durées varient du simple au double d’une mesure à l’autre). "
        f"Une lettre de {FICHES} fiches nouvelles (20 affichées, « et 10 autres ») "
        f"à {_fmt(subscribers)} abonnés confirmés, sur PostgreSQL, avec le backend d’e-mail `locmem` (le message "
        "entier est construit, rien ne part sur le réseau) : ce que fait `manage.py send_due`, en deux temps.",
        "",
        "| étape | e-mails | durée (s) | par e-mail (ms) |",
        "| --- | ---: | ---: | ---: |",
        f"| Mise en file (contenu figé, un rendu, une ligne par abonné, insertion par lots de 500) | "
        f"{_fmt(figures['queued'])} | {_fmt(figures['queued_s'], 1)} | "
        f"{_fmt(figures['queued_s'] * 1000 / max(1, figures['queued']), 2)} |",
        f"| Envoi (prise par lots de 100, puis l’issue de chaque e-mail validée avant le suivant) | {_fmt(figures['sent'])} | "
        f"{_fmt(figures['sent_s'], 1)} | {_fmt(figures['sent_s'] * 1000 / max(1, figures['sent']), 2)} |",
        f"| Total | {_fmt(figures['sent'])} | {_fmt(total, 1)} | "
        f"{_fmt(total * 1000 / max(1, figures['sent']), 2)} |",
        f"| Second passage (rien à faire : {figures['again'][0]} mis en file, {figures['again'][1]} envoyé) | 0 | "
        f"{_fmt(figures['again_s'], 2)} | — |",
        "",
        "L’envoi valide en base l’issue de chaque e-mail avant de passer au suivant (c’est ce qui tient la règle "
        "« au plus une fois » après un arrêt brutal) : c’est la plus grande part de son temps, devant la "
        "construction du message MIME. Prendre les e-mails un par un plutôt que par lots de 100 ajouterait une "
        "validation par e-mail. "
        f"Un e-mail fait environ {_fmt(figures['message_bytes'] / 1024, 1)} Ko (texte et HTML) ; les "
        f"{_fmt(figures['stored'])} lignes de la file sont effacées 30 jours après leur envoi. Avec un vrai serveur "
        "SMTP, l’envoi dure ce que ce serveur met à accepter chaque message (quelques millisecondes sur un relais "
        "local, bien plus chez un prestataire distant) : `send_due` tourne toutes les 5 minutes et reprend où il "
        "s’est arrêté.",
        END,
    ])


def write_section(path, text):
    """Replace the section in ``path`` (or add it at the end), leaving the rest of the file as it is."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in current and END in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1]
        updated = before + text + after
    else:
        updated = current.rstrip("\n") + ("\n\n" if current else "") + text + "\n"
    path.write_text(updated, encoding="utf-8")


def kept_section(path):
    """The section as it is in ``path`` (with a blank line before it), or "": what `make bench` keeps."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if START not in current or END not in current:
        return ""
    return "\n" + START + current.split(START, 1)[1].split(END, 1)[0] + END + "\n"


def machine_label():
    """« AMD EPYC (2 cœurs), Python 3.11.7, PostgreSQL 15.20 »."""
    cpu = platform.processor() or platform.machine()
    try:
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    database = connection.vendor
    if database == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = "PostgreSQL " + cursor.fetchone()[0].split()[0]
    return f"{cpu} ({os.cpu_count()} cœurs), Python {platform.python_version()}, {database}"
