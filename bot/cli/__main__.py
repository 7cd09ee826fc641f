"""`python -m bot.cli` runs the `frontdesk` command."""

from bot.cli import main

raise SystemExit(main())
