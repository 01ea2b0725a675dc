"""The Rasa project (config.yml, domain.yml, data/) and the client the app uses to ask it."""
