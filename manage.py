#!/usr/bin/env python
"""Django's command-line utility; `socmap` is the everyday entry point."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from socmap.errors import SocmapError

    try:
        execute_from_command_line(sys.argv)
    except (SocmapError, ImproperlyConfigured) as exc:
        sys.exit(f"socmap: {exc}")


if __name__ == "__main__":
    main()
