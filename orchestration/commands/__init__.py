"""The `prodops` subcommands, one module per area; `orchestration/cli.py` names them."""
