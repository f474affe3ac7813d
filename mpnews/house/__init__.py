"""The House of Commons registry: every MP since the 2024 election, keyed by ``member_id``.

``members`` reads and writes ``mpnews/data/mps.csv``; ``facts`` merges fresh facts (the shared
snapshot or the Members API) into it and says what changed; ``sites`` turns MPs' websites
into ``[[source]]`` entries; ``api`` reads the UK Parliament Members API.
"""
