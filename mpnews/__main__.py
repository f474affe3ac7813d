"""``python -m mpnews`` is the ``mpnews`` command."""

from mpnews.cli import main

raise SystemExit(main())
