"""Exit 0 when the PostgreSQL server at the given URL answers, 1 otherwise."""

import asyncio
import sys

from tests.dbutil import postgres_answers

if __name__ == "__main__":
    sys.exit(0 if asyncio.run(postgres_answers(sys.argv[1])) else 1)
