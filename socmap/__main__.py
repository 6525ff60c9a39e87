"""``python -m socmap``: the command line, as the ``socmap`` script runs it.

Processes that socmap starts itself (the worker beside ``socmap serve``) run this rather than
``python -m socmap.cli``: run as ``__main__``, cli.py would be imported a second time by the command
modules that import its helpers, and that second import finds the first half-made.
"""

from socmap.cli import main

main()
