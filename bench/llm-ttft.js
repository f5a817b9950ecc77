// Time to first token and answer speed of OpenAI-compatible chat servers, side by side.
//   node bench/llm-ttft.js ROUNDS PROMPT_WORDS MAX_TOKENS NAME=BASE_URL...
// Each round sends every server the same streamed request, in turn (alternating, so that the
// machine's noise falls on both). The prompt starts with the round number, so no server can reuse
// a cached prefix from an earlier round: every round reads the whole prompt. Prints one JSON line
// per request and a summary line per server (medians). Prompt tokens are the server's own count
// (usage), so prompt tokens/s = prompt tokens / time to first token (which also holds the first
// token's own decode, a few ms, for both).
// LMA_BENCH_PREFIX=shared puts the round number at the end instead: every round then repeats the
// previous round's prompt up to its last words, which measures the reuse of the cached prefix
// (a conversation's history, an analysis' instructions).
'use strict';

const [rounds, words, maxTokens, ...targets] = process.argv.slice(2);
if (!targets.length) {
  console.error('usage: node bench/llm-ttft.js ROUNDS PROMPT_WORDS MAX_TOKENS NAME=BASE_URL...');
  process.exit(2);
}
const servers = targets.map((t) => {
  const i = t.indexOf('=');
  return { name: t.slice(0, i), url: t.slice(i + 1), runs: [] };
});

const WORDS = ('the wearer walked past the market and talked about the meeting on monday with a colleague '
  + 'who asked for the report the budget and the plan for the next quarter before the end of the week').split(' ');

const shared = process.env.LMA_BENCH_PREFIX === 'shared';

function prompt(round) {
  const out = [];
  for (let i = 0; i < Number(words); i++) out.push(WORDS[(i * 7 + (shared ? 0 : round)) % WORDS.length]);
  return shared ? `${out.join(' ')} Round ${round}.` : `Round ${round}. ${out.join(' ')}`;
}

async function one(server, round) {
  const body = {
    model: 'bench', stream: true, stream_options: { include_usage: true }, temperature: 0, seed: 1,
    max_tokens: Number(maxTokens), cache_prompt: shared,
    messages: [{ role: 'system', content: 'Summarise the text.' }, { role: 'user', content: prompt(round) }],
  };
  const t0 = performance.now();
  const res = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${server.name}: HTTP ${res.status} ${await res.text()}`);
  let first = 0; let last = 0; let pieces = 0; let usage = null; let buf = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    buf += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]') continue;
      const msg = JSON.parse(data);
      if (msg.usage) usage = msg.usage;
      const text = msg.choices && msg.choices[0] && msg.choices[0].delta && msg.choices[0].delta.content;
      if (text) {
        const now = performance.now();
        if (!first) first = now;
        last = now;
        pieces++;
      }
    }
  }
  const ttft = first - t0;
  const completion = usage ? usage.completion_tokens : pieces;
  const promptTokens = usage ? usage.prompt_tokens : NaN;
  return {
    server: server.name, round, prompt_tokens: promptTokens, completion_tokens: completion,
    ttft_ms: +ttft.toFixed(1), prompt_tps: +(promptTokens / (ttft / 1000)).toFixed(1),
    answer_tps: completion > 1 ? +((completion - 1) / ((last - first) / 1000)).toFixed(1) : null,
  };
}

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };

(async () => {
  for (const s of servers) await one(s, -1); // warm-up, discarded
  for (let r = 0; r < Number(rounds); r++) {
    for (const s of servers) {
      const run = await one(s, r);
      s.runs.push(run);
      console.log(JSON.stringify(run));
    }
  }
  for (const s of servers) {
    console.log(JSON.stringify({
      server: s.name, rounds: s.runs.length, prompt_tokens: median(s.runs.map((x) => x.prompt_tokens)),
      median_ttft_ms: median(s.runs.map((x) => x.ttft_ms)), median_prompt_tps: median(s.runs.map((x) => x.prompt_tps)),
      median_answer_tps: median(s.runs.map((x) => x.answer_tps).filter((x) => x !== null)),
    }));
  }
})().catch((e) => { console.error(e); process.exit(1); });
