#!/usr/bin/env python3
"""Builds the scorer's small test fixtures in fixtures/scorer/ from ../shared/data.

  wiki-en.jsonl.gz          Wikipedia articles (gensim's enwiki sample), wikitext reduced to plain text
  gutenberg-chunks.jsonl.gz passages of Project Gutenberg books (body only, licence header/footer cut)
  davidson-sample.jsonl.gz  a fixed random sample of the Davidson et al. (2017) tweets with a binary
                            label (1 = hate speech or offensive, class 0/1; 0 = neither, class 2)

Deterministic (fixed seed); Python is used only here, never by Sieve or its tests.
Usage: python3 scripts/scorer_fixtures.py [SHARED_DATA] [OUT_DIR]
"""
import bz2, csv, gzip, json, random, re, sys, xml.etree.ElementTree as ET

data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
out = sys.argv[2] if len(sys.argv) > 2 else "fixtures/scorer"
rng = random.Random(20261125)


def write(name, docs):
    with gzip.GzipFile(f"{out}/{name}", "wb", mtime=0) as f:
        for d in docs:
            f.write((json.dumps(d, ensure_ascii=False) + "\n").encode())
    print(name, len(docs))


def strip_wikitext(t):
    for _ in range(4):  # nested templates and tables
        t = re.sub(r"\{\{[^{}]*\}\}", "", t)
        t = re.sub(r"\{\|[^{}]*?\|\}", "", t, flags=re.S)
    t = re.sub(r"<ref[^>/]*/>", "", t)
    t = re.sub(r"<ref[^>]*>.*?</ref>", "", t, flags=re.S)
    t = re.sub(r"<!--.*?-->", "", t, flags=re.S)
    t = re.sub(r"<[^>]+>", "", t)
    t = re.sub(r"\[\[(?:File|Image|Category):[^\[\]]*(?:\[\[[^\]]*\]\][^\[\]]*)*\]\]", "", t)
    t = re.sub(r"\[\[(?:[^|\]]*\|)?([^\]]*)\]\]", r"\1", t)
    t = re.sub(r"\[https?://\S+ ([^\]]*)\]", r"\1", t)
    t = re.sub(r"'{2,}", "", t)
    t = re.sub(r"^=+\s*(.*?)\s*=+\s*$", r"\1", t, flags=re.M)
    t = re.sub(r"^[*#:;]+\s*", "", t, flags=re.M)
    t = re.sub(r"\n{3,}", "\n\n", t)
    return t.strip()


def wiki():
    path = f"{data}/wiki/gensim-wikidumps/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
    docs = []
    for _, el in ET.iterparse(bz2.open(path)):
        if not el.tag.endswith("}page"):
            continue
        ns = lambda tag: el.find(f".//{{*}}{tag}")
        text = ns("text").text or ""
        if ns("ns").text == "0" and ns("redirect") is None and not text.lower().startswith("#redirect"):
            plain = strip_wikitext(text)
            if len(plain) > 1500:
                docs.append({"id": "enwiki:" + ns("title").text, "text": plain[:3000],
                             "metadata": {"source": "enwiki", "title": ns("title").text}})
        el.clear()
    return docs


def english_books(data):
    """(book index entry, body text) of each English Gutenberg book, licence header and footer cut."""
    index = [json.loads(l) for l in open(f"{data}/prose/gutenberg-books/index.jsonl")]
    blobs = {}
    for book in index:
        if book["language"] != "English":
            continue
        if book["file"] not in blobs:
            blobs[book["file"]] = gzip.open(f"{data}/prose/gutenberg-books/{book['file']}").read()
        text = blobs[book["file"]][book["offset"]:book["offset"] + book["length"]].decode("utf-8", "replace")
        start = re.search(r"\*\*\* ?START OF.*?\*\*\*", text)
        end = re.search(r"\*\*\* ?END OF", text)
        yield book, text[start.end() if start else 0:end.start() if end else len(text)]


def books():
    docs = []
    for book, body in english_books(data):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if len(p.strip()) > 200]
        if len(paragraphs) < 20:
            continue
        for k in sorted(rng.sample(range(10, len(paragraphs) - 5), 3)):
            chunk = "\n\n".join(paragraphs[k:k + 4])[:3000]
            docs.append({"id": f"gutenberg:{book['pg_ebook']}:{k}", "text": chunk,
                         "metadata": {"source": "gutenberg", "title": book["title"]}})
    return docs


def davidson(n=4000):
    rows = list(csv.DictReader(open(f"{data}/toxicity/hate-speech-davidson/labeled_train.csv", newline="")))
    sample = rng.sample(rows, n)
    return [{"id": "davidson:" + r[""], "text": r["tweet"],
             "metadata": {"label": 0 if r["class"] == "2" else 1, "class": int(r["class"])}} for r in sample]


if __name__ == "__main__":
    write("wiki-en.jsonl.gz", wiki())
    write("gutenberg-chunks.jsonl.gz", books()[:240])
    write("davidson-sample.jsonl.gz", davidson())
