"""`python -m peerjournal` runs the same entry point as the `peerjournal` command."""

from peerjournal.cli import main

raise SystemExit(main())
