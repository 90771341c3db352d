"""The virtual German eID card (skc.card): PACE, secure messaging, Restricted Identification."""
