// The official openai client against the service's /v1/audio/speech (run by SpeechEndpointTest).
// Writes each sentence's WAV into OUT_DIR as N.wav, one PCM answer as pcm.raw, and prints one JSON
// document with what each call returned; the Java test asserts (and has the audio recognised).
import OpenAI from 'openai';
import { writeFileSync } from 'node:fs';

const [baseURL, outDir, ...sentences] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0, timeout: 120000 });
const out = { wav: [], errors: {} };

async function failure(call) {
  try {
    const r = await call();
    await r.arrayBuffer();
    return { status: 200 };
  } catch (e) {
    return { status: e.status, code: e.code ?? e.error?.code, message: e.message };
  }
}

for (let i = 0; i < sentences.length; i++) {
  const r = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: sentences[i], response_format: 'wav' });
  const bytes = Buffer.from(await r.arrayBuffer());
  writeFileSync(`${outDir}/${i}.wav`, bytes);
  out.wav.push({ file: `${outDir}/${i}.wav`, bytes: bytes.length, type: r.headers.get('content-type') });
}
const pcm = await client.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'es', input: 'Hola, ¿qué tal?', response_format: 'pcm', speed: 1.5 });
const pcmBytes = Buffer.from(await pcm.arrayBuffer());
writeFileSync(`${outDir}/pcm.raw`, pcmBytes);
out.pcm = { bytes: pcmBytes.length, type: pcm.headers.get('content-type') };
const opus = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: sentences[0], response_format: 'opus' });
const opusBytes = Buffer.from(await opus.arrayBuffer());
writeFileSync(`${outDir}/answer.opus`, opusBytes);
out.opus = { file: `${outDir}/answer.opus`, bytes: opusBytes.length, type: opus.headers.get('content-type') };
const plain = await client.audio.speech.create({ model: 'tts-1', voice: 'nova', input: 'No format named.' });
out.defaultFormat = { type: plain.headers.get('content-type'), bytes: (await plain.arrayBuffer()).byteLength };

out.errors.empty = await failure(() => client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: '' }));
out.errors.huge = await failure(() => client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'word '.repeat(20000) }));
out.errors.voice = await failure(() => client.audio.speech.create({ model: 'tts-1', voice: 'klingon-x', input: 'hello' }));
out.errors.format = await failure(() => client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'hello', response_format: 'aac' }));
out.errors.speed = await failure(() => client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'hello', speed: 10 }));
console.log(JSON.stringify(out));
