"""Front Desk: a university's first-ask front desk chat bot."""
