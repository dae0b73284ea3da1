"""The app's screens. Each receives what it needs in its constructor and returns results with
dismiss(); none runs SQL."""
