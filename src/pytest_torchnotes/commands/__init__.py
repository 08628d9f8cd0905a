"""The ``torchnotes`` command and its subcommands."""
