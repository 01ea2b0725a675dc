"""Things that change the world, each in one transaction with its events."""
