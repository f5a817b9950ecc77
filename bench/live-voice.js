// Gemini Live by voice, for docs/benchmarks.md: jfk.wav streamed in real time (100 ms chunks, then
// silence; a turn ends after 2 s of silence, as jfk.wav pauses for up to about 1 s), and the time
// from the end of the recording to the transcription, to the first piece of the answer, and to the
// turn's end; TEXT and AUDIO sessions alternate, so that the cost of the
// voice is measured against the same pipeline's text answer in the same run (bench/live-voice.sh).
// Usage: node bench/live-voice.js WS_URL WAV ROUNDS
const fs = require('node:fs');
const WebSocket = require('ws');

const [url, wavPath, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg || 5);
const pcm = fs.readFileSync(wavPath).subarray(44);
const chunk = 3200; // 100 ms at 16 kHz
const silence = Buffer.alloc(chunk);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function round(modality) {
  const ws = new WebSocket(url);
  const seen = {};
  let t0 = null;
  let audioBytes = 0;
  const done = new Promise((resolve, reject) => {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      const now = performance.now();
      const c = m.serverContent;
      if (m.setupComplete) seen.setup = now;
      if (c?.inputTranscription && seen.heard === undefined) seen.heard = now;
      if (c?.modelTurn && seen.first === undefined) seen.first = now;
      for (const p of c?.modelTurn?.parts ?? []) if (p.inlineData) audioBytes += Buffer.from(p.inlineData.data, 'base64').length;
      if (c?.turnComplete) { seen.complete = now; resolve(); }
    });
    ws.on('close', (code, reason) => reject(new Error(`closed ${code} ${reason}`)));
    ws.on('error', reject);
  });
  await new Promise((r) => ws.on('open', r));
  ws.send(JSON.stringify({setup: {model: 'models/gemini-live-2.5-flash-preview',
    generationConfig: {responseModalities: [modality], temperature: 0, maxOutputTokens: 64},
    inputAudioTranscription: {}, realtimeInputConfig: {automaticActivityDetection: {silenceDurationMs: 2000}}}}));
  while (seen.setup === undefined) await sleep(5);
  const send = (b) => ws.send(JSON.stringify({realtimeInput: {audio: {data: b.toString('base64'), mimeType: 'audio/pcm;rate=16000'}}}));
  const start = performance.now();
  for (let i = 0, n = 0; i < pcm.length; i += chunk, n++) {
    send(pcm.subarray(i, i + chunk));
    await sleep(Math.max(0, start + (n + 1) * 100 - performance.now()));
  }
  t0 = performance.now();
  for (let n = 0; seen.first === undefined && n < 100; n++) {
    send(silence);
    await sleep(Math.max(0, t0 + (n + 1) * 100 - performance.now()));
  }
  await done;
  ws.close();
  return {heardMs: seen.heard - t0, firstMs: seen.first - t0, firstAfterHeardMs: seen.first - seen.heard,
    completeMs: seen.complete - t0, audioS: audioBytes / 2 / 24000};
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
(async () => {
  const runs = {TEXT: [], AUDIO: []};
  for (let r = 0; r < rounds; r++) {
    for (const m of ['TEXT', 'AUDIO']) runs[m].push(await round(m));
  }
  const out = {};
  for (const m of Object.keys(runs)) {
    out[m] = {rounds: runs[m].length};
    for (const k of ['heardMs', 'firstMs', 'firstAfterHeardMs', 'completeMs', 'audioS']) out[m][k] = Number(median(runs[m].map((x) => x[k])).toFixed(k === 'audioS' ? 2 : 1));
  }
  out.voiceOverTextFirst = Number((out.AUDIO.firstMs / out.TEXT.firstMs).toFixed(2));
  out.voiceOverTextAfterHeard = Number((out.AUDIO.firstAfterHeardMs / out.TEXT.firstAfterHeardMs).toFixed(2));
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
