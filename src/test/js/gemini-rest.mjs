// Google's official @google/genai client against the service's Gemini REST API (run by GeminiApiTest):
// httpOptions.baseUrl points it at the service, nothing else changes. Prints one JSON document with
// what each call returned; the Java test asserts.
import {readFileSync} from 'node:fs';
import {GoogleGenAI, Type} from '@google/genai';

const [baseUrl, apiKey, apiVersion, jpegPath, wavPath, oggPath] = process.argv.slice(2);
const ai = new GoogleGenAI({apiKey: apiKey || 'unused', httpOptions: {baseUrl, apiVersion: apiVersion || undefined}});
const model = 'gemini-2.5-flash';
const contents = 'Resume: mañana llamamos al proveedor y revisamos el presupuesto.';
const out = {};

async function failure(call) {
  try {
    await call();
    return {status: 200};
  } catch (e) {
    return {status: e.status, message: e.message, kind: e.constructor.name};
  }
}

const plain = await ai.models.generateContent({
  model, contents, config: {systemInstruction: 'Responde en español.', temperature: 0, maxOutputTokens: 24},
});
out.plain = {
  text: plain.text, role: plain.candidates[0].content.role, finish: plain.candidates[0].finishReason,
  usage: plain.usageMetadata, modelVersion: plain.modelVersion, responseId: plain.responseId,
};

const chunks = [];
let last;
for await (const c of await ai.models.generateContentStream({
  model, contents, config: {systemInstruction: 'Responde en español.', temperature: 0, maxOutputTokens: 24},
})) {
  chunks.push(c.text ?? '');
  last = c;
}
out.stream = {chunks, finish: last.candidates[0].finishReason, usage: last.usageMetadata};

const schema = await ai.models.generateContent({
  model, contents: 'Ciudad y número de personas.',
  config: {
    temperature: 0.7, seed: 3, maxOutputTokens: 200, responseMimeType: 'application/json',
    responseSchema: {
      type: Type.OBJECT, propertyOrdering: ['ciudad', 'personas'], required: ['ciudad', 'personas'],
      properties: {ciudad: {type: Type.STRING, maxLength: '20'}, personas: {type: Type.INTEGER, minimum: 0, maximum: 99}},
    },
  },
});
out.schema = {text: schema.text, finish: schema.candidates[0].finishReason};

// the same question alone, with a photo, and with a recording: what the service's models made of the media
// reaches the LLM as text, so the prompt grows
const question = '¿Qué hay y qué se dice?';
const usage = async (parts) => (await ai.models.generateContent({
  model, contents: [{role: 'user', parts}], config: {temperature: 0, maxOutputTokens: 4},
})).usageMetadata.promptTokenCount;
out.media = {
  textOnly: await usage([{text: question}]),
  withImage: await usage([{text: question}, {inlineData: {mimeType: 'image/jpeg', data: readFileSync(jpegPath).toString('base64')}}]),
  withAudio: await usage([{text: question}, {inlineData: {mimeType: 'audio/wav', data: readFileSync(wavPath).toString('base64')}}]),
  withOgg: await usage([{text: question}, {inlineData: {mimeType: 'audio/ogg', data: readFileSync(oggPath).toString('base64')}}]),
};
out.media.counted = (await ai.models.countTokens({model, contents: [{role: 'user', parts: [{text: question}]}]})).totalTokens;
out.imagePart = await failure(() => ai.models.generateContent({
  model, contents: [{role: 'user', parts: [{text: '¿Qué hay?'}, {inlineData: {mimeType: 'image/jpeg', data: '/9j/4AAQ'}}]}],
}));
out.oggPart = await failure(() => ai.models.generateContent({
  model, contents: [{role: 'user', parts: [{inlineData: {mimeType: 'audio/ogg', data: 'T2dnUw=='}}]}],
}));
out.imageModality = await failure(() => ai.models.generateContent({model, contents, config: {responseModalities: ['IMAGE']}}));
out.twoCandidates = await failure(() => ai.models.generateContent({model, contents, config: {candidateCount: 2}}));

const listed = [];
for await (const m of await ai.models.list()) {
  listed.push(m.name);
}
out.models = listed;
const one = await ai.models.get({model});
out.model = {name: one.name, version: one.version, inputTokenLimit: one.inputTokenLimit};

console.log(JSON.stringify(out));
