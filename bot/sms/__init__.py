"""The SMS channel: Twilio signatures, keywords, templates, segments, TwiML and the sender."""
