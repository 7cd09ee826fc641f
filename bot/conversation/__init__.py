"""The channel-agnostic conversation core: students' messages in, replies out."""
