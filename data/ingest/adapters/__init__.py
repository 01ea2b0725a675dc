"""Adapters: real delivery-system webhooks translated into canonical events."""
