#!/usr/bin/env python3
"""PyTorch peer for `sieve bench pretrain`, and a differential check of Sieve's checkpoints.

Benchmark: the same GPT-2 model as Sieve (pre-LayerNorm, GELU tanh, learned positions, tied
embeddings, biases), AdamW lr 3e-4, betas 0.9/0.95, weight decay 0.1 on matrices, gradient
clipping 1.0, trained on byte tokens of a text on N CPU threads; prints tokens/s.

    python Benchmarks/pytorch_gpt.py bench --threads 2 --steps 10
    python Benchmarks/pytorch_gpt.py check runs/shakespeare     # loads Sieve's latest checkpoint

`check` loads model.safetensors + config.json of a Sieve run into this PyTorch model, computes the
validation loss on the run's validation shard exactly as Sieve's trainer does (first val_batches
sequential windows) and compares it with the val_loss Sieve logged for that step.
Needs: pip install torch numpy (in a venv under /tmp).
"""
import argparse, json, math, os, struct, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, C, NH):
        super().__init__()
        self.NH = NH
        self.ln_1 = nn.LayerNorm(C, eps=1e-5)
        self.c_attn = nn.Linear(C, 3 * C)
        self.attn_proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C, eps=1e-5)
        self.c_fc = nn.Linear(C, 4 * C)
        self.mlp_proj = nn.Linear(4 * C, C)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, self.NH, C // self.NH).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(B, T, C)
        x = x + self.attn_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, V, maxT, L, NH, C):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(maxT, C)
        self.h = nn.ModuleList(Block(C, NH) for _ in range(L))
        self.ln_f = nn.LayerNorm(C, eps=1e-5)
        self.apply(self._init)
        for b in self.h:
            for p in (b.attn_proj.weight, b.mlp_proj.weight):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * L))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.bias)

    def forward(self, idx, targets):
        B, T = idx.shape
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for b in self.h:
            x = b(x)
        logits = self.ln_f(x) @ self.wte.weight.T
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1))


def bench(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    text = np.frombuffer(open(args.text, "rb").read(), dtype=np.uint8).astype(np.int64)
    model = GPT(args.vocab, args.context, args.layers, args.heads, args.width)
    decay = [p for p in model.parameters() if p.dim() == 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                            lr=3e-4, betas=(0.9, 0.95), eps=1e-8)
    B, T = args.batch, args.context
    rng = np.random.default_rng(0)
    times, cpu = [], []
    for step in range(args.steps + 2):
        starts = rng.integers(0, len(text) - T - 1, B)
        x = torch.from_numpy(np.stack([text[s:s + T] for s in starts]))
        y = torch.from_numpy(np.stack([text[s + 1:s + T + 1] for s in starts]))
        t0, c0 = time.perf_counter(), time.process_time()
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        dt = time.perf_counter() - t0
        if step >= 2:
            times.append(dt)
            cpu.append(time.process_time() - c0)
        print(f"step {step}: loss {loss.item():.4f}, {dt * 1000:.0f} ms", file=sys.stderr)
    total = sum(times)
    params = sum(p.numel() for p in model.parameters())
    print(f"pytorch {torch.__version__}: {args.layers} layers, {args.heads} heads, width {args.width}, context {T}, "
          f"vocab {args.vocab} ({params} parameters), batch {B}, {args.threads} threads")
    print(f"  {args.steps} timed steps: {B * T * args.steps / total:.0f} tokens/s, {total / args.steps * 1000:.0f} ms/step")
    print(f"  by CPU time: {sum(cpu) / args.steps:.2f} CPU-s/step = {B * T * args.steps / sum(cpu) * args.threads:.0f} tokens/s on {args.threads} free cores")


def read_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(raw[8 + n + a:8 + n + b], dtype=np.float32).reshape(info["shape"]).copy())
    return out


def sieve_loss(run, state):
    """The validation loss Sieve logged at the checkpoint's step."""
    logged = [json.loads(l) for l in open(os.path.join(run, "log.jsonl")) if "val_loss" in l]
    return [l["val_loss"] for l in logged if l["step"] == state["step"]][-1]


def check(args):
    run = json.load(open(os.path.join(args.run, "run.json")))
    latest = open(os.path.join(args.run, "checkpoints", "latest")).read().strip()
    ckpt = os.path.join(args.run, "checkpoints", latest)
    cfg = json.load(open(os.path.join(ckpt, "config.json")))
    state = json.load(open(os.path.join(ckpt, "state.json")))
    opts = run["options"]
    torch.set_num_threads(args.threads)
    model = GPT(cfg["vocab_size"], cfg["n_positions"], cfg["n_layer"], cfg["n_head"], cfg["n_embd"])
    t = read_safetensors(os.path.join(ckpt, "model.safetensors"))
    with torch.no_grad():
        model.wte.weight.copy_(t["wte.weight"]); model.wpe.weight.copy_(t["wpe.weight"])
        model.ln_f.weight.copy_(t["ln_f.weight"]); model.ln_f.bias.copy_(t["ln_f.bias"])
        for i, b in enumerate(model.h):
            p = f"h.{i}."
            for mod, name in ((b.ln_1, "ln_1"), (b.ln_2, "ln_2")):
                mod.weight.copy_(t[p + name + ".weight"]); mod.bias.copy_(t[p + name + ".bias"])
            # GPT-2's Conv1D stores in × out; nn.Linear stores out × in.
            for mod, name in ((b.c_attn, "attn.c_attn"), (b.attn_proj, "attn.c_proj"), (b.c_fc, "mlp.c_fc"), (b.mlp_proj, "mlp.c_proj")):
                mod.weight.copy_(t[p + name + ".weight"].T); mod.bias.copy_(t[p + name + ".bias"])
    B, T = opts["batch"], opts["length"]
    raw = open(opts["validation"][0], "rb").read()
    header = np.frombuffer(raw[:1024], dtype="<i4")
    dtype = "<u2" if header[1] == 1 else "<u4"
    tokens = np.frombuffer(raw[1024:], dtype=dtype)[:header[2]].astype(np.int64)
    batches = min(opts["valBatches"], (len(tokens) - 1) // (B * T))
    total = 0.0
    with torch.no_grad():
        for k in range(batches):
            w = torch.from_numpy(tokens[k * B * T:(k + 1) * B * T + 1].copy())
            total += model(w[:-1].view(B, T), w[1:].view(B, T)).item()
    ours = total / batches
    if args.transformers:  # the same checkpoint through Hugging Face transformers' own GPT-2
        from transformers import GPT2LMHeadModel
        hf = GPT2LMHeadModel.from_pretrained(ckpt).eval()
        total = 0.0
        with torch.no_grad():
            for k in range(batches):
                w = torch.from_numpy(tokens[k * B * T:(k + 1) * B * T + 1].copy())
                logits = hf(w[:-1].view(B, T)).logits
                total += F.cross_entropy(logits.reshape(-1, logits.size(-1)), w[1:]).item()
        print(f"transformers GPT2LMHeadModel: validation loss {total / batches:.6f}")
        ours = max(ours, total / batches, key=lambda x: abs(x - sieve_loss(args.run, state)))  # the worse of the two
    sieve = sieve_loss(args.run, state)
    print(f"step {state['step']}: validation loss PyTorch {ours:.6f}, Sieve {sieve:.6f}, difference {abs(ours - sieve):.2e}")
    sys.exit(0 if abs(ours - sieve) < 1e-4 else 1)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--text", default="../shared/data/prose/tinyshakespeare/input.txt")
    for name, default in (("layers", 4), ("heads", 4), ("width", 256), ("context", 256), ("vocab", 8192),
                          ("batch", 16), ("steps", 10), ("threads", 2)):
        b.add_argument("--" + name, type=int, default=default)
    c = sub.add_parser("check")
    c.add_argument("run")
    c.add_argument("--threads", type=int, default=2)
    c.add_argument("--transformers", action="store_true", help="also load the checkpoint with transformers' GPT2LMHeadModel")
    args = ap.parse_args()
    bench(args) if args.what == "bench" else check(args)
