#!/usr/bin/env python3
"""Writes tiny random-weight GGUF models for the embedded-LLM tests (numpy only).

The layout is what llama.cpp reads for a real instruct model of the Qwen2.5 family: a byte-level
BPE vocabulary (the 256 byte symbols of GPT-2's byte-to-unicode map plus merges learned here from a
small Spanish/English/JSON text, `tokenizer.ggml.pre = qwen2`), the ChatML specials `<|im_start|>`
/ `<|im_end|>` / `<|endoftext|>` as control tokens, Qwen2.5's chat template in
`tokenizer.chat_template`, and a llama-architecture transformer (GQA, RMS norm, SwiGLU, RoPE)
with tiny dimensions and random F32 weights. GGUF v3 as ggml's docs/gguf.md describes it.

    make_gguf_fixture.py OUT_DIR

writes OUT_DIR/tiny-llama.gguf, OUT_DIR/tiny-unsupported-arch.gguf (the same file with an
architecture llama.cpp does not know), OUT_DIR/not-a-gguf.gguf and OUT_DIR/tiny-split/ (the model
in two split files, `-00001-of-00002.gguf`, as gguf-split writes them).
"""
import os
import struct
import sys
from collections import Counter

import numpy as np

GGUF_MAGIC = b"GGUF"
ALIGN = 32
T_UINT16, T_UINT32, T_INT32, T_FLOAT32, T_BOOL, T_STRING, T_ARRAY, T_UINT64 = 2, 4, 5, 6, 7, 8, 9, 10
GGML_F32 = 0

# Qwen2.5-Instruct's chat template without the tool-calling branches (llama.cpp recognises it as ChatML).
CHAT_TEMPLATE = (
    "{%- if messages[0]['role'] == 'system' %}"
    "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}"
    "{%- else %}"
    "{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}"
    "{%- endif %}"
    "{%- for message in messages %}"
    "{%- if message.role != 'system' or not loop.first %}"
    "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}"
    "{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)

CORPUS = """
Eres un asistente que analiza la transcripción de una conversación grabada con unas gafas inteligentes.
Responde siempre en español y solo con un objeto JSON. You analyse the transcript of a conversation.
{"summary": "La reunión trató del presupuesto", "decisions": ["Comprar material"], "open_questions": [],
"action_items": [{"title": "Llamar al proveedor", "description": "Pedir precios", "steps": ["Buscar el teléfono",
"Llamar mañana"], "source_segment_ids": [1, 2]}], "risks": ["El proveedor puede retrasarse"]}
the meeting was about the budget and the next steps of the project, we need to call the supplier tomorrow
hola, buenos días, vamos a revisar el plan de trabajo de la semana que viene y las tareas pendientes
"""


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def learn_merges(text, count):
    """A plain BPE over the byte-level symbols of the corpus' words (a word keeps its leading space)."""
    b2u = bytes_to_unicode()
    words = Counter()
    for i, w in enumerate(text.replace("\n", " ").split(" ")):
        if w:
            words[tuple(b2u[b] for b in (" " + w if i else w).encode("utf-8"))] += 1
    merges = []
    for _ in range(count):
        pairs = Counter()
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        (a, b), _ = pairs.most_common(1)[0]
        merges.append((a, b))
        merged = Counter()
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            merged[tuple(out)] += c
        words = merged
    return merges


def vocabulary():
    b2u = bytes_to_unicode()
    tokens = [b2u[b] for b in range(256)]
    merges = learn_merges(CORPUS, 200)
    for a, b in merges:
        if a + b not in tokens:
            tokens.append(a + b)
    types = [1] * len(tokens)
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    for s in specials:
        tokens.append(s)
        types.append(3)
    ids = {s: tokens.index(s) for s in specials}
    return tokens, types, [a + " " + b for a, b in merges], ids


class Writer:
    def __init__(self):
        self.kv = []
        self.tensors = []

    def add(self, key, vtype, value, etype=None):
        self.kv.append((key, vtype, value, etype))

    def tensor(self, name, array):
        a = np.ascontiguousarray(array, dtype=np.float32)
        self.raw(name, a.shape, GGML_F32, a.tobytes())

    def raw(self, name, shape, ggml_type, data):
        """A tensor already in ggml's bytes for its type (F32, or quantised blocks); shape as numpy's."""
        # GGUF lists dimensions fastest-first: numpy's shape reversed.
        self.tensors.append((name, list(reversed(shape)), ggml_type, data))

    @staticmethod
    def _str(s):
        b = s.encode("utf-8")
        return struct.pack("<Q", len(b)) + b

    def _value(self, vtype, value, etype):
        if vtype == T_STRING:
            return self._str(value)
        if vtype == T_ARRAY:
            out = struct.pack("<IQ", etype, len(value))
            return out + b"".join(self._value(etype, v, None) for v in value)
        fmt = {T_UINT16: "<H", T_UINT32: "<I", T_INT32: "<i", T_FLOAT32: "<f", T_BOOL: "<?", T_UINT64: "<Q"}[vtype]
        return struct.pack(fmt, value)

    def write(self, path):
        head = bytearray(GGUF_MAGIC + struct.pack("<IQQ", 3, len(self.tensors), len(self.kv)))
        for key, vtype, value, etype in self.kv:
            head += self._str(key) + struct.pack("<I", vtype) + self._value(vtype, value, etype)
        offset = 0
        for name, dims, ggml_type, raw in self.tensors:
            head += self._str(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
            head += struct.pack("<IQ", ggml_type, offset)
            offset += len(raw) + (-len(raw)) % ALIGN
        head += b"\0" * ((-len(head)) % ALIGN)
        with open(path, "wb") as f:
            f.write(head)
            for _, _, _, raw in self.tensors:
                f.write(raw)
                f.write(b"\0" * ((-len(raw)) % ALIGN))


def model(arch="llama", seed=1234, n_embd=64, n_head=4, n_head_kv=2, n_layer=2, n_ff=128, n_ctx=32768):
    rng = np.random.default_rng(seed)
    tokens, types, merges, ids = vocabulary()
    n_vocab = len(tokens)
    w = Writer()
    w.add("general.architecture", T_STRING, arch)
    w.add("general.name", T_STRING, "lma tiny random llama")
    w.add("general.alignment", T_UINT32, ALIGN)
    w.add("general.file_type", T_UINT32, 0)
    w.add(f"{arch}.context_length", T_UINT32, n_ctx)
    w.add(f"{arch}.embedding_length", T_UINT32, n_embd)
    w.add(f"{arch}.block_count", T_UINT32, n_layer)
    w.add(f"{arch}.feed_forward_length", T_UINT32, n_ff)
    w.add(f"{arch}.attention.head_count", T_UINT32, n_head)
    w.add(f"{arch}.attention.head_count_kv", T_UINT32, n_head_kv)
    w.add(f"{arch}.rope.dimension_count", T_UINT32, n_embd // n_head)
    w.add(f"{arch}.rope.freq_base", T_FLOAT32, 1000000.0)
    w.add(f"{arch}.attention.layer_norm_rms_epsilon", T_FLOAT32, 1e-6)
    w.add(f"{arch}.vocab_size", T_UINT32, n_vocab)
    w.add("tokenizer.ggml.model", T_STRING, "gpt2")
    w.add("tokenizer.ggml.pre", T_STRING, "qwen2")
    w.add("tokenizer.ggml.tokens", T_ARRAY, tokens, T_STRING)
    w.add("tokenizer.ggml.token_type", T_ARRAY, types, T_INT32)
    w.add("tokenizer.ggml.merges", T_ARRAY, merges, T_STRING)
    w.add("tokenizer.ggml.eos_token_id", T_UINT32, ids["<|im_end|>"])
    w.add("tokenizer.ggml.padding_token_id", T_UINT32, ids["<|endoftext|>"])
    w.add("tokenizer.ggml.bos_token_id", T_UINT32, ids["<|endoftext|>"])
    w.add("tokenizer.ggml.add_bos_token", T_BOOL, False)
    w.add("tokenizer.chat_template", T_STRING, CHAT_TEMPLATE)
    kv = n_embd // n_head * n_head_kv

    def rand(*shape):
        return rng.standard_normal(shape).astype(np.float32) * 0.5

    w.tensor("token_embd.weight", rand(n_vocab, n_embd))
    for i in range(n_layer):
        w.tensor(f"blk.{i}.attn_norm.weight", np.ones(n_embd))
        w.tensor(f"blk.{i}.attn_q.weight", rand(n_embd, n_embd))
        w.tensor(f"blk.{i}.attn_k.weight", rand(kv, n_embd))
        w.tensor(f"blk.{i}.attn_v.weight", rand(kv, n_embd))
        w.tensor(f"blk.{i}.attn_output.weight", rand(n_embd, n_embd))
        w.tensor(f"blk.{i}.ffn_norm.weight", np.ones(n_embd))
        w.tensor(f"blk.{i}.ffn_gate.weight", rand(n_ff, n_embd))
        w.tensor(f"blk.{i}.ffn_up.weight", rand(n_ff, n_embd))
        w.tensor(f"blk.{i}.ffn_down.weight", rand(n_embd, n_ff))
    w.tensor("output_norm.weight", np.ones(n_embd))
    w.tensor("output.weight", rand(n_vocab, n_embd) * 4)
    return w


def split(w, count):
    """The model as gguf-split writes it: every part carries split.{no,count,tensors.count}; the first the metadata."""
    parts = []
    per = (len(w.tensors) + count - 1) // count
    for i in range(count):
        p = Writer()
        if i == 0:
            p.kv = list(w.kv)
        p.add("split.no", T_UINT16, i)
        p.tensors = w.tensors[i * per:(i + 1) * per]
        parts.append(p)
    for p in parts:
        p.add("split.count", T_UINT16, count)
        p.add("split.tensors.count", T_INT32, len(w.tensors))
    return parts


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    model().write(os.path.join(out, "tiny-llama.gguf"))
    model(arch="lma-unknown-arch").write(os.path.join(out, "tiny-unsupported-arch.gguf"))
    with open(os.path.join(out, "not-a-gguf.gguf"), "wb") as f:
        f.write(b"this is not a GGUF file\n" * 64)
    os.makedirs(os.path.join(out, "tiny-split"), exist_ok=True)
    for i, part in enumerate(split(model(), 2)):
        part.write(os.path.join(out, "tiny-split", f"tiny-llama-{i + 1:05d}-of-00002.gguf"))
    print("wrote", out)


if __name__ == "__main__":
    main()
