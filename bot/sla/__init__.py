"""The 24-hour promise (接诉即办): how deadline hours are counted, when to warn, and the rates.

Deadlines are stored with each ticket in UTC; this package decides how they are computed
(`calendar`), what the sweeper must send (`schedule`, `sweeper`) and how units measure up
(`report`, `chart`), so every channel and the CLI share one reading of the policy.
"""
