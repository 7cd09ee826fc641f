"""Understanding students' text: pure, synchronous, no I/O.

Everything here works on values handed in by the caller (a parsed knowledge base, thresholds,
an optional embedder) so the matcher can be tested and benchmarked without files or a database.
"""
