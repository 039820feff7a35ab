"""A small billing app that calls Aria through its own HTTP code (no aria-harness import)."""
