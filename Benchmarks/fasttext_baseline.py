#!/usr/bin/env python3
"""fastText peer figures for the scorer (Python only here, never in Sieve).

On the inputs of scripts/scorer_bench_inputs.py (/tmp/sieve-bench/scorer):
  * toxicity ROC-AUC on the held-out 20% of the Davidson training file, fastText supervised trained
    on the same 80% (defaults, and a tuned setting: 25 epochs, word bigrams, lr 0.5);
  * supervised training words/s/thread (fastText's own counter, 1 thread);
  * prediction docs/s on one core over the 697 crawl documents (one predict call per document).

Setup: python3 -m venv /tmp/ft-venv && /tmp/ft-venv/bin/pip install fasttext-wheel "numpy<2"
Usage: /tmp/ft-venv/bin/python Benchmarks/fasttext_baseline.py [INPUT_DIR]
"""
import json, sys, time
import fasttext

d = sys.argv[1] if len(sys.argv) > 1 else "/tmp/sieve-bench/scorer"


def auc(scores, labels):
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    pos = sum(labels)
    neg = len(labels) - pos
    return (sum(r for r, y in zip(ranks, labels) if y) - pos * (pos + 1) / 2) / (pos * neg)


test = [l.rstrip("\n").split(" ", 1) for l in open(f"{d}/davidson-test.txt")]
labels = [1 if lab == "__label__1" else 0 for lab, _ in test]
words = sum(len(l.split()) - 1 for l in open(f"{d}/davidson-train.txt"))
best = None
for name, args in (("defaults", {}), ("tuned", {"epoch": 25, "wordNgrams": 2, "lr": 0.5})):
    start = time.perf_counter()
    model = fasttext.train_supervised(f"{d}/davidson-train.txt", thread=1, seed=1, verbose=0, **args)
    seconds = time.perf_counter() - start
    epochs = args.get("epoch", 5)
    scores = []
    for _, text in test:
        got, probs = model.predict(text, k=-1)
        scores.append(dict(zip(got, probs)).get("__label__1", 0.0))
    a = auc(scores, labels)
    print(f"fastText supervised ({name} {args}): toxicity ROC-AUC {a:.4f}; "
          f"training {words * epochs / seconds:,.0f} words/s/thread (1 thread, incl. reading)")
    if best is None or a > best[1]:
        best = (model, a)

crawl = [" ".join(json.loads(l)["text"].split()) for l in open(f"{d}/crawl.jsonl")]
model = best[0]
n = 0
start = time.perf_counter()
while time.perf_counter() - start < 5:
    for text in crawl:
        model.predict(text)
    n += len(crawl)
seconds = time.perf_counter() - start
print(f"fastText predict (1 core, crawl documents): {n / seconds:,.0f} docs/s")
