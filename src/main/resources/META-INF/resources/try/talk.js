// The try-it page's Talk section: a voice conversation over the service's Gemini Live WebSocket
// (docs/gemini.md): the microphone in (16 kHz PCM, the service's VAD finds the turns), the answer
// spoken back (24 kHz PCM, played as it arrives), both sides' text. Speaking over an answer
// interrupts it (the service sends "interrupted"); the Interrupt button silences it here and skips
// the rest of that answer.
import { openMicrophone } from './microphone.js';

const $ = (id) => document.getElementById(id);
const RATE = 24000;

let live = null; // { socket, mic, speaker: AudioContext, sources, next, skip }

function line(who, text) {
  const log = $('talk-log');
  const last = log.lastElementChild;
  // the answer's sentences arrive one by one: they join its line
  if (last && last.dataset.who === who && who === 'assistant' && !last.dataset.done) {
    last.querySelector('.said').textContent += (last.querySelector('.said').textContent ? ' ' : '') + text;
    return;
  }
  const li = document.createElement('li');
  li.dataset.who = who;
  const name = document.createElement('span');
  name.className = 'who';
  name.textContent = who === 'you' ? 'You' : 'Assistant';
  const said = document.createElement('span');
  said.className = 'said';
  said.textContent = text;
  li.append(name, said);
  log.appendChild(li);
}

function endAnswer() {
  const last = $('talk-log').lastElementChild;
  if (last && last.dataset.who === 'assistant') last.dataset.done = 'true';
}

function silence() {
  for (const s of live.sources) {
    try { s.stop(); } catch (e) { /* already ended */ }
  }
  live.sources.clear();
  live.next = 0;
  $('talk').dataset.playing = 'false';
}

function play(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const pcm = new Int16Array(bytes.buffer, 0, bytes.length >> 1);
  const buffer = live.speaker.createBuffer(1, pcm.length, RATE);
  const channel = buffer.getChannelData(0);
  for (let i = 0; i < pcm.length; i++) channel[i] = pcm[i] / 32768;
  const source = live.speaker.createBufferSource();
  source.buffer = buffer;
  source.connect(live.speaker.destination);
  const at = Math.max(live.speaker.currentTime + 0.05, live.next);
  source.start(at);
  live.next = at + buffer.duration;
  live.sources.add(source);
  $('talk').dataset.playing = 'true';
  const session = live; // onended may come after Stop
  source.onended = () => {
    session.sources.delete(source);
    // what was heard, for the page's own check (and a person looking at the Events)
    const talk = $('talk');
    talk.dataset.playedSeconds = (Number(talk.dataset.playedSeconds || 0) + buffer.duration).toFixed(2);
    if (!session.sources.size) talk.dataset.playing = 'false';
  };
}

function onMessage(m) {
  const c = m.serverContent;
  if (m.setupComplete) $('talk-status').textContent = 'listening: speak, and the service answers';
  if (!c) return;
  if (c.inputTranscription) {
    live.skip = false;
    line('you', c.inputTranscription.text);
  }
  if (c.outputTranscription && !live.skip) line('assistant', c.outputTranscription.text);
  for (const part of c.modelTurn?.parts || []) {
    if (part.inlineData && !live.skip) play(part.inlineData.data);
  }
  if (c.interrupted) {
    silence();
    endAnswer();
    $('talk-status').textContent = 'interrupted';
  }
  if (c.turnComplete) {
    live.skip = false;
    endAnswer();
    $('talk-status').textContent = 'listening';
  }
}

/** 20 ms of 16 kHz PCM16 as Live's realtime audio. */
function send(socket, pcm) {
  const bytes = new Uint8Array(pcm);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  socket.send(JSON.stringify({ realtimeInput: { audio: { data: btoa(binary), mimeType: 'audio/pcm;rate=16000' } } }));
}

async function start() {
  $('talk-start').disabled = true;
  try {
    const mic = await openMicrophone((frame) => live?.socket?.readyState === WebSocket.OPEN && send(live.socket, frame.pcm));
    live = { mic, speaker: new AudioContext({ sampleRate: RATE }), sources: new Set(), next: 0, skip: false };
    const url = new URL('/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const key = $('key').value.trim();
    if (key) url.searchParams.set('key', key);
    const socket = new WebSocket(url);
    live.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ setup: {
      model: 'models/local',
      generationConfig: { responseModalities: ['AUDIO'], speechConfig: { languageCode: $('talk-language').value } },
      systemInstruction: { parts: [{ text: 'Answer briefly, in the language you are spoken to.' }] },
      inputAudioTranscription: {}, outputAudioTranscription: {},
    } }));
    socket.onmessage = (e) => onMessage(JSON.parse(typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data)));
    socket.onclose = (e) => {
      $('talk-status').textContent = `ended${e.code !== 1000 && e.code !== 1005 ? ` (${e.code}${e.reason ? ': ' + e.reason : ''})` : ''}`;
      stop();
    };
    $('talk-stop').disabled = false;
    $('talk-interrupt').disabled = false;
    $('talk-status').textContent = 'connecting…';
  } catch (e) {
    $('talk-status').textContent = 'microphone: ' + e.message;
    $('talk-start').disabled = false;
  }
}

function stop() {
  if (!live) return;
  const { socket, mic, speaker } = live;
  silence();
  mic.close();
  speaker.close();
  if (socket.readyState === WebSocket.OPEN) socket.close(1000);
  live = null;
  $('talk-start').disabled = false;
  $('talk-stop').disabled = true;
  $('talk-interrupt').disabled = true;
}

function interrupt() {
  if (!live) return;
  // the protocol has no "stop" for an answer when the service finds the turns itself: silence it here,
  // and skip what is left of it until the next turn
  live.skip = true;
  silence();
  endAnswer();
  $('talk-status').textContent = 'interrupted: speak when you like';
}

$('talk-start').addEventListener('click', start);
$('talk-stop').addEventListener('click', stop);
$('talk-interrupt').addEventListener('click', interrupt);
