"""Tests that turn each promise of design.md section 2 into something that fails if it breaks."""
