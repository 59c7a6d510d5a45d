"""The rendez-vous' clock (rendezvous.event_dates.now) moved by hand: no sleeping, fixed dates that stay « to come »
whenever the suite runs."""

import datetime

from rendezvous import event_dates

NOW = datetime.datetime(2027, 1, 10, 9, 0, tzinfo=datetime.UTC)


class Clock:
    def __init__(self, now):
        self.now = now

    def __iadd__(self, delta):
        self.now += delta if isinstance(delta, datetime.timedelta) else datetime.timedelta(seconds=delta)
        return self


def freeze(monkeypatch, now=NOW):
    clock = Clock(now)
    monkeypatch.setattr(event_dates, "now", lambda: clock.now)
    return clock
