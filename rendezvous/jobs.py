"""What ``manage.py send_due`` does, in order: each pruner deletes what is kept no longer (sent e-mails after 30
days, subscriptions never confirmed), each producer queues the e-mails that are due (one row per key: a second run
queues nothing), then the outbox sends what is pending. Producers take ``now`` and return how many e-mails they
queued, pruners how many rows they deleted; each has a label for the command's last line."""

from rendezvous.alerts import alerts_due, alerts_prune
from rendezvous.letter import letters_due
from rendezvous.letter_subscriptions import subscribers_prune

PRODUCERS = [  # (label, function(now) -> int)
    ("e-mails de la lettre", letters_due),
    ("alertes", alerts_due),
]
PRUNERS = [  # (label, function(now) -> int)
    ("abonnements à la lettre jamais confirmés", subscribers_prune),
    ("alertes jamais confirmées", alerts_prune),
]
