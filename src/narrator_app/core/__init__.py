"""Rules and plain-data logic of Narrator: no Qt here."""
