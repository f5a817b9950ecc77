// A Gemini Live session through @google/genai whose messages are recorded, for the scripts that drive
// the service's Live socket (gemini-live.mjs, gemini-speech.mjs): `until(pred)` waits for a message
// that matches, `closed()` says how the socket closed.
export async function openLive(ai, model, config) {
  const messages = [];
  const waiters = [];
  let closed = null;
  const session = await ai.live.connect({
    model, config,
    callbacks: {
      onmessage: (m) => {
        messages.push(m);
        for (const w of [...waiters]) {
          if (w.pred(m)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(m);
          }
        }
      },
      onclose: (e) => { closed = {code: e.code, reason: e.reason}; waiters.forEach((w) => w.reject(new Error('closed ' + e.code + ' ' + e.reason))); },
      onerror: () => {},
    },
  });
  const until = (pred, ms = 90000) => new Promise((resolve, reject) => {
    const seen = messages.find(pred);
    if (seen) return resolve(seen);
    waiters.push({pred, resolve, reject});
    // unref: a pending deadline does not keep the script alive once everything is done
    setTimeout(() => reject(new Error('timed out; received ' + JSON.stringify(messages).slice(0, 2000))), ms).unref();
  });
  return {session, messages, until, closed: () => closed};
}
