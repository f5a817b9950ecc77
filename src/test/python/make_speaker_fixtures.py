"""Random-weight speaker-embedding models in sherpa-onnx's layouts, and goldens to check them against.

Writes into OUT:
  3dspeaker.onnx   one input feats [1, T, 80], output embedding [1, 192]; metadata framework=3d-speaker,
                   normalize_samples=1, feature_normalize_type=global-mean (as sherpa-onnx's scripts/3dspeaker export)
  wespeaker.onnx   the same shape, metadata framework=wespeaker, normalize_samples=0 (samples scaled to 16-bit)
  nemo.onnx        inputs audio_signal [1, 80, T] and length [1], outputs logits [1, 16] and embs [1, 192];
                   metadata framework=nemo, window_type=hann, feature_normalize_type=per_feature (scripts/nemo)
  no-metadata.onnx the 3dspeaker model without metadata
  goldens.json     fbank of the first second of AUDIO (Kaldi's algorithm written here in numpy, independent
                   of the Java code) and each model's embedding of AUDIO's first 2 s, computed by torch
Usage: make_speaker_fixtures.py OUT AUDIO_WAV
"""
import json
import sys
import wave
from pathlib import Path

import numpy as np
import onnx
import torch

torch.manual_seed(7)


def load(path):
    with wave.open(str(path)) as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float64) / 32768.0


def mel(hz):
    return 1127.0 * np.log(1.0 + hz / 700.0)


def fbank(x, bins=80, window="povey", low=20.0, high=7600.0, remove_dc=True, scale=1.0):
    """Kaldi's compute-fbank-feats: snip_edges, no dither, pre-emphasis 0.97, 512-point power spectrum."""
    frame, shift = 400, 160
    n = 1 + (len(x) - frame) // shift
    x = x * scale
    frames = np.stack([x[i * shift:i * shift + frame] for i in range(n)])
    if remove_dc:
        frames = frames - frames.mean(axis=1, keepdims=True)
    frames = np.concatenate([frames[:, :1] * (1 - 0.97), frames[:, 1:] - 0.97 * frames[:, :-1]], axis=1)
    k = np.arange(frame)
    hann = 0.5 - 0.5 * np.cos(2 * np.pi * k / (frame - 1))
    win = {"povey": hann ** 0.85, "hann": hann}[window]
    power = np.abs(np.fft.rfft(frames * win, 512)) ** 2
    freqs = np.arange(257) * 16000 / 512
    edges = np.linspace(mel(low), mel(high), bins + 2)
    m = mel(freqs)
    weights = np.zeros((bins, 257))
    for b in range(bins):
        left, centre, right = edges[b], edges[b + 1], edges[b + 2]
        up = (m - left) / (centre - left)
        down = (right - m) / (right - centre)
        inside = (m > left) & (m < right)
        weights[b] = np.where(inside, np.where(m <= centre, up, down), 0.0)
    return np.log(np.maximum(power @ weights.T, np.finfo(np.float32).eps))


class Embedder(torch.nn.Module):
    """Conv + statistics pooling + linear: the shape of an x-vector, small."""

    def __init__(self, bins=80, dim=192):
        super().__init__()
        self.conv = torch.nn.Conv1d(bins, 64, 5, padding=2)
        self.out = torch.nn.Linear(128, dim)

    def forward(self, feats):  # [B, T, bins]
        h = torch.relu(self.conv(feats.transpose(1, 2)))
        stats = torch.cat([h.mean(dim=2), h.std(dim=2)], dim=1)
        return self.out(stats)


class NemoEmbedder(torch.nn.Module):
    def __init__(self, bins=80, dim=192):
        super().__init__()
        self.body = Embedder(bins, dim)
        self.classes = torch.nn.Linear(dim, 16)

    def forward(self, audio_signal, length):  # [B, bins, T], [B]
        t = audio_signal.shape[2]
        mask = (torch.arange(t).unsqueeze(0) < length.unsqueeze(1)).to(audio_signal.dtype).unsqueeze(1)
        embs = self.body((audio_signal * mask).transpose(1, 2))
        return self.classes(embs), embs


def export(model, args, path, inputs, outputs, axes, meta):
    torch.onnx.export(model, args, str(path), input_names=inputs, output_names=outputs, dynamic_axes=axes, opset_version=13)
    m = onnx.load(str(path))
    for k, v in meta.items():
        entry = m.metadata_props.add()
        entry.key, entry.value = k, str(v)
    onnx.save(m, str(path))


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    x = load(sys.argv[2])
    goldens = {"fbank_first_second": fbank(x[:16000]).tolist()}
    two = x[:32000]

    general = Embedder().eval()
    axes = {"feats": {1: "T"}, "embedding": {0: "B"}}
    dummy = torch.randn(1, 120, 80)
    export(general, (dummy,), out / "3dspeaker.onnx", ["feats"], ["embedding"], axes,
           {"framework": "3d-speaker", "sample_rate": 16000, "normalize_samples": 1, "output_dim": 192,
            "feature_normalize_type": "global-mean", "language": "English", "comment": "random weights"})
    export(general, (dummy,), out / "no-metadata.onnx", ["feats"], ["embedding"], axes, {})
    export(general, (dummy,), out / "wespeaker.onnx", ["feats"], ["embedding"], axes,
           {"framework": "wespeaker", "sample_rate": 16000, "normalize_samples": 0, "output_dim": 192, "language": "English"})
    with torch.no_grad():
        f = fbank(two)
        g = torch.tensor((f - f.mean(axis=0))[None], dtype=torch.float32)
        goldens["3dspeaker"] = general(g)[0].tolist()
        w = torch.tensor(fbank(two, scale=32768.0)[None], dtype=torch.float32)
        goldens["wespeaker"] = general(w)[0].tolist()

    nemo = NemoEmbedder().eval()
    export(nemo, (torch.randn(1, 80, 120), torch.tensor([120])), out / "nemo.onnx", ["audio_signal", "length"], ["logits", "embs"],
           {"audio_signal": {2: "T"}}, {"framework": "nemo", "sample_rate": 16000, "output_dim": 192, "feat_dim": 80,
                                         "window_size_ms": 25, "window_stride_ms": 10, "window_type": "hann",
                                         "feature_normalize_type": "per_feature", "language": "English"})
    with torch.no_grad():
        f = fbank(two, window="hann", low=0.0, high=8000.0, remove_dc=False)
        f = (f - f.mean(axis=0)) / (f.std(axis=0) + 1e-5)
        t = torch.tensor(f.T[None], dtype=torch.float32)
        goldens["nemo"] = nemo(t, torch.tensor([f.shape[0]]))[1][0].tolist()
    (out / "goldens.json").write_text(json.dumps(goldens))


if __name__ == "__main__":
    main()
