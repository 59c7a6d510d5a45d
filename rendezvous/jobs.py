"""What ``manage.py send_due`` does, in order: each pruner deletes what is kept no longer (sent e-mails after 30
days, subscriptions never confirmed), each producer queues the e-mails that are due (one row per key: a second run
queues nothing), then the outbox sends what is pending. Producers take ``now`` and return how many e-mails they
queued, pruners how many rows they deleted; each has a label for the command's last line."""

from rendezvous.alerts import alerts_due, alerts_prune
from rendezvous.letter import letters_due
from rendezvous.letter_subscriptions import subscribers_prune
from rendezvous.review_digest import review_digest_due

# Labels in the singular and the plural (« 0 alerte », « 1 alerte », « 2 alertes »).
PRODUCERS = [  # ((singular, plural), function(now) -> int)
    (("e-mail de la lettre", "e-mails de la lettre"), letters_due),
    (("alerte", "alertes"), alerts_due),
    (("résumé «\u00a0À relire\u00a0»", "résumés «\u00a0À relire\u00a0»"), review_digest_due),
]
PRUNERS = [  # ((singular, plural), function(now) -> int)
    (("abonnement à la lettre jamais confirmé", "abonnements à la lettre jamais confirmés"), subscribers_prune),
    (("alerte jamais confirmée", "alertes jamais confirmées"), alerts_prune),
]
