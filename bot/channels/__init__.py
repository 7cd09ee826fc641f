"""Channels translate platform payloads into neutral messages and render replies.

The core decides; a channel never does.
"""
