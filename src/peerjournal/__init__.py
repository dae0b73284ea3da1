"""peerjournal: a private, encrypted, offline journal for peer supporters."""

__version__ = "0.1.0"
