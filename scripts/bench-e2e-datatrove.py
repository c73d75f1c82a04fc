#!/usr/bin/env python3
"""datatrove 0.10's FineWeb example (examples/fineweb.py) on one WARC, one task, one worker: the peer
of `sieve run` in scripts/bench-e2e. Blocks as in the example: WarcReader, URLFilter, Trafilatura
(favour_precision), GopherRepetition, GopherQuality, C4Quality(filter_no_terminal_punct=False),
FineWebQuality (each with its exclusion writer), JsonlWriter; then MinHash dedup (signatures, buckets,
cluster, filter; 14 buckets x 8 hashes, 5-grams) and a JsonlWriter; every stage with one worker. Left out, as on the Sieve side:
LanguageFilter (its fastText model is a download), TokensCounter and PIIFormatter. Trafilatura's
per-document timeout is wall-clock time (1 s by default): on a loaded machine most pages would time
out and be skipped unextracted, so it is 20 s here (TIMEOUT=1 for the default); timeouts are reported.

Usage: /tmp/e2e-venv/bin/python scripts/bench-e2e-datatrove.py INPUT.warc OUTDIR
Prints one JSON line: documents read, kept after filtering and after dedup, wall and CPU seconds.
"""
import json, os, resource, sys, time

import tldextract
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import MinhashDedupSignature
from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupFilter
from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.filters import (C4QualityFilter, FineWebQualityFilter, GopherQualityFilter,
                                        GopherRepetitionFilter, URLFilter)
from datatrove.pipeline.readers import JsonlReader, WarcReader
from datatrove.pipeline.writers.jsonl import JsonlWriter
from datatrove.utils.hashing import HashConfig

warc, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
url_filter = URLFilter(exclusion_writer=JsonlWriter(f"{out}/removed/1_url"))
# No network here: the public suffix list comes from the repository, as in scripts/bench-datatrove-filters.
url_filter.tldextractor = tldextract.TLDExtract(
    suffix_list_urls=["file://" + os.path.join(root, "filters/url/public_suffix_list.dat")], cache_dir=None)

def run(pipeline, logs, tasks=1):
    LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1, logging_dir=f"{out}/logs/{logs}").run()

wall, cpu = time.time(), time.process_time()
run([
    WarcReader(os.path.dirname(warc), glob_pattern=os.path.basename(warc)),
    url_filter,
    Trafilatura(favour_precision=True, timeout=float(os.environ.get("TIMEOUT", 20))),
    GopherRepetitionFilter(exclusion_writer=JsonlWriter(f"{out}/removed/3_gopher_rep")),
    GopherQualityFilter(exclusion_writer=JsonlWriter(f"{out}/removed/4_gopher_qual")),
    C4QualityFilter(filter_no_terminal_punct=False, exclusion_writer=JsonlWriter(f"{out}/removed/5_c4")),
    FineWebQualityFilter(exclusion_writer=JsonlWriter(f"{out}/removed/6_fineweb_qual")),
    JsonlWriter(f"{out}/filtered"),
], "filter")
config = MinhashConfig(hash_config=HashConfig(hash_fc="sha1", precision=64), num_buckets=14, hashes_per_bucket=8, n_grams=5)
run([JsonlReader(f"{out}/filtered"), MinhashDedupSignature(output_folder=f"{out}/signatures", config=config)], "signatures")
run([MinhashDedupBuckets(input_folder=f"{out}/signatures", output_folder=f"{out}/buckets", config=config)], "buckets",
    tasks=config.num_buckets)  # one task per bucket (datatrove requires it), run one after another
run([MinhashDedupCluster(input_folder=f"{out}/buckets", output_folder=f"{out}/remove_ids", config=config)], "cluster")
run([
    JsonlReader(f"{out}/filtered"),
    MinhashDedupFilter(input_folder=f"{out}/remove_ids", exclusion_writer=JsonlWriter(f"{out}/removed/8_dedup")),
    JsonlWriter(f"{out}/deduplicated"),
], "dedup")
wall, cpu = time.time() - wall, time.process_time() - cpu
children = resource.getrusage(resource.RUSAGE_CHILDREN)

def stat(logs, step, key):
    value = json.load(open(f"{out}/logs/{logs}/stats.json"))[step]["stats"].get(key, 0)
    return value["total"] if isinstance(value, dict) else value

print(json.dumps({"documents": stat("filter", 0, "documents"), "extraction_timeouts": stat("filter", 2, "timeout"),
                  "filtered": stat("filter", 7, "total"), "kept": stat("dedup", 2, "total"), "wall_s": round(wall, 1),
                  "cpu_s": round(cpu + children.ru_utime + children.ru_stime, 1)}))
