#!/usr/bin/env python3
"""Tiny random-weight Whisper models in the Hugging Face / Optimum ONNX layout, and goldens computed in PyTorch.

Usage: make_whisper_fixtures.py OUT_DIR --tokenizer ../shared/models/whisper-tokenizer --audio ../shared/audio

Needs Debian's python3-torch, python3-onnx and python3-numpy (no onnxruntime: the goldens come from the PyTorch modules,
never from the exported graphs, so the Java engine that runs the graphs is checked against an independent computation).

What it writes under OUT_DIR:
  v2-merged/  80 mels, vocab 51865 (whisper tiny..large-v2 layout), onnx/encoder_model.onnx + onnx/decoder_model_merged.onnx
  v2-split/   the same weights as onnx/encoder_model.onnx + onnx/decoder_model.onnx + onnx/decoder_with_past_model.onnx
  v3-merged/  128 mels, vocab 51866 (large-v3 / turbo layout: one more language, specials shifted by one, <|nospeech|>)
  v2-cachepos-merged/, v2-cachepos-split/, v2-fp16io/, v2-mingen/, en-merged/: the export variants users really have
              (see VARIANTS: Optimum's cache_position input, float16 I/O, a minimal generation_config, English-only)
  each with config.json, generation_config.json, preprocessor_config.json and the tokenizer files.
  goldens.json  decode cases (see CASES below), mel/encoder goldens as .npy next to it.

The decoding reference below follows openai/whisper's decoding.py rules one by one, recomputing the whole sequence at
every step (no KV cache), so the cached and the uncached Java paths are both compared with it.
"""
import argparse
import hashlib
import json
import math
import os
import shutil
import sys
import wave
import zlib

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper

D_MODEL = 16
HEADS = 2
ENC_LAYERS = 2
DEC_LAYERS = 2
N_CTX = 448
N_AUDIO = 1500
SAMPLE_RATE = 16000
N_FFT = 400
HOP = 160
N_SAMPLES = 30 * SAMPLE_RATE
N_FRAMES = 3000

FAMILIES = {
    # name: (mel bins, vocabulary, extra language token inserted at 50358 shifting every later special by one)
    "v2": dict(n_mels=80, vocab=51865, shift=0),
    "v3": dict(n_mels=128, vocab=51866, shift=1),
    # English-only (tiny.en .. medium.en): no <|yue|>, and the BPE is one token shorter, so <|endoftext|> is 50256 and
    # every special sits one lower than in v2; generation_config has no lang_to_id and says is_multilingual: false.
    "en": dict(n_mels=80, vocab=51864, shift=-1),
}


# ---------------------------------------------------------------------------------------------------------------- audio

def read_wav(path):
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1 and w.getframerate() == SAMPLE_RATE, path
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return data.astype(np.float32) / 32768.0


def synthetic_signals():
    t = np.arange(int(2.5 * SAMPLE_RATE)) / SAMPLE_RATE
    rng = np.random.default_rng(7)
    return {
        "sine440": (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32),
        "chirp": (0.3 * np.sin(2 * np.pi * (100 + 1500 * t) * t)).astype(np.float32),
        "noise": (0.1 * rng.standard_normal(3 * SAMPLE_RATE)).astype(np.float32),
        "silence": np.zeros(SAMPLE_RATE, dtype=np.float32),
    }


def log_mel(audio, filters):
    """openai/whisper audio.log_mel_spectrogram on audio padded to 30 s (as the HF feature extractor pads)."""
    audio = torch.from_numpy(np.pad(audio[:N_SAMPLES], (0, max(0, N_SAMPLES - len(audio)))))
    window = torch.hann_window(N_FFT)
    stft = torch.stft(audio, N_FFT, HOP, window=window, return_complex=True)
    magnitudes = stft[..., :-1].abs() ** 2
    mel = torch.from_numpy(filters) @ magnitudes
    log_spec = torch.clamp(mel, min=1e-10).log10()
    log_spec = torch.maximum(log_spec, log_spec.max() - 8.0)
    return ((log_spec + 4.0) / 4.0).numpy().astype(np.float32)


# ---------------------------------------------------------------------------------------------------------------- model

class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(D_MODEL, D_MODEL)
        self.k = nn.Linear(D_MODEL, D_MODEL, bias=False)
        self.v = nn.Linear(D_MODEL, D_MODEL)
        self.o = nn.Linear(D_MODEL, D_MODEL)

    @staticmethod
    def heads(x):
        return x.reshape(x.shape[0], x.shape[1], HEADS, D_MODEL // HEADS).transpose(1, 2)

    def attend(self, q, k, v, mask=None):
        w = (q @ k.transpose(-1, -2)) * ((D_MODEL // HEADS) ** -0.5)
        if mask is not None:
            w = w + mask
        a = w.softmax(-1) @ v
        return self.o(a.transpose(1, 2).flatten(2))


def mlp():
    return nn.Sequential(nn.Linear(D_MODEL, 4 * D_MODEL), nn.GELU(), nn.Linear(4 * D_MODEL, D_MODEL))


class EncoderBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.attn, self.ln2, self.mlp = nn.LayerNorm(D_MODEL), Attention(), nn.LayerNorm(D_MODEL), mlp()

    def forward(self, x):
        h = self.ln1(x)
        x = x + self.attn.attend(Attention.heads(self.attn.q(h)), Attention.heads(self.attn.k(h)),
                                 Attention.heads(self.attn.v(h)))
        return x + self.mlp(self.ln2(x))


class DecoderBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.self_attn = nn.LayerNorm(D_MODEL), Attention()
        self.ln2, self.cross_attn = nn.LayerNorm(D_MODEL), Attention()
        self.ln3, self.mlp = nn.LayerNorm(D_MODEL), mlp()


def sinusoids(length, channels):
    inv = torch.exp(-math.log(10000) / (channels // 2 - 1) * torch.arange(channels // 2))
    t = torch.arange(length)[:, None] * inv[None, :]
    return torch.cat([torch.sin(t), torch.cos(t)], dim=1)


class TinyWhisper(nn.Module):
    def __init__(self, n_mels, vocab, logit_bias):
        super().__init__()
        self.conv1 = nn.Conv1d(n_mels, D_MODEL, 3, padding=1)
        self.conv2 = nn.Conv1d(D_MODEL, D_MODEL, 3, stride=2, padding=1)
        self.register_buffer("enc_pos", sinusoids(N_AUDIO, D_MODEL))
        self.enc_blocks = nn.ModuleList(EncoderBlock() for _ in range(ENC_LAYERS))
        self.enc_ln = nn.LayerNorm(D_MODEL)
        self.tok = nn.Embedding(vocab, D_MODEL)
        self.dec_pos = nn.Parameter(torch.randn(N_CTX, D_MODEL) * 0.5)
        self.dec_blocks = nn.ModuleList(DecoderBlock() for _ in range(DEC_LAYERS))
        self.dec_ln = nn.LayerNorm(D_MODEL)
        # Random embeddings give near-uniform logits; the scale spreads them and the bias (end-of-text, timestamps)
        # makes the decoding rules fire on short sequences (see CASES).
        nn.init.normal_(self.tok.weight, std=0.7)
        # Without a mixing matrix a tied projection mostly repeats the input token (its own embedding dominates).
        self.mix = nn.Parameter(torch.randn(D_MODEL, D_MODEL) / math.sqrt(D_MODEL))
        self.register_buffer("logit_bias", logit_bias)

    def encode(self, mel):
        x = F.gelu(self.conv1(mel))
        x = F.gelu(self.conv2(x)).transpose(1, 2)
        x = x + self.enc_pos
        for b in self.enc_blocks:
            x = b(x)
        return self.enc_ln(x)

    def cross_kv(self, enc):
        return [(Attention.heads(b.cross_attn.k(enc)), Attention.heads(b.cross_attn.v(enc))) for b in self.dec_blocks]

    def decode(self, ids, self_past, cross, positions=None):
        """ids [B, T]; self_past: per layer (k, v) [B, H, P, hd] or None; cross: per layer (k, v); positions: the
        cache_position input of the exports that declare it (the query positions), else past length + 0..T-1."""
        offset = 0 if self_past is None else self_past[0][0].shape[2]
        t = ids.shape[1]
        qpos = torch.arange(t) + offset if positions is None else positions
        x = self.tok(ids) + self.dec_pos[qpos]
        kpos = torch.arange(t + offset)
        mask = torch.where(kpos[None, :] > qpos[:, None], torch.tensor(float("-inf")), torch.tensor(0.0))
        presents = []
        for i, b in enumerate(self.dec_blocks):
            h = b.ln1(x)
            q, k, v = Attention.heads(b.self_attn.q(h)), Attention.heads(b.self_attn.k(h)), Attention.heads(b.self_attn.v(h))
            if self_past is not None:
                k = torch.cat([self_past[i][0], k], dim=2)
                v = torch.cat([self_past[i][1], v], dim=2)
            presents.append((k, v))
            x = x + b.self_attn.attend(q, k, v, mask)
            h = b.ln2(x)
            x = x + b.cross_attn.attend(Attention.heads(b.cross_attn.q(h)), cross[i][0], cross[i][1])
            x = x + b.mlp(b.ln3(x))
        logits = (self.dec_ln(x) @ self.mix) @ self.tok.weight.t() + self.logit_bias
        return logits, presents


class EncoderExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_features):
        return self.m.encode(input_features)


class DecoderExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, encoder_hidden_states):
        cross = self.m.cross_kv(encoder_hidden_states)
        logits, presents = self.m.decode(input_ids, None, cross)
        out = [logits]
        for (k, v), (ck, cv) in zip(presents, cross):
            out += [k, v, ck, cv]
        return tuple(out)


class DecoderWithPastExport(nn.Module):
    def __init__(self, m, cache_position=False):
        super().__init__()
        self.m = m
        self.cache_position = cache_position

    def forward(self, input_ids, *past):
        # Optimum 1.21.3-1.24 with transformers >= 4.43 adds cache_position [decoder_sequence_length] after the past
        # inputs; here it drives the positional embedding, so feeding it wrong changes the tokens.
        positions = past[-1] if self.cache_position else None
        past = past[:-1] if self.cache_position else past
        self_past = [(past[4 * i], past[4 * i + 1]) for i in range(DEC_LAYERS)]
        cross = [(past[4 * i + 2], past[4 * i + 3]) for i in range(DEC_LAYERS)]
        logits, presents = self.m.decode(input_ids, self_past, cross, positions)
        out = [logits]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


def past_names(prefix, kinds=("decoder", "encoder")):
    names = []
    for i in range(DEC_LAYERS):
        for kind in kinds:
            names += [f"{prefix}.{i}.{kind}.key", f"{prefix}.{i}.{kind}.value"]
    return names


def layer_major(prefix):
    # Optimum's order: per layer decoder.key, decoder.value, encoder.key, encoder.value
    return [f"{prefix}.{i}.{kind}.{kv}" for i in range(DEC_LAYERS) for kind in ("decoder", "encoder") for kv in ("key", "value")]


def export(m, n_mels, onnx_dir, cache_position=False, fp16_io=False):
    """Encoder, decoder and decoder-with-past as Optimum names them. cache_position: the with-past graph declares the
    int64 cache_position input; fp16_io: float16 inputs and outputs, as `optimum-cli export onnx --dtype fp16` writes."""
    os.makedirs(onnx_dir, exist_ok=True)
    hd = D_MODEL // HEADS
    torch.onnx.export(EncoderExport(m), (torch.zeros(1, n_mels, N_FRAMES),), f"{onnx_dir}/encoder_model.onnx",
                      input_names=["input_features"], output_names=["last_hidden_state"],
                      dynamic_axes={"input_features": {0: "batch_size"}, "last_hidden_state": {0: "batch_size"}},
                      opset_version=14)
    enc = torch.zeros(1, N_AUDIO, D_MODEL)
    outs = ["logits"] + layer_major("present")
    dyn = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
           "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length / 2"},
           "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    for n in layer_major("present"):
        dyn[n] = {0: "batch_size", 2: "past_decoder_sequence_length + 1" if ".decoder." in n else "encoder_sequence_length_out"}
    torch.onnx.export(DecoderExport(m), (torch.tensor([[1, 2, 3]]), enc), f"{onnx_dir}/decoder_model.onnx",
                      input_names=["input_ids", "encoder_hidden_states"], output_names=outs, dynamic_axes=dyn,
                      opset_version=14)
    past = []
    for i in range(DEC_LAYERS):
        past += [torch.zeros(1, HEADS, 3, hd), torch.zeros(1, HEADS, 3, hd),
                 torch.zeros(1, HEADS, N_AUDIO, hd), torch.zeros(1, HEADS, N_AUDIO, hd)]
    in_names = ["input_ids"] + layer_major("past_key_values")
    out_names = ["logits"] + past_names("present", ("decoder",))
    dyn = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"}, "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    for n in layer_major("past_key_values"):
        dyn[n] = {0: "batch_size", 2: "past_decoder_sequence_length" if ".decoder." in n else "encoder_sequence_length_out"}
    for n in past_names("present", ("decoder",)):
        dyn[n] = {0: "batch_size", 2: "past_decoder_sequence_length + 1"}
    args = (torch.tensor([[4]]), *past)
    if cache_position:
        in_names.append("cache_position")
        dyn["cache_position"] = {0: "decoder_sequence_length"}
        args = args + (torch.tensor([3]),)
    torch.onnx.export(DecoderWithPastExport(m, cache_position), args, f"{onnx_dir}/decoder_with_past_model.onnx",
                      input_names=in_names, output_names=out_names, dynamic_axes=dyn, opset_version=14)
    if fp16_io:
        for f in ("encoder_model", "decoder_model", "decoder_with_past_model"):
            float16_io(f"{onnx_dir}/{f}.onnx")


def float16_io(path):
    """float32 inside, float16 at every float input and output (Cast nodes at the edges), as fp16 exports present
    themselves to a caller."""
    model = onnx.load(path)
    g = model.graph
    head, tail = [], []
    for i in g.input:
        if i.type.tensor_type.elem_type == TensorProto.FLOAT:
            i.type.tensor_type.elem_type = TensorProto.FLOAT16
            inner = i.name + "_as_fp32"
            for n in g.node:
                n.input[:] = [inner if x == i.name else x for x in n.input]
            head.append(helper.make_node("Cast", [i.name], [inner], to=TensorProto.FLOAT, name=inner + "_cast"))
    for o in g.output:
        if o.type.tensor_type.elem_type == TensorProto.FLOAT:
            o.type.tensor_type.elem_type = TensorProto.FLOAT16
            inner = o.name + "_fp32"
            for n in g.node:
                n.output[:] = [inner if x == o.name else x for x in n.output]
                n.input[:] = [inner if x == o.name else x for x in n.input]
            tail.append(helper.make_node("Cast", [inner], [o.name], to=TensorProto.FLOAT16, name=inner + "_cast"))
    nodes = head + list(g.node) + tail
    del g.node[:]
    g.node.extend(nodes)
    del g.value_info[:]
    onnx.checker.check_model(model)
    onnx.save(model, path)


def rank_of(name):
    return [None, None, None] if name == "logits" else [None, None, None, None]


def merge_decoders(onnx_dir):
    """Optimum's merged decoder: one graph, an If on use_cache_branch choosing the with-past or the no-past graph.
    Shared weights become outer initializers; the with-past branch emits empty placeholders for present.*.encoder.*
    (callers must keep the encoder KV of step 0, as with Optimum's own merged exports)."""
    no_past = onnx.load(f"{onnx_dir}/decoder_model.onnx")
    with_past = onnx.load(f"{onnx_dir}/decoder_with_past_model.onnx")
    outer_inputs = {i.name: i for i in list(no_past.graph.input) + list(with_past.graph.input)}
    initializers = {}

    def branch(model, prefix, placeholders):
        g = model.graph
        rename = {}
        for t in list(g.initializer):
            if t.name in initializers and initializers[t.name].SerializeToString() == t.SerializeToString():
                continue
            if t.name in initializers:
                rename[t.name] = prefix + t.name
                t.name = prefix + t.name
            initializers[t.name] = t
        for n in g.node:
            n.input[:] = [rename.get(i, i) for i in n.input]
            for j, o in enumerate(n.output):
                if o:
                    rename[o] = prefix + o
                    n.output[j] = prefix + o
            n.name = prefix + n.name
        del g.value_info[:]
        nodes = list(g.node)
        outputs = {o.name: helper.make_tensor_value_info(prefix + o.name, o.type.tensor_type.elem_type, rank_of(o.name))
                   for o in g.output}
        dtype = outputs["logits"].type.tensor_type.elem_type
        for name in placeholders:
            # Optimum's _unify_onnx_outputs: a zero-size constant shaped [0, heads, 1, head_dim]
            nodes.append(helper.make_node("Constant", [], [prefix + name],
                                          value=helper.make_tensor(prefix + name + ".value", dtype, [0, HEADS, 1, D_MODEL // HEADS], [])))
            outputs[name] = helper.make_tensor_value_info(prefix + name, dtype, rank_of(name))
        ordered = [outputs["logits"]] + [outputs[n] for n in layer_major("present")]
        return helper.make_graph(nodes, prefix + "graph", [], ordered)

    then_graph = branch(with_past, "with_past.", past_names("present", ("encoder",)))
    else_graph = branch(no_past, "no_past.", [])
    dtype = no_past.graph.output[0].type.tensor_type.elem_type
    outputs = [helper.make_tensor_value_info(n, dtype, rank_of(n)) for n in ["logits"] + layer_major("present")]
    if_node = helper.make_node("If", ["use_cache_branch"], [o.name for o in outputs], name="optimum::if",
                               then_branch=then_graph, else_branch=else_graph)
    inputs = [outer_inputs["input_ids"], outer_inputs["encoder_hidden_states"]]
    inputs += [outer_inputs[n] for n in layer_major("past_key_values")]
    if "cache_position" in outer_inputs:
        inputs.append(outer_inputs["cache_position"])
    inputs.append(helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1]))
    graph = helper.make_graph([if_node], "merged_decoder", inputs, outputs, list(initializers.values()))
    model = helper.make_model(graph, opset_imports=no_past.opset_import, producer_name="optimum-onnx")
    model.ir_version = no_past.ir_version
    onnx.checker.check_model(model)
    # Optimum's merge writes IR 9 (Debian's onnx 1.12 checker knows up to 8, hence the check before)
    model.ir_version = 9
    onnx.save(model, f"{onnx_dir}/decoder_model_merged.onnx")


# ---------------------------------------------------------------------------------------------------------------- ids

class Specials:
    def __init__(self, gen, multilingual=True):
        self.multilingual = multilingual
        self.eot = gen["eos_token_id"]
        self.sot = gen["decoder_start_token_id"]
        self.langs = gen["lang_to_id"] if multilingual else {}
        self.transcribe = gen["task_to_id"]["transcribe"]
        self.translate = gen["task_to_id"]["translate"]
        self.no_timestamps = gen["no_timestamps_token_id"]
        self.ts_begin = self.no_timestamps + 1
        self.sot_lm = self.transcribe + 1
        self.sot_prev = self.transcribe + 2
        self.no_speech = self.transcribe + 3
        self.suppress = sorted(set(gen["suppress_tokens"]) | {self.transcribe, self.translate, self.sot, self.sot_prev,
                                                              self.sot_lm, self.no_speech})
        self.begin_suppress = gen["begin_suppress_tokens"]


def shifted(gen, tok, up, new_tokens=(), drop_bpe=None):
    """generation_config and tokenizer.json with every special id mapped through up()."""
    gen = json.loads(json.dumps(gen))
    gen["lang_to_id"] = {k: up(v) for k, v in gen["lang_to_id"].items()}
    gen["task_to_id"] = {k: up(v) for k, v in gen["task_to_id"].items()}
    for k in ("no_timestamps_token_id", "eos_token_id", "decoder_start_token_id", "bos_token_id", "pad_token_id"):
        gen[k] = up(gen[k])
    gen["suppress_tokens"] = [up(i) for i in gen["suppress_tokens"] if i != drop_bpe]
    gen["begin_suppress_tokens"] = [up(i) for i in gen["begin_suppress_tokens"]]
    gen["forced_decoder_ids"] = [[p, None if i is None else up(i)] for p, i in gen["forced_decoder_ids"]]
    added = [dict(t, id=up(t["id"])) for t in tok["added_tokens"]]
    for tid, content in new_tokens:
        added.append({"id": tid, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
                      "normalized": False, "special": True})
    tok["added_tokens"] = sorted(added, key=lambda t: t["id"])
    vocab = tok["model"]["vocab"]
    if drop_bpe is not None:
        gone = [k for k, v in vocab.items() if v == drop_bpe][0]
        del vocab[gone]
        tok["model"]["merges"] = [m for m in tok["model"]["merges"]
                                  if (m.replace(" ", "", 1) if isinstance(m, str) else "".join(m)) != gone]
    tok["model"]["vocab"] = {k: up(v) for k, v in vocab.items()}
    tok["post_processor"] = None
    return gen, tok


def family_configs(tokenizer_dir, fam, out_dir):
    """Writes the side files of one family; returns (Specials, the full generation_config)."""
    gen = json.load(open(f"{tokenizer_dir}/generation_config.json"))
    tok = json.load(open(f"{tokenizer_dir}/tokenizer.json"))
    shift = FAMILIES[fam]["shift"]
    if shift == 1:
        # large-v3: <|yue|> is inserted at 50358 and every later special moves up by one; v3 tokenizers name
        # <|nocaptions|> <|nospeech|>
        gen, tok = shifted(gen, tok, lambda i: i + 1 if i >= 50358 else i, [(50358, "<|yue|>")])
        for t in tok["added_tokens"]:
            if t["content"] == "<|nocaptions|>":
                t["content"] = "<|nospeech|>"
    elif shift == -1:
        gen, tok = shifted(gen, tok, lambda i: i - 1 if i > 50256 else i, drop_bpe=50256)
    os.makedirs(out_dir, exist_ok=True)
    written = dict(gen)
    if fam == "en":
        # an English-only model's generation_config: no languages, no tasks
        for k in ("lang_to_id", "task_to_id", "forced_decoder_ids"):
            written.pop(k)
        written["is_multilingual"] = False
    json.dump(written, open(f"{out_dir}/generation_config.json", "w"), indent=1)
    json.dump(tok, open(f"{out_dir}/tokenizer.json", "w"), ensure_ascii=False)
    n_mels = FAMILIES[fam]["n_mels"]
    config = {"model_type": "whisper", "architectures": ["WhisperForConditionalGeneration"], "d_model": D_MODEL,
              "encoder_layers": ENC_LAYERS, "decoder_layers": DEC_LAYERS, "encoder_attention_heads": HEADS,
              "decoder_attention_heads": HEADS, "num_mel_bins": n_mels, "vocab_size": FAMILIES[fam]["vocab"],
              "max_source_positions": N_AUDIO, "max_target_positions": N_CTX, "eos_token_id": gen["eos_token_id"],
              "decoder_start_token_id": gen["decoder_start_token_id"], "lma_fixture": "random weights, not a real model"}
    json.dump(config, open(f"{out_dir}/config.json", "w"), indent=1)
    pre = json.load(open(f"{tokenizer_dir}/preprocessor_config.json"))
    pre["feature_size"] = n_mels
    json.dump(pre, open(f"{out_dir}/preprocessor_config.json", "w"), indent=1)
    return Specials(gen, multilingual=fam != "en"), gen


def unknown_input_variant(out):
    """v2-unknown-input/: the merged decoder declares an input no Whisper engine feeds (the engine must name it at load)."""
    target = f"{out}/v2-unknown-input"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(f"{out}/v2-merged", target)
    path = f"{target}/onnx/decoder_model_merged.onnx"
    model = onnx.load(path)
    model.graph.input.append(helper.make_tensor_value_info("decoder_position_bias", TensorProto.FLOAT, ["batch_size", 4]))
    onnx.save(model, path)


def minimal_generation_config(model_dir, gen):
    """What many fine-tunes ship (GenerationConfig.from_model_config): no token ids beyond the suppress lists, no
    languages, no tasks; eos / decoder start are in config.json, the rest in the tokenizer."""
    json.dump({"_from_model_config": True, "begin_suppress_tokens": gen["begin_suppress_tokens"],
               "suppress_tokens": gen["suppress_tokens"], "pad_token_id": gen["pad_token_id"],
               "transformers_version": "4.27.0.dev0"}, open(f"{model_dir}/generation_config.json", "w"), indent=1)


# ---------------------------------------------------------------------------------------------------------------- decoding

NEG_INF = float("-inf")


def recomputing(m, enc):
    """The decoder as the reference runs it: the whole sequence every step, float32 throughout."""
    cross = m.cross_kv(enc)
    return lambda tokens: m.decode(torch.tensor([tokens]), None, cross)[0][0]


def half(t):
    return t.half().float()


def fp16_io_decoders(m, mel):
    """The two ways the engine runs a float16-I/O export, with float16 rounding exactly where the graphs' edges are:
    features, encoder output, logits and every present.* leave a graph as float16; inside, float32. recompute: the
    no-past graph on the whole sequence; cached: step 0 on the no-past graph, then the with-past graph fed the float16
    presents (the encoder KV of step 0, the self-attention KV of the step before)."""
    enc = half(m.encode(half(mel)))

    def recompute(tokens):
        return half(m.decode(torch.tensor([tokens]), None, m.cross_kv(enc))[0][0])

    state = {}

    def cached(tokens):
        if not state:
            cross = m.cross_kv(enc)
            logits, presents = m.decode(torch.tensor([tokens]), None, cross)
            state["cross"] = [(half(k), half(v)) for k, v in cross]
        else:
            logits, presents = m.decode(torch.tensor([tokens[state["n"]:]]), state["past"], state["cross"])
        state["past"] = [(half(k), half(v)) for k, v in presents]
        state["n"] = len(tokens)
        return half(logits[0])  # rows of this step's new tokens; the last one is the next-token row

    return recompute, cached


def detect_language(decoder, sp):
    logits = decoder([sp.sot])[0].clone()
    keep = torch.zeros_like(logits, dtype=torch.bool)
    ids = sorted(sp.langs.values())
    keep[ids] = True
    logits[~keep] = NEG_INF
    best = int(logits.argmax())
    return [k for k, v in sp.langs.items() if v == best][0][2:-2]


def greedy(decoder, sp, prefix, timestamps, sample_len, max_initial_ts_index=50):
    """One sequence; decoder(tokens) answers logits [positions, vocab] whose last row predicts the next token (step 0
    gets the whole prompt). openai/whisper's SuppressBlank, SuppressTokens, ApplyTimestampRules."""
    tokens = list(prefix)
    begin = len(prefix)
    sum_lp = 0.0
    no_speech = None
    stats = {"forced_timestamp": 0, "after_pair_text_only": 0, "after_single_ts_no_text": 0, "monotonic_cut": 0,
             "initial_ts_limit": 0, "eot": False, "max_tokens": False, "timestamps": 0}
    for step in range(sample_len):
        logits = decoder(tokens)
        if step == 0:
            no_speech = float(logits[prefix.index(sp.sot)].softmax(-1)[sp.no_speech])
        lg = logits[-1].clone()
        if len(tokens) == begin:
            lg[sp.begin_suppress] = NEG_INF
        lg[sp.suppress] = NEG_INF
        if timestamps:
            lg[sp.no_timestamps] = NEG_INF
            seq = tokens[begin:]
            last_ts = len(seq) >= 1 and seq[-1] >= sp.ts_begin
            penult_ts = len(seq) < 2 or seq[-2] >= sp.ts_begin
            if last_ts:
                if penult_ts:
                    lg[sp.ts_begin:] = NEG_INF
                    stats["after_pair_text_only"] += 1
                else:
                    lg[:sp.eot] = NEG_INF
                    stats["after_single_ts_no_text"] += 1
            stamps = [t for t in seq if t >= sp.ts_begin]
            if stamps:
                last = stamps[-1] if (last_ts and not penult_ts) else stamps[-1] + 1
                if last > sp.ts_begin:
                    stats["monotonic_cut"] += 1
                lg[sp.ts_begin:last] = NEG_INF
            if len(tokens) == begin:
                lg[:sp.ts_begin] = NEG_INF
                lg[sp.ts_begin + max_initial_ts_index + 1:] = NEG_INF
                stats["initial_ts_limit"] += 1
            lp = F.log_softmax(lg.float(), dim=-1)
            if lp[sp.ts_begin:].logsumexp(-1) > lp[:sp.ts_begin].max():
                if bool(torch.isfinite(lg[:sp.ts_begin]).any()):
                    stats["forced_timestamp"] += 1
                lg[:sp.ts_begin] = NEG_INF
        lp = F.log_softmax(lg.float(), dim=-1)
        tok = int(lg.argmax())
        sum_lp += float(lp[tok])
        tokens.append(tok)
        if tok >= sp.ts_begin:
            stats["timestamps"] += 1
        if tok == sp.eot:
            stats["eot"] = True
            break
    else:
        stats["max_tokens"] = True
    sampled = tokens[begin:]
    if sampled and sampled[-1] == sp.eot:
        sampled = sampled[:-1]
    return sampled, sum_lp, no_speech, stats


def prefix_for(sp, language, task, timestamps):
    if not sp.multilingual:
        # openai/whisper: an English-only model's start sequence is <|startoftranscript|> alone
        return [sp.sot] + ([] if timestamps else [sp.no_timestamps])
    p = [sp.sot, sp.langs[f"<|{language}|>"], sp.transcribe if task == "transcribe" else sp.translate]
    if not timestamps:
        p.append(sp.no_timestamps)
    return p


# Which rule each case is there for. Random weights give arbitrary tokens; the logit bias (+EOT_BIAS on end-of-text,
# +TS_BIAS on the timestamp range) makes short sequences that end, pair timestamps and force them. The script checks
# that the set as a whole exercised every rule and fails otherwise.
CASES = [
    # (name, family, audio, language (None = detect), task, timestamps, max new tokens, rules it is there for)
    ("jfk-en-notimestamps", "v2", "jfk", "en", "transcribe", False, 24, "forced prefix with <|notimestamps|>; suppress_tokens; begin_suppress; eot or max tokens"),
    ("jfk-en-timestamps", "v2", "jfk", "en", "transcribe", True, 32, "initial timestamp limit; pairs; monotonic timestamps; forced timestamp by summed log-probability"),
    ("jfk-detect-timestamps", "v2", "jfk", None, "transcribe", True, 32, "language detection from the language-token logits, then timestamps"),
    ("noise-es-translate", "v2", "noise", "es", "translate", False, 24, "translate task token"),
    ("chirp-es-timestamps", "v2", "chirp", "es", "transcribe", True, 40, "timestamp rules on another input"),
    ("sine-detect-notimestamps", "v2", "sine440", None, "transcribe", False, 24, "language detection without timestamps"),
    ("silence-en-timestamps", "v2", "silence", "en", "transcribe", True, 24, "no_speech_prob on a silent input"),
    ("jfk-es-timestamps-v3", "v3", "jfk", "es", "transcribe", True, 32, "128-mel / 51866 layout, shifted specials"),
    ("noise-detect-v3", "v3", "noise", None, "transcribe", False, 24, "language detection with 100 languages"),
    ("chirp-en-short", "v2", "chirp", "en", "transcribe", False, 3, "the max-token bound"),
    ("jfk-en-prompt", "v2", "jfk", "en", "transcribe", False, 24, "the prompt prefix: <|startofprev|> and the prompt's tokens"),
    ("jfk-english-only", "en", "jfk", "en", "transcribe", False, 24, "English-only start sequence (no language, no task)"),
    ("jfk-english-only-timestamps", "en", "jfk", "en", "transcribe", True, 32, "English-only with the timestamp rules"),
]

# Cases with a prompt (the request's previous text): words that are single tokens of the vocabulary, so the prefix
# needs no BPE here: <|startofprev|>, then " hello", " world", then the start sequence.
PROMPTS = {"jfk-en-prompt": "hello world"}


def prompt_tokens(tokenizer_dir, text):
    vocab = json.load(open(f"{tokenizer_dir}/tokenizer.json"))["model"]["vocab"]
    return [vocab["\u0120" + w] for w in text.split()]


# Fixture folders: (folder, family, how it differs). Each is decoded against its family's cases with the same goldens.
VARIANTS = [
    ("v2-merged", "v2", "Optimum merged decoder"),
    ("v2-split", "v2", "decoder_model + decoder_with_past_model"),
    ("v2-cachepos-merged", "v2", "merged, with the cache_position input of Optimum 1.21.3-1.24 / transformers >= 4.43"),
    ("v2-cachepos-split", "v2", "split, with cache_position on the with-past graph"),
    ("v2-fp16io", "v2", "merged, float16 inputs and outputs (optimum-cli --dtype fp16)"),
    ("v2-mingen", "v2", "merged, a minimal generation_config.json (ids from config.json and the tokenizer)"),
    ("v3-merged", "v3", "large-v3 layout"),
    ("en-merged", "en", "English-only layout"),
]

EOT_BIAS = {"v2": 5.0, "v3": 5.0, "en": 5.0}
NO_SPEECH_BIAS = 15.0  # <|nospeech|> is never sampled (suppressed); the bias only moves no_speech_prob off zero
TS_BIAS = {"v2": 2.0, "v3": 2.0, "en": 2.0}


def compression_ratio(text):
    b = text.encode("utf-8")
    return len(b) / len(zlib.compress(b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--audio", required=True)
    ap.add_argument("--bench", action="store_true",
                    help="instead of the test fixtures, write bench-<shape>/: a real Whisper's shape (--bench-shape), random"
                         " weights, merged decoder; for the ASR benchmarks, no goldens")
    ap.add_argument("--bench-shape", default="tiny", choices=sorted(BENCH_SHAPES),
                    help="tiny: d 384, 6 heads, 4+4 layers; base: 512, 8, 6+6; small: 768, 12, 12+12 (about 1 GB)")
    args = ap.parse_args()
    if args.bench:
        return bench_model(args)
    torch.manual_seed(1234)
    torch.set_num_threads(1)
    out = args.out
    os.makedirs(out, exist_ok=True)
    filters = np.load(f"{args.tokenizer}/mel_filters.npz")
    signals = synthetic_signals()
    signals["jfk"] = read_wav(f"{args.audio}/jfk.wav")
    goldens = {"d_model": D_MODEL, "mel": [], "encoder": [], "cases": [], "compression": []}

    for name, audio in signals.items():
        for n in (80, 128):
            mel = log_mel(audio, filters[f"mel_{n}"])
            np.save(f"{out}/mel_{name}_{n}.npy", mel)
            goldens["mel"].append({"signal": name, "n_mels": n, "file": f"mel_{name}_{n}.npy", "samples": int(len(audio))})
        np.save(f"{out}/signal_{name}.npy", audio)

    models = {}
    specials = {}
    generation = {}
    for fam, spec in FAMILIES.items():
        sp, gen = family_configs(args.tokenizer, fam, f"{out}/{fam}-side")
        specials[fam], generation[fam] = sp, gen
        bias = torch.zeros(spec["vocab"])
        bias[sp.eot] = EOT_BIAS[fam]
        bias[sp.ts_begin:] = TS_BIAS[fam]
        bias[sp.no_speech] = NO_SPEECH_BIAS
        torch.manual_seed({"v2": 2, "v3": 3, "en": 5}[fam])
        models[fam] = TinyWhisper(spec["n_mels"], spec["vocab"], bias).eval()
        for f in ("vocab.json", "merges.txt", "special_tokens_map.json", "tokenizer_config.json", "added_tokens.json",
                  "normalizer.json"):
            shutil.copy(f"{args.tokenizer}/{f}", f"{out}/{fam}-side/{f}")

    for folder, fam, _ in VARIANTS:
        target = f"{out}/{folder}"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(f"{out}/{fam}-side", target)
        with torch.no_grad():
            export(models[fam], FAMILIES[fam]["n_mels"], f"{target}/onnx", cache_position="cachepos" in folder,
                   fp16_io="fp16io" in folder)
        if "split" in folder:
            continue
        merge_decoders(f"{target}/onnx")
        os.remove(f"{target}/onnx/decoder_model.onnx")
        os.remove(f"{target}/onnx/decoder_with_past_model.onnx")
        if folder == "v2-mingen":
            minimal_generation_config(target, generation[fam])
    unknown_input_variant(out)
    for fam in FAMILIES:
        shutil.rmtree(f"{out}/{fam}-side")
    goldens["variants"] = [{"folder": f, "family": fam, "what": what} for f, fam, what in VARIANTS]

    with torch.no_grad():
        enc = models["v2"].encode(torch.from_numpy(np.load(f"{out}/mel_jfk_80.npy"))[None])
        np.save(f"{out}/encoder_v2_jfk.npy", enc[0].numpy())
        goldens["encoder"].append({"family": "v2", "signal": "jfk", "file": "encoder_v2_jfk.npy"})
        seen = {}
        for name, fam, sig, lang, task, ts, max_new, why in CASES:
            m, sp = models[fam], specials[fam]
            mel = torch.from_numpy(np.load(f"{out}/mel_{sig}_{FAMILIES[fam]['n_mels']}.npy"))[None]
            e = m.encode(mel)
            detected = detect_language(recomputing(m, e), sp) if lang is None else None
            previous = [sp.sot_prev] + prompt_tokens(args.tokenizer, PROMPTS[name]) if name in PROMPTS else []
            prefix = previous + prefix_for(sp, lang or detected, task, ts)
            tokens, sum_lp, no_speech, stats = greedy(recomputing(m, e), sp, prefix, ts, max_new)
            if fam == "v2":
                # the float16-I/O export has goldens of its own: rounding at the graph edges changes tokens
                variant = {}
                for mode in ("recompute", "cached"):
                    d = dict(zip(("recompute", "cached"), fp16_io_decoders(m, mel)))[mode]
                    det16 = detect_language(fp16_io_decoders(m, mel)[0], sp) if lang is None else None
                    p16 = previous + prefix_for(sp, lang or det16, task, ts)
                    t16, lp16, ns16, _ = greedy(d, sp, p16, ts, max_new)
                    variant[mode] = {"detected_language": det16, "tokens": t16, "avg_logprob": lp16 / (len(t16) + 1),
                                     "no_speech_prob": ns16}
                goldens.setdefault("fp16_io", {})[name] = variant
            for k, v in stats.items():
                seen[k] = seen.get(k, 0) + (1 if v is True else (v if not isinstance(v, bool) else 0))
            goldens["cases"].append({
                "name": name, "family": fam, "signal": sig, "language": lang, "detected_language": detected,
                "task": task, "timestamps": ts, "max_new_tokens": max_new, "prefix": prefix, "tokens": tokens,
                "sum_logprob": sum_lp, "avg_logprob": sum_lp / (len(tokens) + 1), "no_speech_prob": no_speech,
                "exercises": why, "rules_fired": stats, "prompt": PROMPTS.get(name),
                "prompt_tokens": previous[1:]})
            print(f"{name}: prefix={prefix} tokens={len(tokens)} {stats}", file=sys.stderr)
        for rule in ("forced_timestamp", "after_pair_text_only", "after_single_ts_no_text", "monotonic_cut",
                     "initial_ts_limit", "eot", "max_tokens", "timestamps"):
            if not seen.get(rule):
                sys.exit(f"fixture cases never exercised rule '{rule}': change EOT_BIAS/TS_BIAS or the seeds")
        goldens["rules_fired_total"] = seen

    for text in ["And so my fellow Americans, ask not what your country can do for you",
                 "Las arenas son blanquecinas de grano medio y tiene muy poca asistencia.",
                 "la la la la la la la la la la la la la la la la la la la la la la la la la la la la la"]:
        goldens["compression"].append({"text": text, "ratio": compression_ratio(text)})

    json.dump(goldens, open(f"{out}/goldens.json", "w"), indent=1)
    digest = hashlib.sha256(open(__file__, "rb").read()).hexdigest()
    open(f"{out}/.complete", "w").write(digest + "\n")


BENCH_SHAPES = {"tiny": (384, 6, 4, 4), "base": (512, 8, 6, 6), "small": (768, 12, 12, 12)}


def bench_model(args):
    global D_MODEL, HEADS, ENC_LAYERS, DEC_LAYERS
    D_MODEL, HEADS, ENC_LAYERS, DEC_LAYERS = BENCH_SHAPES[args.bench_shape]
    torch.manual_seed(4)
    out = f"{args.out}/bench-{args.bench_shape}"
    sp, _ = family_configs(args.tokenizer, "v2", out)
    bias = torch.zeros(FAMILIES["v2"]["vocab"])
    bias[sp.no_speech] = NO_SPEECH_BIAS
    m = TinyWhisper(80, FAMILIES["v2"]["vocab"], bias).eval()
    with torch.no_grad():
        export(m, 80, f"{out}/onnx")
        merge_decoders(f"{out}/onnx")
    for f in ("decoder_model.onnx", "decoder_with_past_model.onnx"):
        os.remove(f"{out}/onnx/{f}")
    digest = hashlib.sha256(open(__file__, "rb").read()).hexdigest()
    open(f"{out}/.complete", "w").write(digest + "\n")


if __name__ == "__main__":
    main()
