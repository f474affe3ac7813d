"""One module per ``mpnews`` sub-command.

Each module exposes ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args, settings) -> int`` (an exit status), and may set ``DEFAULT_WAREHOUSE``.
"""

__all__: list[str] = []
