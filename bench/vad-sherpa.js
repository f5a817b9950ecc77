// Peer measurement for docs/benchmarks.md: sherpa-onnx's Silero VAD (C++ ONNX Runtime) over the
// same model file and the same audio as VadBenchmark. Usage: node vad-sherpa.js MODEL WAV REPEAT
'use strict';
const sherpa = require('sherpa-onnx-node');

const [model, wavPath, repeatArg] = process.argv.slice(2);
const repeat = parseInt(repeatArg || '10', 10);
const wave = sherpa.readWave(wavPath);
if (wave.sampleRate !== 16000) throw new Error('expects 16 kHz audio');
const one = wave.samples;
const audio = new Float32Array(one.length * repeat);
for (let i = 0; i < repeat; i++) audio.set(one, i * one.length);

function run() {
  const vad = new sherpa.Vad({
    sileroVad: {model, threshold: 0.5, minSpeechDuration: 0.25, minSilenceDuration: 0.1, windowSize: 512,
                maxSpeechDuration: 30},
    sampleRate: 16000, numThreads: 1, provider: 'cpu', debug: false,
  }, 60);
  let segments = 0;
  const t0 = process.hrtime.bigint();
  // 20 ms frames, as the app sends them.
  for (let pos = 0; pos < audio.length; pos += 320) {
    vad.acceptWaveform(audio.subarray(pos, Math.min(pos + 320, audio.length)));
    while (!vad.isEmpty()) { segments++; vad.pop(); }
  }
  vad.flush();
  while (!vad.isEmpty()) { segments++; vad.pop(); }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {seconds, segments};
}

run(); // warm-up
const results = [];
for (let i = 0; i < 3; i++) results.push(run());
const best = results.reduce((a, b) => (a.seconds < b.seconds ? a : b));
const audioSeconds = audio.length / 16000;
console.log(JSON.stringify({peer: 'sherpa-onnx-node', audioSeconds, processSeconds: best.seconds,
  rtf: best.seconds / audioSeconds, segments: best.segments, runs: results.map(r => r.seconds)}));
