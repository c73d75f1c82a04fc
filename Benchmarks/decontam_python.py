#!/usr/bin/env python3
"""Peer for `sieve bench decontaminate`: GPT-3-style 13-gram decontamination written plainly in
Python, as evaluation harnesses do it (lowercase, punctuation removed, a set of the evaluation
n-grams held in memory, every document n-gram looked up). Standard library only.

Usage: python3 Benchmarks/decontam_python.py [CORPUS] [EVALS] [N]
(defaults: /tmp/sieve-bench/decontam/corpus.jsonl, evals.jsonl, 13; see scripts/make-decontam-bench-input)
Prints the index build time and size in memory, then docs/s and MB/s per core over the corpus
(CPU time of the process, JSON parsing included, as in Sieve's "with JSONL parsing" line).
"""
import json, re, resource, sys, time

corpus = sys.argv[1] if len(sys.argv) > 1 else "/tmp/sieve-bench/decontam/corpus.jsonl"
evals = sys.argv[2] if len(sys.argv) > 2 else "/tmp/sieve-bench/decontam/evals.jsonl"
n = int(sys.argv[3]) if len(sys.argv) > 3 else 13
punct = re.compile(r"[^\w\s]")


def ngrams(text):
    words = punct.sub("", text.lower()).split()
    return (hash(" ".join(words[i:i + n])) for i in range(len(words) - n + 1))


wall, cpu = time.perf_counter(), time.process_time()
index = set()
with open(evals) as f:
    for line in f:
        index.update(ngrams(json.loads(line)["text"]))
print(f"python index: {len(index)} distinct {n}-grams in {time.perf_counter() - wall:.1f} s wall, "
      f"{time.process_time() - cpu:.1f} s CPU; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")

wall, cpu = time.perf_counter(), time.process_time()
docs = dirty = size = 0
with open(corpus) as f:
    for line in f:
        text = json.loads(line)["text"]
        docs += 1
        size += len(text.encode())
        if any(h in index for h in ngrams(text)):
            dirty += 1
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(f"python filter: {docs} docs, {dirty} contaminated, {size / 1e6:.1f} MB in {wall:.1f} s wall, {cpu:.1f} s CPU = "
      f"{docs / cpu:.0f} docs/s per core, {size / 1e6 / cpu:.1f} MB/s per core; "
      f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")
