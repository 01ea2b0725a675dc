"""Processes and channels: the web app, the Slack app, the scheduler, the workers, the CLI."""
