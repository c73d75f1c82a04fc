#!/usr/bin/env python3
"""fastText peer figures for the scorer (Python only here, never in Sieve).

On the inputs of scripts/scorer_bench_inputs.py (/tmp/sieve-bench/scorer):
  * toxicity ROC-AUC on the held-out 20% of the Davidson training file, fastText supervised trained
    on the same 80% (defaults, and a tuned setting: 25 epochs, word bigrams, lr 0.5);
  * supervised training words/s/thread (fastText's own counter, 1 thread);
  * prediction docs/s on one core over the 697 crawl documents (one predict call per document);
  * skip-gram training words/s/thread on the first 3,000 book passages, 1 epoch, with the settings
    of Sieve's defaults (dim 32, window 5, 5 negatives, 3-5-grams, t=1e-4, minCount 1), 1 thread.

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
    start, cpu = time.perf_counter(), time.process_time()
    model = fasttext.train_supervised(f"{d}/davidson-train.txt", thread=1, seed=1, verbose=0, **args)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    epochs = args.get("epoch", 5)
    scores = []
    for _, text in test:
        got, probs = model.predict(text, k=-1)
        scores.append(dict(zip(got, probs)).get("__label__1", 0.0))
    a = auc(scores, labels)
    print(f"fastText supervised ({name} {args}): toxicity ROC-AUC {a:.4f}; "
          f"training {words * epochs / seconds:,.0f} words/s/thread, {words * epochs / cpu:,.0f} per CPU second (1 thread, incl. reading)")
    if best is None or a > best[1]:
        best = (model, a)

crawl = [" ".join(json.loads(l)["text"].split()) for l in open(f"{d}/crawl.jsonl")]
model = best[0]
n = 0
start, cpu = time.perf_counter(), time.process_time()
while time.perf_counter() - start < 5:
    for text in crawl:
        model.predict(text)
    n += len(crawl)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(f"fastText predict (1 core, crawl documents): {n / seconds:,.0f} docs/s, {n / cpu:,.0f} docs per CPU second")

books = [" ".join(json.loads(l)["text"].split()) for _, l in zip(range(3000), open(f"{d}/books.jsonl"))]
with open(f"{d}/books-3000.txt", "w") as f:
    f.write("\n".join(books) + "\n")
tokens = sum(len(b.split()) for b in books)
start, cpu = time.perf_counter(), time.process_time()
fasttext.train_unsupervised(f"{d}/books-3000.txt", model="skipgram", dim=32, ws=5, neg=5, minn=3, maxn=5, t=1e-4,
                            minCount=1, epoch=1, thread=1, verbose=0)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(f"fastText skipgram (dim 32, 1 epoch, 1 thread, incl. reading and vocabulary): {tokens:,} words in {seconds:.1f} s = "
      f"{tokens / seconds:,.0f} words/s/thread, {tokens / cpu:,.0f} words per CPU second")
