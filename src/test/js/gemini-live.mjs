// Google's official @google/genai client against the service's Gemini Live WebSocket (run by
// GeminiLiveTest): httpOptions.baseUrl points it at the service, nothing else changes. Prints one JSON
// document with what each session received; the Java test asserts.
import {readFileSync} from 'node:fs';
import {GoogleGenAI, Modality} from '@google/genai';
import {openLive} from './live-session.mjs';

const [baseUrl, apiKey, wavPath, jpegPath] = process.argv.slice(2);
const ai = new GoogleGenAI({apiKey, httpOptions: {baseUrl}});
const model = 'gemini-live-2.5-flash-preview';
const out = {};

const open = (config) => openLive(ai, model, config);

/** Waits until a session has received nothing new for `quietMs`. */
async function settle(s, quietMs = 2000) {
  let seen = -1;
  while (seen !== s.messages.length) {
    seen = s.messages.length;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

/** What a session's model turns said, and how its turns ended, from the messages seen so far. */
function summary(messages) {
  const texts = [];
  let complete = 0;
  let generationComplete = 0;
  const transcriptions = [];
  const usage = [];
  const handles = [];
  for (const m of messages) {
    const c = m.serverContent;
    if (c?.modelTurn) texts.push(c.modelTurn.parts.map((p) => p.text).join(''));
    if (c?.inputTranscription) transcriptions.push(c.inputTranscription.text);
    if (c?.generationComplete) generationComplete++;
    if (c?.turnComplete) complete++;
    if (m.usageMetadata) usage.push(m.usageMetadata);
    if (m.sessionResumptionUpdate?.newHandle) handles.push(m.sessionResumptionUpdate.newHandle);
  }
  return {texts, complete, generationComplete, transcriptions, usage, handles,
    interrupted: messages.filter((m) => m.serverContent?.interrupted).length};
}

async function failure(config) {
  try {
    const s = await open(config);
    s.session.close();
    return {refused: false};
  } catch (e) {
    return {refused: true, message: e.message};
  }
}

// 1. speech: jfk.wav as 16 kHz PCM in 100 ms chunks, then the end of the audio stream. Its pauses are
// shorter than 2 s: with that silence before a turn ends, it is one turn
const wav = readFileSync(wavPath);
const pcm = wav.subarray(44);
const speech = await open({
  responseModalities: [Modality.TEXT], inputAudioTranscription: {}, sessionResumption: {},
  realtimeInputConfig: {automaticActivityDetection: {silenceDurationMs: 2000}},
  systemInstruction: 'Contesta en una frase.', temperature: 0, maxOutputTokens: 16,
});
for (let i = 0; i < pcm.length; i += 3200) {
  speech.session.sendRealtimeInput({audio: {data: pcm.subarray(i, i + 3200).toString('base64'), mimeType: 'audio/pcm;rate=16000'}});
}
speech.session.sendRealtimeInput({audioStreamEnd: true});
await speech.until((m) => m.serverContent?.turnComplete);
await settle(speech);
out.speech = summary(speech.messages);
out.speech.order = speech.messages.map((m) => Object.keys(m.serverContent ?? m).filter((k) => m.serverContent ? true : k !== 'serverContent').join('+'));

// 2. a typed turn in the same session, then the connection drops; resumed with the last handle, the
// conversation goes on: the prompt of the next turn holds everything said before
const before = speech.messages.length;
speech.session.sendClientContent({turns: 'Y ahora, ¿qué?', turnComplete: true});
await speech.until((m) => speech.messages.indexOf(m) >= before && m.serverContent?.turnComplete);
out.typed = summary(speech.messages.slice(before));
const handle = summary(speech.messages).handles.at(-1);
speech.session.close();
await new Promise((r) => setTimeout(r, 300));

const resumed = await open({responseModalities: [Modality.TEXT], sessionResumption: {handle}, temperature: 0, maxOutputTokens: 16});
resumed.session.sendClientContent({turns: 'Y ahora, ¿qué?', turnComplete: true});
await resumed.until((m) => m.serverContent?.turnComplete);
out.resumed = summary(resumed.messages);
resumed.session.close();

// the same question in a new session: a much shorter prompt
const fresh = await open({responseModalities: [Modality.TEXT], temperature: 0, maxOutputTokens: 16});
fresh.session.sendClientContent({turns: 'Y ahora, ¿qué?', turnComplete: true});
await fresh.until((m) => m.serverContent?.turnComplete);
out.fresh = summary(fresh.messages);
fresh.session.close();

// 3. the wearer speaks over a long answer: it stops, and the client is told
// seeded: unseeded, the answer sometimes ended before the speech was heard, and no interruption could come
const talky = await open({responseModalities: [Modality.TEXT], temperature: 1, seed: 7, maxOutputTokens: 4000});
talky.session.sendClientContent({turns: 'Cuéntame una historia larga.', turnComplete: true});
await talky.until((m) => m.serverContent?.modelTurn);
for (let i = 0; i < pcm.length; i += 3200) {
  talky.session.sendRealtimeInput({audio: {data: pcm.subarray(i, i + 3200).toString('base64'), mimeType: 'audio/pcm;rate=16000'}});
}
await talky.until((m) => m.serverContent?.interrupted);
out.interrupt = summary(talky.messages);
talky.session.close();

// 4. detection off: the client marks the speech (activityStart / activityEnd), audio in the older
// mediaChunks form; a camera frame (latest wins) reaches the LLM as what the detector saw
const manual = await open({
  responseModalities: [Modality.TEXT], inputAudioTranscription: {}, temperature: 0, maxOutputTokens: 4,
  realtimeInputConfig: {automaticActivityDetection: {disabled: true}},
});
manual.session.sendRealtimeInput({activityStart: {}});
for (let i = 0; i < pcm.length; i += 16000) {
  manual.session.sendRealtimeInput({media: {data: pcm.subarray(i, i + 16000).toString('base64'), mimeType: 'audio/pcm;rate=16000'}});
}
manual.session.sendRealtimeInput({activityEnd: {}});
await manual.until((m) => m.serverContent?.turnComplete);
out.manual = summary(manual.messages);
manual.session.close();

const question = async (frame) => {
  const s = await open({responseModalities: [Modality.TEXT], temperature: 0, maxOutputTokens: 4});
  if (frame) {
    s.session.sendRealtimeInput({video: {data: readFileSync(jpegPath).toString('base64'), mimeType: 'image/jpeg'}});
  }
  s.session.sendRealtimeInput({text: '¿Qué ves?'});
  await s.until((m) => m.serverContent?.turnComplete);
  s.session.close();
  return summary(s.messages).usage[0].promptTokenCount;
};
out.frame = {without: await question(false), with: await question(true)};

// 5. a conversation that outgrows the LLM's context (16384 tokens in the test profile): its older
// half leaves the prompt and the turn is answered, instead of the session failing
const long = await open({responseModalities: [Modality.TEXT], temperature: 0, maxOutputTokens: 4});
const filler = 'uno dos tres cuatro cinco seis siete ocho nueve diez '.repeat(250);
for (let turn = 1; turn <= 2; turn++) {
  long.session.sendClientContent({turns: filler, turnComplete: true});
  await long.until(() => summary(long.messages).complete === turn);
}
out.long = {...summary(long.messages), closed: long.closed()};
delete out.long.texts;
long.session.close();

// 6. refusals close the socket with Google's status in the reason; connect() rejects with it
out.imageModality = await failure({responseModalities: [Modality.IMAGE]});
out.unknownHandle = await failure({responseModalities: [Modality.TEXT], sessionResumption: {handle: 'not-a-handle'}});
out.tools = await failure({responseModalities: [Modality.TEXT], tools: [{googleSearch: {}}]});
const bad = await open({responseModalities: [Modality.TEXT]});
bad.session.sendRealtimeInput({audio: {data: 'AAAA', mimeType: 'audio/ogg'}});
await new Promise((r) => setTimeout(r, 1500));
out.badPart = bad.closed();

console.log(JSON.stringify(out));
