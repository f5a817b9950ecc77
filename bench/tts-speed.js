// /v1/audio/speech with the built-in voice against espeak-ng's own command line on the same texts:
// time to the first audio byte, whole synthesis, real-time factor (bench/tts-speed.sh runs it).
// Usage: node bench/tts-speed.js BASE_URL ROUNDS
const { execFileSync } = require('node:child_process');

const [base, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg || 5);
const texts = {
  sentence: 'There is a step in front of you, about two metres ahead.',
  paragraph: 'The meeting moved to Thursday at ten. Maria will call the supplier about the delayed parts, '
    + 'and Tom reviews the budget before then. Remember to bring the signed contract, the new badge for the '
    + 'visitor, and the printed agenda. If the train is late, send a message to the group so that they can '
    + 'start without you, and ask someone to take notes on the decisions about the second phase.',
};

async function service(text, format = 'pcm') {
  const t0 = process.hrtime.bigint();
  const r = await fetch(`${base}/v1/audio/speech`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'tts-1', voice: 'en-us', input: text, response_format: format }),
  });
  if (r.status !== 200) throw new Error(`status ${r.status}: ${await r.text()}`);
  let first = null; let bytes = 0;
  for await (const chunk of r.body) {
    if (first === null) first = process.hrtime.bigint();
    bytes += chunk.length;
  }
  const end = process.hrtime.bigint();
  return { firstMs: Number(first - t0) / 1e6, totalMs: Number(end - t0) / 1e6, audioS: bytes / 2 / 24000, bytes };
}

function cli(text) {
  const t0 = process.hrtime.bigint();
  const out = execFileSync('espeak-ng', ['-v', 'en-us', '--stdout', text], { maxBuffer: 1 << 28 });
  const end = process.hrtime.bigint();
  return { totalMs: Number(end - t0) / 1e6, audioS: (out.length - 44) / 2 / 22050 };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

(async () => {
  for (const [name, text] of Object.entries(texts)) {
    await service(text); await service(text, 'opus'); cli(text); // warm-up
    const s = []; const c = []; const o = [];
    for (let i = 0; i < rounds; i++) { s.push(await service(text)); o.push(await service(text, 'opus')); c.push(cli(text)); }
    const out = {
      text: name, chars: text.length, rounds,
      service_first_byte_ms: +median(s.map((x) => x.firstMs)).toFixed(1),
      service_total_ms: +median(s.map((x) => x.totalMs)).toFixed(1),
      service_audio_s: +median(s.map((x) => x.audioS)).toFixed(2),
      service_rtf: +median(s.map((x) => x.totalMs / 1000 / x.audioS)).toFixed(4),
      cli_total_ms: +median(c.map((x) => x.totalMs)).toFixed(1),
      cli_audio_s: +median(c.map((x) => x.audioS)).toFixed(2),
      cli_rtf: +median(c.map((x) => x.totalMs / 1000 / x.audioS)).toFixed(4),
    };
    out.total_vs_cli = +(out.service_total_ms / out.cli_total_ms).toFixed(2);
    // the same answer as Ogg Opus (encoded on the synthesis thread): its cost over PCM, and its size
    out.opus_total_ms = +median(o.map((x) => x.totalMs)).toFixed(1);
    out.opus_vs_pcm_total = +(out.opus_total_ms / out.service_total_ms).toFixed(2);
    out.opus_bytes_vs_pcm = +(median(o.map((x) => x.bytes)) / median(s.map((x) => x.bytes))).toFixed(3);
    console.log(JSON.stringify(out));
  }
})().catch((e) => { console.error(e); process.exit(1); });
