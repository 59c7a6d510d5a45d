"""A clock the log-in limit tests move by hand (accounts.throttle._now): no sleeping."""

import datetime


class Clock:
    def __init__(self):
        self.now = datetime.datetime(2027, 1, 15, 9, 0, tzinfo=datetime.UTC)

    def __iadd__(self, seconds):
        self.now += datetime.timedelta(seconds=seconds)
        return self


def install(monkeypatch):
    from accounts import throttle

    clock = Clock()
    monkeypatch.setattr(throttle, "_now", lambda: clock.now)
    return clock
