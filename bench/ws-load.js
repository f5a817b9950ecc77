// Load generator for docs/benchmarks.md: N concurrent real-time PCM16 sessions on /ws/audio.
// Each session streams a 16 kHz WAV in 20 ms binary frames paced by the clock and measures, for
// every speech_stopped, the time since it sent the frame that completed the silence ending the
// utterance (the earliest moment the server could know). Usage:
//   node ws-load.js URL WAV SESSIONS SECONDS
'use strict';
const fs = require('fs');
const WebSocket = require('ws');

const [url, wavPath, sessionsArg, secondsArg] = process.argv.slice(2);
const sessions = parseInt(sessionsArg, 10);
const seconds = parseFloat(secondsArg || '30');
const FRAME = 320;                 // samples per 20 ms frame
const PAD = 480;                   // lma.vad.speech-pad-ms = 30 ms
const CONFIRM = 2048 + 512;        // min_silence 100 ms rounded up to windows, plus the window itself

function readPcm(path) {
  const b = fs.readFileSync(path);
  let pos = 12;
  while (pos + 8 <= b.length) {
    const id = b.toString('ascii', pos, pos + 4);
    const size = b.readUInt32LE(pos + 4);
    if (id === 'data') return b.subarray(pos + 8, pos + 8 + size);
    pos += 8 + size + (size & 1);
  }
  throw new Error('no data chunk');
}

const pcm = readPcm(wavPath);
const totalFrames = Math.min(Math.floor(pcm.length / 2 / FRAME), Math.floor(seconds * 50));
const latencies = [];
let errors = 0;
let finished = 0;
let eventLoopLagMax = 0;

function runSession(index) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, {perMessageDeflate: false});
    const sent = new Array(totalFrames);
    let frame = 0;
    let startNs;
    let timer;
    ws.on('open', () => {
      ws.send(JSON.stringify({type: 'config', sample_rate: 16000, encoding: 'pcm16', session_id: `load-${process.pid}-${index}`}));
    });
    ws.on('message', (data) => {
      const now = process.hrtime.bigint();
      const m = JSON.parse(data.toString());
      if (m.type === 'config_ack') {
        startNs = process.hrtime.bigint();
        const tick = () => {
          // Send every frame whose time has come (catches up after timer jitter).
          const due = Math.min(totalFrames, Math.floor(Number(process.hrtime.bigint() - startNs) / 20e6) + 1);
          const lag = Number(process.hrtime.bigint() - startNs) / 1e6 - (due - 1) * 20;
          if (lag > eventLoopLagMax) eventLoopLagMax = lag;
          while (frame < due) {
            sent[frame] = process.hrtime.bigint();
            ws.send(pcm.subarray(frame * FRAME * 2, (frame + 1) * FRAME * 2));
            frame++;
          }
          if (frame >= totalFrames) {
            clearInterval(timer);
            ws.send(JSON.stringify({type: 'end_of_stream'}));
          }
        };
        timer = setInterval(tick, 5);
      } else if (m.type === 'speech_stopped') {
        const needed = Math.round((m.end * 16000 - PAD)) + CONFIRM;
        const f = Math.ceil(needed / FRAME) - 1;
        if (f < frame && sent[f] !== undefined) latencies.push(Number(now - sent[f]) / 1e6);
      } else if (m.type === 'error') {
        errors++;
        console.error(`session ${index}: ${data}`);
      } else if (m.type === 'stream_ended') {
        finished++;
      }
    });
    ws.on('close', () => { clearInterval(timer); resolve(); });
    ws.on('error', (e) => { errors++; console.error(`session ${index}: ${e.message}`); resolve(); });
  });
}

(async () => {
  const all = [];
  for (let i = 0; i < sessions; i++) {
    all.push(runSession(i));
    await new Promise((r) => setTimeout(r, 20 / Math.max(1, sessions / 10)));  // stagger frame phases
  }
  await Promise.all(all);
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN;
  console.log(JSON.stringify({sessions, seconds: totalFrames / 50, utterances: latencies.length, finished, errors,
    p50_ms: +q(0.50).toFixed(1), p95_ms: +q(0.95).toFixed(1), p99_ms: +q(0.99).toFixed(1),
    max_ms: +(latencies[latencies.length - 1] || NaN).toFixed(1), client_timer_lag_max_ms: +eventLoopLagMax.toFixed(1)}));
})();
