"""What ``manage.py send_due`` does, in order: each producer queues the e-mails that are due (one row per key: a
second run queues nothing), then the outbox sends what is pending. Producers take ``now`` and return how many
e-mails they queued, and a label for the command's last line."""

PRODUCERS = []  # (label, function(now) -> int)
