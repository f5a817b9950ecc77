// Saturating photo load for docs/benchmarks.md: CONCURRENCY clients post the image to
// /vision/frame_b64 back to back (no session id, so nothing is superseded) for SECONDS.
// Prints analysed frames/s, 503 count and client-side latency of analysed frames.
// Usage: node vision-load.js BASE_URL IMAGE CONCURRENCY SECONDS [BACKOFF_MS]
// BACKOFF_MS: wait after a 503 (default: the Retry-After the server sends, as apps should).
'use strict';
const fs = require('fs');
const http = require('http');

const [base, imagePath, concArg, secArg] = process.argv.slice(2);
const body = JSON.stringify({image_b64: fs.readFileSync(imagePath).toString('base64')});
const concurrency = parseInt(concArg, 10);
const seconds = parseFloat(secArg);
const backoffArg = process.argv[6];
const agent = new http.Agent({keepAlive: true, maxSockets: concurrency});
const url = new URL('/vision/frame_b64', base);
const latencies = [];
const serverTotals = [];
let busy = 0;
let other = 0;
const end = Date.now() + seconds * 1000;

function once() {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(url, {method: 'POST', agent, headers: {'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body)}}, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => {
        if (res.statusCode === 200) {
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          serverTotals.push(JSON.parse(data).timings.total_ms);
        } else if (res.statusCode === 503) {
          busy++;
        } else {
          other++;
        }
        resolve({status: res.statusCode, retryAfter: parseFloat(res.headers['retry-after'] || '1')});
      });
    });
    req.on('error', () => { other++; resolve({status: 0, retryAfter: 1}); });
    req.end(body);
  });
}

async function client() {
  while (Date.now() < end) {
    const r = await once();
    if (r.status === 503) {
      const wait = backoffArg !== undefined ? parseFloat(backoffArg) : r.retryAfter * 1000;
      await new Promise((res) => setTimeout(res, wait));
    }
  }
}

(async () => {
  const t0 = Date.now();
  await Promise.all(Array.from({length: concurrency}, client));
  const elapsed = (Date.now() - t0) / 1000;
  const q = (a, p) => { const s = [...a].sort((x, y) => x - y); return s.length ? +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1) : null; };
  console.log(JSON.stringify({concurrency, seconds: +elapsed.toFixed(1), analysed: latencies.length,
    frames_per_s: +(latencies.length / elapsed).toFixed(2), busy_503: busy, other_errors: other,
    client_p50_ms: q(latencies, 0.5), client_p99_ms: q(latencies, 0.99), server_total_p50_ms: q(serverTotals, 0.5)}));
})();
