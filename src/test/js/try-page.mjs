// Drives the try-it page in Debian's Chromium, headless, with a fake microphone playing AUDIO_FILE and
// a fake camera showing VIDEO_FILE (an .mjpeg). Prints one line "RESULT {json}" for TryPageTest to
// check, and writes screenshots to OUT_DIR. Exit 1 (with failure.png) when the page never gets there.
import puppeteer from 'puppeteer-core';
import path from 'node:path';

const { BASE_URL, OUT_DIR, AUDIO_FILE, VIDEO_FILE, CHROMIUM } = process.env;
const shot = (page, name) => page.screenshot({ path: path.join(OUT_DIR, name), fullPage: true });

const browser = await puppeteer.launch({
  executablePath: CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${AUDIO_FILE}`, `--use-file-for-fake-video-capture=${VIDEO_FILE}`,
    '--autoplay-policy=no-user-gesture-required'],
});
const page = await browser.newPage();
const problems = [];
page.on('pageerror', (e) => problems.push('page error: ' + e.message));
page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
const text = (selector) => page.$eval(selector, (e) => e.textContent);
const step = async (what, fn) => {
  try {
    return await fn();
  } catch (e) {
    await shot(page, 'failure.png').catch(() => {});
    console.log(`FAILED at "${what}": ${e.message}\nstatus: ${await text('#audio-status').catch(() => '?')}` +
      ` | ${await text('#vision-status').catch(() => '?')}\n${problems.join('\n')}`);
    await browser.close();
    process.exit(1);
  }
};

try {
  await page.setViewport({ width: 1280, height: 1100 });
  await step('open the page', () => page.goto(BASE_URL, { waitUntil: 'networkidle0' }));
  await page.select('#language', 'en');
  await page.click('#start');
  await step('config_ack', () => page.waitForFunction(() => document.querySelector('#audio-status').textContent.startsWith('listening'), { timeout: 20000 }));
  await step('speech_started from the fake microphone', () => page.waitForFunction(
    () => [...document.querySelectorAll('#events li')].some((li) => li.textContent.startsWith('speech_started')), { timeout: 30000 }));
  const speakingSeen = await page.$eval('#speaking', (e) => e.dataset.speaking);
  await step('a transcript line', () => page.waitForFunction(() => document.querySelectorAll('#transcript li').length >= 1, { timeout: 60000 }));
  const level = await page.$eval('#level', (e) => e.style.width);
  await shot(page, 'microphone.png');
  await page.click('#stop');
  await step('final_result after Stop', () => page.waitForFunction(() => !document.querySelector('#final').hidden, { timeout: 60000 }));
  await step('stream_ended', () => page.waitForFunction(() => document.querySelector('#audio-status').textContent.startsWith('ended'), { timeout: 30000 }));
  await shot(page, 'session-final.png');

  await page.click('#camera');
  await step('the camera starts', () => page.waitForFunction(() => !document.querySelector('#snap').disabled, { timeout: 20000 }));
  await page.click('#snap');
  await step('objects in the photo', () => page.waitForFunction(() => document.querySelectorAll('#objects li').length > 0, { timeout: 30000 }));
  await shot(page, 'camera.png');

  await step('the session in the list', () => page.waitForFunction(() => document.querySelectorAll('#session-list button').length > 0, { timeout: 20000 }));
  await page.click('#session-list button');
  await step('the stored document', () => page.waitForFunction(() => document.querySelector('#session-doc').textContent.includes('"transcript"'), { timeout: 20000 }));
  await shot(page, 'sessions.png');

  // Talk: a voice conversation over Gemini Live; the fake microphone speaks, the answer is spoken back and played
  await page.select('#talk-language', 'es-ES');
  await page.click('#talk-start');
  await step('Talk listens', () => page.waitForFunction(() => document.querySelector('#talk-status').textContent.startsWith('listening'), { timeout: 20000 }));
  await step('the wearer\'s words in the Talk log', () => page.waitForFunction(() => document.querySelector('#talk-log li[data-who="you"]'), { timeout: 60000 }));
  await step('the spoken answer plays', () => page.waitForFunction(() => Number(document.querySelector('#talk').dataset.playedSeconds || 0) > 0.5, { timeout: 60000 }));
  await shot(page, 'talk.png');
  const talk = {
    log: await page.$$eval('#talk-log li', (lis) => lis.map((li) => `${li.dataset.who}: ${li.querySelector('.said').textContent}`)),
    playedSeconds: Number(await page.$eval('#talk', (e) => e.dataset.playedSeconds)),
  };
  await page.click('#talk-stop');
  await step('Talk ends', () => page.waitForFunction(() => !document.querySelector('#talk-start').disabled, { timeout: 10000 }));

  const result = {
    events: await page.$$eval('#events li', (lis) => lis.map((li) => li.textContent.split(' ')[0])),
    speakingSeen,
    level,
    transcript: await page.$$eval('#transcript li', (lis) => lis.map((li) => li.textContent)),
    analysis: await text('#analysis-status'),
    summary: await text('#summary'),
    actions: await page.$$eval('#actions > li', (lis) => lis.map((li) => ({
      text: li.firstChild.textContent, steps: [...li.querySelectorAll('ol li')].map((s) => s.textContent) }))),
    sessionRisks: await page.$$eval('#session-risks li', (lis) => lis.map((li) => li.textContent)),
    labels: await page.$$eval('#objects li', (lis) => lis.map((li) => li.dataset.label)),
    boxesDrawn: await page.$eval('#photo', (c) => c.width > 0 && c.height > 0),
    risks: await page.$$eval('#vision-risks li', (lis) => lis.map((li) => li.className)),
    sessions: await page.$$eval('#session-list button', (bs) => bs.map((b) => b.dataset.session)),
    document: JSON.parse(await text('#session-doc')),
    talk,
    problems,
  };
  console.log('RESULT ' + JSON.stringify(result));
} finally {
  await browser.close();
}
