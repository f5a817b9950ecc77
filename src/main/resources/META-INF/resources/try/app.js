// The try-it page: the /ws/audio protocol (docs/protocol.md) from the microphone, /vision/frame from
// the camera, /sessions for what is stored. Plain modules, no build step.
import { openMicrophone } from './microphone.js';

const $ = (id) => document.getElementById(id);
const KEY = 'lma.key';

$('key').value = sessionStorage.getItem(KEY) || '';
$('key').addEventListener('change', () => sessionStorage.setItem(KEY, $('key').value.trim()));
$('key-form').addEventListener('submit', (e) => e.preventDefault());
const key = () => $('key').value.trim();

async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  if (key()) headers.set('Authorization', 'Bearer ' + key());
  const response = await fetch(path, { ...options, headers });
  const body = response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    const error = body && body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${response.status}`;
    throw new Error(error);
  }
  return body;
}

function item(list, text, className) {
  const li = document.createElement('li');
  li.textContent = text;
  if (className) li.className = className;
  list.appendChild(li);
  return li;
}

// ---- microphone ------------------------------------------------------------------------------
let socket = null;
let audio = null;  // the open microphone

function event(text) {
  item($('events'), text);
  const list = $('events');
  while (list.children.length > 200) list.removeChild(list.firstChild);
}

function setSpeaking(on) {
  $('speaking').dataset.speaking = String(on);
  $('speaking').textContent = on ? 'speaking' : 'silent';
}

function showLevel(peak) {
  const percent = Math.min(100, Math.round(Math.sqrt(peak) * 100));
  $('level').style.width = percent + '%';
  $('level').parentElement.setAttribute('aria-valuenow', String(percent));
}

function onMessage(m) {
  event(`${m.type}${m.code ? ' ' + m.code : ''}${m.segment_id !== undefined ? ' #' + m.segment_id : ''}`);
  switch (m.type) {
    case 'config_ack': $('audio-status').textContent = `listening (${m.language}, session ${m.session_id})`; break;
    case 'speech_started': setSpeaking(true); break;
    case 'speech_stopped': setSpeaking(false); break;
    case 'partial_result': {
      const li = item($('transcript'), '');
      const time = document.createElement('span');
      time.className = 'time';
      time.textContent = `${m.start.toFixed(1)}–${m.end.toFixed(1)} s`;
      const speaker = document.createElement('span');
      speaker.className = 'speaker';
      speaker.textContent = m.speaker || 'S1';
      li.append(time, speaker, document.createTextNode(m.text || '(no words)'));
      if (m.speaker_turns) {
        // the voice changed inside the utterance: who spoke when
        const turns = document.createElement('span');
        turns.className = 'turns';
        turns.textContent = ' (' + m.speaker_turns.map((t) => `${t.speaker} ${t.start.toFixed(1)}–${t.end.toFixed(1)} s`).join(', ') + ')';
        li.append(turns);
      }
      li.dataset.segment = m.segment_id;
      break;
    }
    case 'notice': $('audio-status').textContent = m.message; break;
    case 'error': $('audio-status').textContent = `${m.code}: ${m.message}`; break;
    case 'final_result': showFinal(m); break;
    case 'stream_ended':
      $('audio-status').textContent = `ended: ${m.received_seconds.toFixed(1)} s of audio, ${m.segments} utterances`;
      socket.close();
      refreshSessions();
      break;
    case 'reconnect': $('audio-status').textContent = 'the server restarts; press Start again to continue'; break;
  }
}

function showFinal(m) {
  $('final').hidden = false;
  // the end of the session may relabel speakers: show the final labels on the lines already there
  for (const line of m.transcript || []) {
    const shown = document.querySelector(`#transcript li[data-segment="${line.segment_id}"] .speaker`);
    if (shown) shown.textContent = line.speaker;
  }
  const a = m.analysis || {};
  $('analysis-status').textContent = `analysis: ${a.status}${a.reason ? ' — ' + a.reason : ''}${a.model ? ' (' + a.model + ')' : ''}`;
  $('summary').textContent = m.summary || '—';
  $('actions').replaceChildren();
  for (const action of m.action_items || []) {
    const li = item($('actions'), `${action.title}${action.description ? ': ' + action.description : ''}`);
    if (action.steps && action.steps.length) {
      const steps = document.createElement('ol');
      action.steps.forEach((s) => item(steps, s));
      li.appendChild(steps);
    }
  }
  $('session-risks').replaceChildren();
  (m.risks || []).forEach((r) => item($('session-risks'), typeof r === 'string' ? r : JSON.stringify(r)));
}

async function start() {
  $('start').disabled = true;
  $('transcript').replaceChildren();
  $('final').hidden = true;
  try {
    let acknowledged = false;
    audio = await openMicrophone((frame) => {
      showLevel(frame.peak);
      if (acknowledged && socket.readyState === WebSocket.OPEN) socket.send(frame.pcm);
    });
    const url = new URL('/ws/audio', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (key()) url.searchParams.set('token', key());
    socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => socket.send(JSON.stringify({ type: 'config', sample_rate: 16000, encoding: 'pcm16', language: $('language').value }));
    socket.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.type === 'config_ack') acknowledged = true;
      onMessage(m);
    };
    socket.onclose = (e) => {
      if (e.code !== 1000) $('audio-status').textContent += ` (closed ${e.code}${e.reason ? ': ' + e.reason : ''})`;
      stopMicrophone();
      $('start').disabled = false;
      $('stop').disabled = true;
    };
    $('stop').disabled = false;
    $('audio-status').textContent = 'connecting…';
  } catch (e) {
    $('audio-status').textContent = 'microphone: ' + e.message;
    $('start').disabled = false;
  }
}

function stopMicrophone() {
  if (!audio) return;
  audio.close();
  audio = null;
  showLevel(0);
  setSpeaking(false);
}

function stop() {
  $('stop').disabled = true;
  stopMicrophone();
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ type: 'end_of_stream' }));
    $('audio-status').textContent = 'finishing: transcribing the rest and analysing…';
  }
}

$('start').addEventListener('click', start);
$('stop').addEventListener('click', stop);

// ---- camera ----------------------------------------------------------------------------------
let camera = null;
let timer = null;
let busy = false;

async function toggleCamera() {
  if (camera) {
    camera.getTracks().forEach((t) => t.stop());
    camera = null;
    $('preview').hidden = true;
    $('camera').textContent = 'Start camera';
    $('snap').disabled = $('auto-snap').disabled = true;
    $('auto-snap').checked = false;
    clearInterval(timer);
    return;
  }
  try {
    camera = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 } } });
    $('preview').srcObject = camera;
    $('preview').hidden = false;
    await $('preview').play();
    $('camera').textContent = 'Stop camera';
    $('snap').disabled = $('auto-snap').disabled = false;
  } catch (e) {
    $('vision-status').textContent = 'camera: ' + e.message;
  }
}

function snap() {
  const video = $('preview');
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d').drawImage(video, 0, 0);
  canvas.toBlob((blob) => blob && send(blob), 'image/jpeg', 0.9);
}

async function send(blob) {
  if (busy) return;  // one photo at a time: the service answers fast or refuses (busy)
  busy = true;
  $('vision-status').textContent = 'looking…';
  try {
    const form = new FormData();
    form.append('file', blob, 'photo.jpg');
    form.append('language', $('language').value === 'en' ? 'en' : 'es');
    const result = await api('/vision/frame', { method: 'POST', body: form });
    await draw(blob, result);
    $('vision-status').textContent = `${result.objects.length} objects in ${Math.round(result.timings.total_ms)} ms`;
  } catch (e) {
    $('vision-status').textContent = 'vision: ' + e.message;
  } finally {
    busy = false;
  }
}

async function draw(blob, result) {
  const image = await createImageBitmap(blob);
  const canvas = $('photo');
  canvas.hidden = false;
  canvas.width = image.width;
  canvas.height = image.height;
  const g = canvas.getContext('2d');
  g.drawImage(image, 0, 0);
  g.lineWidth = Math.max(2, image.width / 300);
  g.font = `${Math.max(14, Math.round(image.width / 40))}px system-ui, sans-serif`;
  $('objects').replaceChildren();
  for (const o of result.objects) {
    const [x, y, w, h] = [o.box.x * image.width, o.box.y * image.height, o.box.w * image.width, o.box.h * image.height];
    g.strokeStyle = '#f9ab00';
    g.strokeRect(x, y, w, h);
    const label = `${o.label} ${Math.round(o.score * 100)}%`;
    g.fillStyle = '#f9ab00';
    g.fillRect(x, Math.max(0, y - parseInt(g.font, 10) - 4), g.measureText(label).width + 8, parseInt(g.font, 10) + 4);
    g.fillStyle = '#000';
    g.fillText(label, x + 4, Math.max(parseInt(g.font, 10), y - 4));
    item($('objects'), label).dataset.label = o.label;
  }
  $('description').textContent = result.description || '';
  $('vision-risks').replaceChildren();
  for (const r of result.risks || []) item($('vision-risks'), `${r.level}: ${r.message}`, 'risk-' + r.level);
}

$('camera').addEventListener('click', toggleCamera);
$('snap').addEventListener('click', snap);
$('auto-snap').addEventListener('change', () => {
  clearInterval(timer);
  if ($('auto-snap').checked) timer = setInterval(snap, Math.max(1, Number($('interval').value) || 3) * 1000);
});
$('upload').addEventListener('change', () => $('upload').files[0] && send($('upload').files[0]));

// ---- past sessions ---------------------------------------------------------------------------
async function refreshSessions() {
  const list = $('session-list');
  try {
    // oldest first, paged: walk at most 10 pages, show the newest 20
    let sessions = [];
    let cursor = null;
    for (let i = 0; i < 10; i++) {
      const page = await api('/sessions?limit=200' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      sessions = sessions.concat(page.sessions);
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    list.replaceChildren();
    for (const s of sessions.slice(-20).reverse()) {
      const li = document.createElement('li');
      const open = document.createElement('button');
      open.type = 'button';
      open.textContent = `${s.created_at.replace('T', ' ').slice(0, 19)} — ${s.segments} utterances${s.ended ? '' : ' (open)'}`;
      open.dataset.session = s.session_id;
      open.addEventListener('click', () => showSession(s.session_id));
      li.appendChild(open);
      list.appendChild(li);
    }
    if (!sessions.length) item(list, 'none yet');
  } catch (e) {
    list.replaceChildren();
    item(list, 'sessions: ' + e.message);
  }
}

async function showSession(id) {
  const doc = $('session-doc');
  doc.hidden = false;
  try {
    doc.textContent = JSON.stringify(await api('/sessions/' + encodeURIComponent(id)), null, 2);
  } catch (e) {
    doc.textContent = e.message;
  }
  doc.focus();
}

$('refresh').addEventListener('click', refreshSessions);
refreshSessions();
