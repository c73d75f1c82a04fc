#!/usr/bin/env python3
"""Builds the inputs of `sieve bench scorer` and Benchmarks/fasttext_baseline.py under
/tmp/sieve-bench/scorer (never committed):

  books.jsonl              Project Gutenberg English books (../shared/data/prose), bodies cut into
                           passages of about 4,000 characters: the unlabelled corpus and positives
  crawl.jsonl              the 697 Common Crawl documents of dolma's CC-MAIN-2019-30 sample
  davidson-train.jsonl     80% of the Davidson et al. (2017) tweets, label 1 = hate or offensive
  davidson-test.jsonl      the other 20% (a fixed shuffle, seed 0)
  davidson-{train,test}.txt  the same split in fastText's format (__label__1 / __label__0)
  ldnoobw-en.txt           the LDNOOBW English word list

Usage: python3 scripts/scorer_bench_inputs.py [SHARED_DATA] [OUT_DIR]
"""
import csv, gzip, json, os, random, re, shutil, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scorer_fixtures import english_books  # noqa: E402

data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/sieve-bench/scorer"
os.makedirs(out, exist_ok=True)


def jsonl(name, docs):
    with open(f"{out}/{name}", "w") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(name, len(docs))


books = []
for book, body in english_books(data):
    chunk = []
    size = 0
    for p in re.split(r"\n\s*\n", body):
        chunk.append(p.strip())
        size += len(p)
        if size >= 4000:
            books.append({"id": f"pg{book['pg_ebook']}-{len(books)}", "text": "\n\n".join(chunk)})
            chunk, size = [], 0
jsonl("books.jsonl", books)

crawl = [json.loads(l) for l in gzip.open(f"{data}/jsonl/dolma/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")]
jsonl("crawl.jsonl", [{"id": d["id"], "text": d["text"]} for d in crawl])

rows = list(csv.DictReader(open(f"{data}/toxicity/hate-speech-davidson/labeled_train.csv", newline="")))
random.Random(0).shuffle(rows)
cut = int(len(rows) * 0.8)
for name, part in (("train", rows[:cut]), ("test", rows[cut:])):
    docs = [{"id": "davidson:" + r[""], "text": r["tweet"], "metadata": {"label": 0 if r["class"] == "2" else 1}} for r in part]
    jsonl(f"davidson-{name}.jsonl", docs)
    with open(f"{out}/davidson-{name}.txt", "w") as f:
        for d in docs:
            f.write(f"__label__{d['metadata']['label']} " + " ".join(d["text"].split()) + "\n")
shutil.copy(f"{data}/lists/ldnoobw/en", f"{out}/ldnoobw-en.txt")
