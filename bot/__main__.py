"""`python -m bot`: the same as the `quotebot` command."""

import sys

from bot.cli import main

sys.exit(main())
