#!/usr/bin/env python3
"""fastwarc and warcio on the same WARC as `sieve bench warc`: every record, every payload read.

Rate = record payload bytes (WARC Content-Length, summed) per second, over wall time and over
CPU time (the rate per core on a shared machine); peak RSS of the process. Usage: python3 Benchmarks/warc_peers.py FILE [fastwarc|warcio]
pip install fastwarc warcio
"""
import resource, sys, time

def fastwarc(path):
    from fastwarc.warc import ArchiveIterator, WarcRecordType
    total = records = 0
    with open(path, "rb") as f:
        for r in ArchiveIterator(f, record_types=WarcRecordType.any_type, parse_http=True):
            r.reader.read()
            total += r.content_length
            records += 1
    return total, records

def warcio(path):
    from warcio.archiveiterator import ArchiveIterator
    total = records = 0
    with open(path, "rb") as f:
        for r in ArchiveIterator(f):
            r.content_stream().read()
            total += r.length
            records += 1
    return total, records

path = sys.argv[1]
for name in sys.argv[2:] or ["fastwarc", "warcio"]:
    start, cpu = time.perf_counter(), time.process_time()
    total, records = globals()[name](path)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"{name}: {total / 1e6:.1f} MB, {records} records in {seconds:.2f} s = {total / 1e6 / seconds:.1f} MB/s; CPU {cpu:.2f} s = {total / 1e6 / cpu:.1f} MB/s per core; peak RSS {rss / 1e6:.1f} MB")
