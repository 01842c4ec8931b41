"""The link to a real EV3 brick over RPyC: brick setup, pairing, push, run, output and stop."""
