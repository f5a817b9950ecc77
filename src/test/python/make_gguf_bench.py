#!/usr/bin/env python3
"""Writes a random-weight GGUF of a real model's shape for LlamaAnalysisBenchmark (not for the suite).

    make_gguf_bench.py OUT_FILE --shape qwen2.5-0.5b|qwen2.5-1.5b [--type q4_0|q8_0|f16]

The architecture (qwen2: q/k/v biases, tied embeddings), dimensions and vocabulary size are the
real model's, the weights are random and quantised as ggml does (Q4_0: blocks of 32 weights, one
f16 scale and 16 bytes of 4-bit values; Q8_0: one f16 scale and 32 int8). The arithmetic per token
is therefore the real model's at about the size of the Q4_K_M file the service downloads; the text
is not. The vocabulary is the fixture's byte-level BPE padded with unreachable tokens to the real
size, so that the output layer and grammar sampling cost what they cost with the real vocabulary.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_gguf_fixture as fx  # noqa: E402

SHAPES = {
    # hidden, layers, heads, kv heads, ffn, vocab (config.json of Qwen/Qwen2.5-*-Instruct)
    "qwen2.5-0.5b": (896, 24, 14, 2, 4864, 151936),
    "qwen2.5-1.5b": (1536, 28, 12, 2, 8960, 151936),
}
TYPES = {"f16": 1, "q4_0": 2, "q8_0": 8}


def quantise(a, kind):
    a = np.ascontiguousarray(a, dtype=np.float32)
    if kind == "f16":
        return a.astype(np.float16).tobytes()
    blocks = a.reshape(-1, 32)
    if kind == "q8_0":
        d = np.abs(blocks).max(axis=1) / 127.0
        inv = np.where(d > 0, 1.0 / np.maximum(d, 1e-30), 0.0)
        q = np.clip(np.rint(blocks * inv[:, None]), -127, 127).astype(np.int8)
        out = np.zeros(len(blocks), dtype=[("d", "<f2"), ("q", "i1", 32)])
        out["d"] = d.astype(np.float16)
        out["q"] = q
        return out.tobytes()
    # q4_0 as ggml's quantize_row_q4_0_ref: d = max / -8 where max is the value of largest magnitude
    idx = np.abs(blocks).argmax(axis=1)
    mx = blocks[np.arange(len(blocks)), idx]
    d = mx / -8.0
    inv = np.where(d != 0, 1.0 / np.where(d != 0, d, 1), 0.0)
    q = np.clip(np.floor(blocks * inv[:, None] + 8.5), 0, 15).astype(np.uint8)
    packed = q[:, :16] | (q[:, 16:] << 4)
    out = np.zeros(len(blocks), dtype=[("d", "<f2"), ("qs", "u1", 16)])
    out["d"] = d.astype(np.float16)
    out["qs"] = packed
    return out.tobytes()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--shape", default="qwen2.5-0.5b", choices=SHAPES)
    ap.add_argument("--type", default="q4_0", choices=TYPES)
    args = ap.parse_args()
    n_embd, n_layer, n_head, n_head_kv, n_ff, n_vocab = SHAPES[args.shape]
    tokens, types, merges, ids = fx.vocabulary()
    specials = tokens[-3:]
    fill = n_vocab - len(tokens)
    tokens = tokens[:-3] + [f"<|unused_{i}|>" for i in range(fill)] + specials
    types = types[:-3] + [1] * fill + [3, 3, 3]
    ids = {s: tokens.index(s) for s in specials}
    kv_dim = n_embd // n_head * n_head_kv
    arch = "qwen2"
    rng = np.random.default_rng(7)
    w = fx.Writer()
    w.add("general.architecture", fx.T_STRING, arch)
    w.add("general.name", fx.T_STRING, f"random {args.shape} shape ({args.type})")
    w.add("general.alignment", fx.T_UINT32, fx.ALIGN)
    w.add(f"{arch}.context_length", fx.T_UINT32, 32768)
    w.add(f"{arch}.embedding_length", fx.T_UINT32, n_embd)
    w.add(f"{arch}.block_count", fx.T_UINT32, n_layer)
    w.add(f"{arch}.feed_forward_length", fx.T_UINT32, n_ff)
    w.add(f"{arch}.attention.head_count", fx.T_UINT32, n_head)
    w.add(f"{arch}.attention.head_count_kv", fx.T_UINT32, n_head_kv)
    w.add(f"{arch}.rope.freq_base", fx.T_FLOAT32, 1000000.0)
    w.add(f"{arch}.attention.layer_norm_rms_epsilon", fx.T_FLOAT32, 1e-6)
    w.add("tokenizer.ggml.model", fx.T_STRING, "gpt2")
    w.add("tokenizer.ggml.pre", fx.T_STRING, "qwen2")
    w.add("tokenizer.ggml.tokens", fx.T_ARRAY, tokens, fx.T_STRING)
    w.add("tokenizer.ggml.token_type", fx.T_ARRAY, types, fx.T_INT32)
    w.add("tokenizer.ggml.merges", fx.T_ARRAY, merges, fx.T_STRING)
    w.add("tokenizer.ggml.eos_token_id", fx.T_UINT32, ids["<|im_end|>"])
    w.add("tokenizer.ggml.padding_token_id", fx.T_UINT32, ids["<|endoftext|>"])
    w.add("tokenizer.ggml.bos_token_id", fx.T_UINT32, ids["<|endoftext|>"])
    w.add("tokenizer.ggml.add_bos_token", fx.T_BOOL, False)
    w.add("tokenizer.chat_template", fx.T_STRING, fx.CHAT_TEMPLATE)

    def add(name, shape, kind):
        a = rng.standard_normal(shape, dtype=np.float32) * 0.02
        if len(shape) == 1 or kind == "f32":
            w.tensor(name, a)
        else:
            w.raw(name, shape, TYPES[kind], quantise(a, kind))

    add("token_embd.weight", (n_vocab, n_embd), args.type)
    for i in range(n_layer):
        add(f"blk.{i}.attn_norm.weight", (n_embd,), "f32")
        add(f"blk.{i}.attn_q.weight", (n_embd, n_embd), args.type)
        add(f"blk.{i}.attn_q.bias", (n_embd,), "f32")
        add(f"blk.{i}.attn_k.weight", (kv_dim, n_embd), args.type)
        add(f"blk.{i}.attn_k.bias", (kv_dim,), "f32")
        add(f"blk.{i}.attn_v.weight", (kv_dim, n_embd), args.type)
        add(f"blk.{i}.attn_v.bias", (kv_dim,), "f32")
        add(f"blk.{i}.attn_output.weight", (n_embd, n_embd), args.type)
        add(f"blk.{i}.ffn_norm.weight", (n_embd,), "f32")
        add(f"blk.{i}.ffn_gate.weight", (n_ff, n_embd), args.type)
        add(f"blk.{i}.ffn_up.weight", (n_ff, n_embd), args.type)
        add(f"blk.{i}.ffn_down.weight", (n_embd, n_ff), args.type)
    add("output_norm.weight", (n_embd,), "f32")
    w.write(args.out)
    print("wrote", args.out, os.path.getsize(args.out) // (1 << 20), "MiB")


if __name__ == "__main__":
    main()
