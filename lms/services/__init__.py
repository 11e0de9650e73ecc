"""The rules of the app. Plain arguments in, values out, domain errors raised; no requests here."""
