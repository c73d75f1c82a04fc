#!/usr/bin/env python3
"""The peer of `sieve bench tokenizer`: Hugging Face `tokenizers` on the same inputs.

Trains a byte-level BPE (ByteLevel pre-tokenizer, BpeTrainer with the 256-byte initial alphabet,
min frequency 2, <|endoftext|>) on TRAIN with `train(files)`, then encodes ENCODE in chunks of
about 4 KiB cut at line ends with `encode_batch`, on 1 thread and on 2 (RAYON_NUM_THREADS is read
when the library starts, so each measurement runs in its own process). Prints time, MB/s and
peak RSS.

Usage: Benchmarks/tokenizer_hf.py TRAIN ENCODE [--vocab-size 8192] [--save hf.json]
       (RETRAIN=0 reuses a saved tokenizer and measures only encoding)
"""
import argparse, os, resource, subprocess, sys, time


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def train(path, vocab_size, save):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=2, show_progress=False,
                                  special_tokens=["<|endoftext|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    start, cpu = time.perf_counter(), time.process_time()
    tok.train([path], trainer)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    tok.save(save)
    mb = os.path.getsize(path) / 1e6
    print(f"tokenizers train vocab {vocab_size}, {os.environ.get('RAYON_NUM_THREADS', 'all')} threads: "
          f"{mb:.1f} MB in {seconds:.2f} s = {mb / seconds:.2f} MB/s (CPU {cpu:.1f} s); peak RSS {peak_rss_mb():.0f} MB")


def chunks_of(path):
    """Pieces of about 4 KiB (a web document) cut after a line end, as `sieve bench tokenizer` cuts them (bytes, so
    CRLF line ends stay as they are)."""
    with open(path, "rb") as f:
        data = f.read()
    chunks, start = [], 0
    while start < len(data):
        end = data.find(b"\n", start + 4096 - 1)
        end = len(data) if end < 0 else end + 1
        chunks.append(data[start:end].decode("utf-8", errors="surrogateescape"))
        start = end
    return chunks


def encode(tokenizer, path):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(tokenizer)
    chunks = chunks_of(path)
    threads = int(os.environ.get("RAYON_NUM_THREADS", "1"))
    mb = os.path.getsize(path) / 1e6
    begin, cpu = time.perf_counter(), time.process_time()
    tokens = 0
    for k in range(0, len(chunks), threads):  # results are dropped as they come (an Encoding per token is large)
        tokens += sum(len(e.ids) for e in tok.encode_batch(chunks[k:k + threads], add_special_tokens=False))
    seconds, cpu = time.perf_counter() - begin, time.process_time() - cpu
    print(f"tokenizers encode, {threads} thread(s) ({tokens} tokens; CPU {cpu:.1f} s = {mb / cpu:.2f} MB per CPU-second): "
          f"{mb:.1f} MB in {seconds:.2f} s = {mb / seconds:.2f} MB/s; peak RSS {peak_rss_mb():.0f} MB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("encode")
    ap.add_argument("--vocab-size", type=int, default=8192)
    ap.add_argument("--save", default="/tmp/sieve-bench/hf-tokenizer.json")
    ap.add_argument("--step", choices=["train", "encode"])
    args = ap.parse_args()
    if args.step == "train":
        return train(args.train, args.vocab_size, args.save)
    if args.step == "encode":
        return encode(args.save, args.encode)
    me = [sys.executable, os.path.abspath(__file__), args.train, args.encode, "--vocab-size", str(args.vocab_size), "--save", args.save]
    if not os.path.exists(args.save) or os.environ.get("RETRAIN", "1") == "1":
        subprocess.run(me + ["--step", "train"], check=True)
    for threads in ["1", "2"]:
        subprocess.run(me + ["--step", "encode"], check=True, env=dict(os.environ, RAYON_NUM_THREADS=threads))


if __name__ == "__main__":
    main()
