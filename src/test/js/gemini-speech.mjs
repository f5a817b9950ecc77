// Google's official @google/genai client asks the service for spoken answers (run by GeminiSpeechTest):
// generateContent with a speech model and with responseModalities AUDIO, streamed and whole, and a
// Gemini Live session that answers by voice. Writes the PCM it got into OUT_DIR and prints one JSON
// document with what each call returned; the Java test asserts (and has the audio recognised).
import {readFileSync, writeFileSync} from 'node:fs';
import {GoogleGenAI, Modality} from '@google/genai';
import {openLive} from './live-session.mjs';

const [baseUrl, outDir, wavPath, ...sentences] = process.argv.slice(2);
const ai = new GoogleGenAI({apiKey: 'any-key', httpOptions: {baseUrl}});
const out = {rest: {}, errors: {}, live: {}};

const speechModel = 'gemini-2.5-flash-preview-tts';
const kore = {voiceConfig: {prebuiltVoiceConfig: {voiceName: 'Kore'}}};

/** The audio parts of a response: their mime types, and their bytes joined. */
function audio(response) {
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  const inline = parts.filter((p) => p.inlineData);
  return {
    mimeTypes: [...new Set(inline.map((p) => p.inlineData.mimeType))],
    bytes: Buffer.concat(inline.map((p) => Buffer.from(p.inlineData.data, 'base64'))),
    texts: parts.filter((p) => p.text !== undefined).map((p) => p.text),
    finishReason: response.candidates?.[0]?.finishReason ?? null,
    usage: response.usageMetadata ?? null,
  };
}

async function failure(call) {
  try {
    const r = await call();
    if (r && r[Symbol.asyncIterator]) {
      for await (const _ of r) { /* drain */ }
    }
    return {status: 200};
  } catch (e) {
    return {status: e.status, message: e.message};
  }
}

// 1. a speech model speaks the text it is given, each sentence into its own file
out.rest.sentences = [];
for (let i = 0; i < sentences.length; i++) {
  const r = audio(await ai.models.generateContent({
    model: speechModel, contents: sentences[i], config: {responseModalities: [Modality.AUDIO], speechConfig: kore},
  }));
  writeFileSync(`${outDir}/rest-${i}.pcm`, r.bytes);
  out.rest.sentences.push({file: `${outDir}/rest-${i}.pcm`, mimeTypes: r.mimeTypes, bytes: r.bytes.length, texts: r.texts,
    finishReason: r.finishReason});
}
// the first sentence again, streamed: the same audio in several events
{
  const events = [];
  for await (const chunk of await ai.models.generateContentStream({
    model: speechModel, contents: sentences[0], config: {responseModalities: [Modality.AUDIO], speechConfig: kore},
  })) {
    events.push(audio(chunk));
  }
  const joined = Buffer.concat(events.map((e) => e.bytes));
  writeFileSync(`${outDir}/rest-stream.pcm`, joined);
  out.rest.streamed = {file: `${outDir}/rest-stream.pcm`, events: events.length,
    audioEvents: events.filter((e) => e.bytes.length > 0).length, finishReason: events.at(-1).finishReason};
}

// 2. another model name: the LLM answers, and its answer is spoken (and written, when TEXT is asked for too)
const llmConfig = {temperature: 0, maxOutputTokens: 24, seed: 3};
const written = await ai.models.generateContent({model: 'gemini-2.5-flash', contents: 'Hola, ¿qué tal?', config: llmConfig});
out.rest.text = written.text;
const spoken = audio(await ai.models.generateContent({model: 'gemini-2.5-flash', contents: 'Hola, ¿qué tal?',
  config: {...llmConfig, responseModalities: [Modality.AUDIO], speechConfig: {languageCode: 'es-ES'}}}));
out.rest.llmAudio = {mimeTypes: spoken.mimeTypes, bytes: spoken.bytes.length, texts: spoken.texts, usage: spoken.usage};
const both = audio(await ai.models.generateContent({model: 'gemini-2.5-flash', contents: 'Hola, ¿qué tal?',
  config: {...llmConfig, responseModalities: [Modality.TEXT, Modality.AUDIO], speechConfig: {languageCode: 'es-ES'}}}));
out.rest.both = {mimeTypes: both.mimeTypes, bytes: both.bytes.length, texts: both.texts};
{
  const events = [];
  for await (const chunk of await ai.models.generateContentStream({model: 'gemini-2.5-flash', contents: 'Hola, ¿qué tal?',
    config: {...llmConfig, responseModalities: [Modality.AUDIO], speechConfig: {languageCode: 'es-ES'}}})) {
    events.push(audio(chunk));
  }
  out.rest.llmStreamed = {events: events.length, bytes: events.reduce((n, e) => n + e.bytes.length, 0),
    texts: events.flatMap((e) => e.texts).join(''), finishReason: events.at(-1).finishReason, usage: events.at(-1).usage};
}

// 3. refusals, in Google's shape
const ask = (model, contents, config) => failure(() => ai.models.generateContent({model, contents, config}));
out.errors.voice = await ask(speechModel, 'hello', {responseModalities: [Modality.AUDIO],
  speechConfig: {voiceConfig: {prebuiltVoiceConfig: {voiceName: 'Nobody'}}}});
out.errors.language = await ask(speechModel, 'hello', {responseModalities: [Modality.AUDIO], speechConfig: {languageCode: 'xx-YY'}});
out.errors.image = await ask('gemini-2.5-flash', 'hello', {responseModalities: [Modality.IMAGE]});
out.errors.json = await ask('gemini-2.5-flash', 'hello', {responseModalities: [Modality.AUDIO], responseMimeType: 'application/json'});
out.errors.huge = await ask(speechModel, 'word '.repeat(2000), {responseModalities: [Modality.AUDIO]});
out.errors.streamedVoice = await failure(() => ai.models.generateContentStream({model: speechModel, contents: 'hello',
  config: {responseModalities: [Modality.AUDIO], speechConfig: {voiceConfig: {prebuiltVoiceConfig: {voiceName: 'Nobody'}}}}}));

// 4. Gemini Live answering by voice
const open = (config) => openLive(ai, 'gemini-live-2.5-flash-preview', config);

const isAudio = (m) => m.serverContent?.modelTurn?.parts?.some((p) => p.inlineData);
function liveSummary(messages) {
  const parts = messages.flatMap((m) => m.serverContent?.modelTurn?.parts ?? []);
  return {
    mimeTypes: [...new Set(parts.filter((p) => p.inlineData).map((p) => p.inlineData.mimeType))],
    bytes: Buffer.concat(parts.filter((p) => p.inlineData).map((p) => Buffer.from(p.inlineData.data, 'base64'))),
    texts: parts.filter((p) => p.text !== undefined).map((p) => p.text),
    transcription: messages.map((m) => m.serverContent?.outputTranscription?.text).filter((t) => t !== undefined),
    order: messages.map((m) => m.setupComplete ? 'setupComplete' : isAudio(m) ? 'audio'
      : Object.keys(m.serverContent ?? m).join('+')),
  };
}

const liveConfig = {temperature: 0, maxOutputTokens: 32, seed: 5};
const textual = await open({...liveConfig, responseModalities: [Modality.TEXT]});
textual.session.sendClientContent({turns: 'Tell me about your day.', turnComplete: true});
await textual.until((m) => m.serverContent?.turnComplete);
out.live.text = liveSummary(textual.messages).texts.join('');
textual.session.close();

const voice = await open({...liveConfig, responseModalities: [Modality.AUDIO], outputAudioTranscription: {},
  speechConfig: {voiceConfig: {prebuiltVoiceConfig: {voiceName: 'Puck'}}, languageCode: 'en-US'}});
voice.session.sendClientContent({turns: 'Tell me about your day.', turnComplete: true});
await voice.until((m) => m.serverContent?.turnComplete);
{
  const s = liveSummary(voice.messages);
  writeFileSync(`${outDir}/live.pcm`, s.bytes);
  out.live.audio = {file: `${outDir}/live.pcm`, mimeTypes: s.mimeTypes, bytes: s.bytes.length, texts: s.texts,
    transcription: s.transcription, order: s.order};
}
voice.session.close();

// the wearer speaks over a long spoken answer: it stops, and no audio of it follows "interrupted"
const pcm = readFileSync(wavPath).subarray(44);
const talky = await open({responseModalities: [Modality.AUDIO], inputAudioTranscription: {}, temperature: 1, seed: 7,
  maxOutputTokens: 4000});
talky.session.sendClientContent({turns: 'Cuéntame una historia larga.', turnComplete: true});
await talky.until(isAudio);
for (let i = 0; i < pcm.length; i += 3200) {
  talky.session.sendRealtimeInput({audio: {data: pcm.subarray(i, i + 3200).toString('base64'), mimeType: 'audio/pcm;rate=16000'}});
}
await talky.until((m) => m.serverContent?.interrupted);
await new Promise((r) => setTimeout(r, 3000));
{
  // what follows "interrupted" up to the transcription of what the wearer said (the answer to that comes after it)
  const at = talky.messages.findIndex((m) => m.serverContent?.interrupted);
  let next = talky.messages.findIndex((m, i) => i > at && m.serverContent?.inputTranscription);
  next = next < 0 ? talky.messages.length : next;
  const before = liveSummary(talky.messages.slice(0, at));
  out.live.interrupt = {audioBefore: before.bytes.length, audioAfter: talky.messages.slice(at + 1, next).filter(isAudio).length,
    heard: next < talky.messages.length,
    turnCompleteBefore: talky.messages.slice(0, at).filter((m) => m.serverContent?.turnComplete).length};
}
talky.session.close();

// the same with detection off: activityStart interrupts, and no new turn follows (no activityEnd), so any
// audio after "interrupted" would be the interrupted answer's
const marked = await open({responseModalities: [Modality.AUDIO], temperature: 1, seed: 7, maxOutputTokens: 4000,
  realtimeInputConfig: {automaticActivityDetection: {disabled: true}}});
marked.session.sendClientContent({turns: 'Cuéntame una historia larga.', turnComplete: true});
await marked.until(isAudio);
marked.session.sendRealtimeInput({activityStart: {}});
await marked.until((m) => m.serverContent?.interrupted);
await new Promise((r) => setTimeout(r, 3000));
{
  const at = marked.messages.findIndex((m) => m.serverContent?.interrupted);
  out.live.activityInterrupt = {audioBefore: liveSummary(marked.messages.slice(0, at)).bytes.length,
    audioAfter: marked.messages.slice(at + 1).filter(isAudio).length,
    turnCompleteAfter: marked.messages.slice(at + 1).filter((m) => m.serverContent?.turnComplete).length};
}
marked.session.close();

async function refused(config) {
  try {
    const s = await open(config);
    await s.until(() => false, 3000).catch(() => {});
    const c = s.closed();
    s.session.close();
    return c ?? {code: 0, reason: 'not closed'};
  } catch (e) {
    return {code: -1, reason: e.message};
  }
}
out.live.badVoice = await refused({responseModalities: [Modality.AUDIO], speechConfig: {voiceConfig: {prebuiltVoiceConfig: {voiceName: 'Nobody'}}}});
out.live.twoModalities = await refused({responseModalities: [Modality.TEXT, Modality.AUDIO]});

console.log(JSON.stringify(out));
