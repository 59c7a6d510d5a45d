#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    # A checkout without a secret key is a developer's: commands run in debug there. A server always has
    # DJANGO_SECRET_KEY, so debug stays off by default; gunicorn (hub/wsgi.py) never takes this path.
    if not os.environ.get("DJANGO_SECRET_KEY"):
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
