"""Tickets: the question a student handed to a unit, its deadlines, history and messages."""
