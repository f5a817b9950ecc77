// The official openai client against the service's /v1/chat/completions and /v1/models (run by
// OpenAiClientTest). Prints one JSON document with what each call returned; the Java test asserts.
import OpenAI from 'openai';

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: apiKey || 'unused', maxRetries: 0, timeout: 120000 });
const messages = [
  { role: 'system', content: 'Eres un asistente que responde en español.' },
  { role: 'user', content: 'Resume: mañana llamamos al proveedor y revisamos el presupuesto.' },
];
const out = {};

async function failure(call) {
  try {
    await call();
    return { status: 200 };
  } catch (e) {
    return { status: e.status, code: e.code ?? e.error?.code, message: e.message, kind: e.constructor.name };
  }
}

const models = await client.models.list();
out.models = models.data.map((m) => m.id);

const plain = await client.chat.completions.create({ model: out.models[0], messages, temperature: 0, max_tokens: 24 });
out.plain = {
  content: plain.choices[0].message.content, role: plain.choices[0].message.role,
  finish: plain.choices[0].finish_reason, usage: plain.usage, object: plain.object,
};

const stream = await client.chat.completions.create({
  model: out.models[0], messages, temperature: 0, max_tokens: 24, stream: true, stream_options: { include_usage: true },
});
out.stream = { deltas: [], ids: new Set(), finish: null, usage: null, roles: [] };
for await (const chunk of stream) {
  out.stream.ids.add(chunk.id);
  if (chunk.usage) out.stream.usage = chunk.usage;
  for (const choice of chunk.choices) {
    if (choice.delta?.role) out.stream.roles.push(choice.delta.role);
    if (choice.delta?.content) out.stream.deltas.push(choice.delta.content);
    if (choice.finish_reason) out.stream.finish = choice.finish_reason;
  }
}
out.stream.ids = [...out.stream.ids];

const schema = {
  type: 'object',
  properties: { ciudad: { type: 'string', maxLength: 20 }, personas: { type: 'integer', minimum: 0, maximum: 99 } },
  required: ['ciudad', 'personas'],
  additionalProperties: false,
};
out.jsonSchema = [];
for (const seed of [1, 2, 3]) {
  const r = await client.chat.completions.create({
    model: out.models[0], messages, temperature: 1, seed, max_tokens: 200,
    response_format: { type: 'json_schema', json_schema: { name: 'reunion', schema, strict: true } },
  });
  out.jsonSchema.push(r.choices[0].message.content);
}
const obj = await client.chat.completions.create({
  model: out.models[0], messages, temperature: 1, seed: 4, max_tokens: 300, response_format: { type: 'json_object' },
});
out.jsonObject = { content: obj.choices[0].message.content, finish: obj.choices[0].finish_reason };

out.emptyMessages = await failure(() => client.chat.completions.create({ model: 'x', messages: [] }));
out.badTemperature = await failure(() => client.chat.completions.create({ model: 'x', messages, temperature: 7 }));
out.tooLong = await failure(() => client.chat.completions.create({ model: 'x', messages, max_tokens: 10000000 }));

console.log(JSON.stringify(out));
