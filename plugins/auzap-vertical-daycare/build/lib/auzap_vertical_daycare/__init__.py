"""Daycare and hotel stays for AuZap Console, written against the public plugin API only."""
