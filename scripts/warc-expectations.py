#!/usr/bin/env python3
"""Expected records of the WARC/ARC test files, from warcio (an independent reader).

Writes fixtures/warc/expected.json: for each file (by name), the record types in order and, for
each record, its target URI and the SHA-256 of its payload as warcio's content_stream() gives it
(HTTP chunked and gzip/deflate content coding removed). Files warcio cannot read to the end get
what it read before failing, and the error. Sieve's tests compare its reader against this.

Usage: pip install warcio==1.7.4; scripts/warc-expectations.py ../shared/data/warc > fixtures/warc/expected.json
"""
import glob, hashlib, json, os, sys
from warcio.archiveiterator import ArchiveIterator

root = sys.argv[1]
out = {}
for path in sorted(glob.glob(os.path.join(root, "*", "*"))):
    name = os.path.basename(path)
    if not any(x in name for x in (".warc", ".arc")) or name.endswith((".paths.gz", ".cdx.gz")):
        continue
    records, error = [], None
    try:
        with open(path, "rb") as f:
            for r in ArchiveIterator(f, arc2warc=True):
                payload = r.content_stream().read()
                records.append({
                    "type": r.rec_type,
                    "url": r.rec_headers.get_header("WARC-Target-URI"),
                    "sha256": hashlib.sha256(payload).hexdigest(),
                    "bytes": len(payload),
                })
    except Exception as e:  # broken on purpose: keep what was read
        error = f"{type(e).__name__}: {e}"[:200]
    out[name] = {"folder": os.path.basename(os.path.dirname(path)), "records": records, "error": error}
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
