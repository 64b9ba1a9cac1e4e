// The dev phone: does what Twilio does with our TwiML, with the browser as the caller's handset.
'use strict';
const $ = id => document.getElementById(id);
let call = null;
let pending = null;

const token = () => (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));

function log(text, kind = 'ivr') {
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = text;
  $('transcript').append(item);
  item.scrollIntoView({ block: 'nearest' });
}

// Posts a webhook exactly as Twilio would: form-encoded, signed (by the dev-only /dev/phone/sign), with an idempotency token.
async function post(path, params, { quiet = false } = {}) {
  const url = new URL(path, location.href);
  const relative = url.pathname + url.search;
  const form = { CallSid: call.sid, AccountSid: 'ACdevphone', From: call.from, To: '+34900000000', CallStatus: 'in-progress', Direction: 'inbound', ApiVersion: '2010-04-01', ...params };
  const signed = await fetch('/dev/phone/sign', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ path: relative, parameters: form }) });
  const { signature } = await signed.json();
  const response = await fetch(relative, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature, 'I-Twilio-Idempotency-Token': token() },
    body: new URLSearchParams(form),
  });
  if (!quiet) log(`POST ${relative} → ${response.status}`, 'system');
  return response.ok ? response.text() : '';
}

function speak(text, language) {
  log(text);
  if (!$('speak').checked || !('speechSynthesis' in window)) return Promise.resolve();
  return new Promise(resolve => {
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = language || 'es-ES';
    utterance.onend = utterance.onerror = resolve;
    speechSynthesis.speak(utterance);
  });
}

function show(panel) {
  for (const id of ['gather', 'record', 'dial']) $(id).hidden = id !== panel;
}

// Waits for keys (until finishOnKey or numDigits), a spoken phrase, or silence; prompts play meanwhile.
function gather(verb) {
  const finishOnKey = verb.getAttribute('finishOnKey') ?? '#';
  const numDigits = Number(verb.getAttribute('numDigits') || 0);
  const speech = (verb.getAttribute('input') || '').includes('speech');
  $('say-form').hidden = !speech;
  $('digits').textContent = '';
  show('gather');
  return new Promise(resolve => {
    let digits = '';
    const done = result => { pending = null; speechSynthesis?.cancel(); show(null); resolve(result); };
    pending = {
      key: key => {
        if (key === finishOnKey) return done({ Digits: digits });
        digits += key;
        $('digits').textContent = digits;
        if (numDigits && digits.length >= numDigits) done({ Digits: digits });
      },
      say: text => done({ SpeechResult: text, Confidence: '0.9' }),
      silence: () => done(digits ? { Digits: digits } : null),
    };
    (async () => {
      for (const say of verb.getElementsByTagName('Say')) {
        if (!pending) return;
        await speak(say.textContent, say.getAttribute('language'));
      }
    })();
  });
}

// The caller records with the microphone (uploaded like a Twilio recording), types instead, or says nothing.
function record(verb) {
  show('record');
  log('(beep)', 'system');
  return new Promise(resolve => {
    let recorder = null;
    let started = 0;
    const done = result => { pending = null; show(null); resolve(result); };
    pending = {
      start: async () => {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        const chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.ondataavailable = e => chunks.push(e.data);
        recorder.onstop = async () => {
          stream.getTracks().forEach(t => t.stop());
          const seconds = String(Math.max(1, Math.round((Date.now() - started) / 1000)));
          const body = new FormData();
          body.append('audio', new Blob(chunks, { type: recorder.mimeType }), 'recording');
          const uploaded = await (await fetch('/dev/phone/recordings', { method: 'POST', body })).json();
          log(`(recorded ${seconds} s: ${uploaded.recordingSid})`, 'caller');
          const recording = { RecordingSid: uploaded.recordingSid, RecordingUrl: uploaded.recordingUrl, RecordingDuration: seconds };
          done({ params: { ...recording, Digits: '#' }, callback: { ...recording, RecordingStatus: 'completed' } });
        };
        started = Date.now();
        recorder.start();
        $('rec-start').disabled = true;
        $('rec-stop').disabled = false;
      },
      stop: () => { recorder?.stop(); $('rec-start').disabled = false; $('rec-stop').disabled = true; },
      typed: text => { log(text, 'caller'); done({ params: { DevTyped: text, Digits: '#' } }); },
      silence: () => done(null),
    };
  });
}

// Rings the agent: shows the whisper the agent would hear, then lets you decide how the agent answers.
async function dial(verb) {
  const number = verb.querySelector('Number');
  $('dial-text').textContent = `Dialling ${number?.textContent ?? '?'} (caller ID ${verb.getAttribute('callerId') ?? 'none'})…`;
  $('whisper').textContent = '';
  show('dial');
  log(`(ringing ${number?.textContent})`, 'system');
  if (number?.getAttribute('url')) {
    const whisper = new DOMParser().parseFromString(await post(number.getAttribute('url'), { CallSid: 'CAdevagent' }, { quiet: true }), 'application/xml');
    $('whisper').textContent = 'Agent hears: ' + [...whisper.getElementsByTagName('Say')].map(s => s.textContent).join(' ');
  }
  return new Promise(resolve => { pending = { dial: status => { pending = null; show(null); resolve(status); } }; });
}

// Runs a TwiML document verb by verb, as Twilio does, posting to the next URL when a verb asks for one.
async function run(xml) {
  if (!xml || !call || call.ended) return;
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  for (const verb of doc.documentElement.children) {
    if (!call || call.ended) return;
    const action = verb.getAttribute('action');
    switch (verb.tagName) {
      case 'Say':
        await speak(verb.textContent, verb.getAttribute('language'));
        break;
      case 'Gather': {
        const answer = await gather(verb);
        if (answer) {
          log(answer.SpeechResult ? `“${answer.SpeechResult}”` : `keys ${answer.Digits}`, 'caller');
          return run(await post(action, answer));
        }
        log('(silence)', 'caller');
        if (verb.getAttribute('actionOnEmptyResult') === 'true') return run(await post(action, {}));
        break;
      }
      case 'Record': {
        const recorded = await record(verb);
        if (!recorded) { log('(silence)', 'caller'); break; }
        const next = await post(action, recorded.params);
        if (recorded.callback && verb.getAttribute('recordingStatusCallback')) {
          await post(verb.getAttribute('recordingStatusCallback'), recorded.callback);
        }
        return run(next);
      }
      case 'Redirect':
        return run(await post(verb.textContent.trim(), {}));
      case 'Dial': {
        const status = await dial(verb);
        log(`(agent: ${status})`, 'system');
        return run(await post(action, { DialCallStatus: status, DialCallSid: 'CAdevagent', DialCallDuration: status === 'completed' ? '60' : '0' }));
      }
      case 'Pause':
        break;
      case 'Hangup':
        return end('completed');
    }
  }
  end('completed');
}

async function end(status) {
  if (!call || call.ended) return;
  call.ended = true;
  speechSynthesis?.cancel();
  show(null);
  log('(call ended)', 'system');
  await post('/twilio/voice/status', { CallStatus: status, CallDuration: String(Math.round((Date.now() - call.started) / 1000)) });
  $('call').disabled = false;
  $('hangup').disabled = true;
  refresh();
}

async function refresh() {
  const outbox = await (await fetch('/dev/phone/outbox')).json();
  $('outbox').replaceChildren(...outbox.map(m => Object.assign(document.createElement('li'), { textContent: `${m.to} · ${m.status}: ${m.body}` })));
  if (!outbox.length) $('outbox').replaceChildren(Object.assign(document.createElement('li'), { textContent: 'No SMS yet.' }));
}

async function loadDirectory() {
  const directory = await (await fetch('/dev/phone/directory')).json();
  const lines = [
    ...directory.codes.map(c => `Maintenance code ${c.code}: ${c.organization}, ${c.site}, ${c.product}`),
    ...directory.cases.map(c => `Case ${c.number} (${c.status})`),
  ];
  $('directory').replaceChildren(...lines.map(text => Object.assign(document.createElement('p'), { textContent: text })));
  $('demo').hidden = directory.codes.length > 0;
  const select = $('from');
  for (const contact of directory.contacts) {
    if ([...select.options].some(o => o.value === contact.phone)) continue;
    select.prepend(new Option(`${contact.phone} (${contact.name}, ${contact.organization}, ${contact.language})`, contact.phone));
  }
}

function keypad() {
  for (const key of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#']) {
    const button = Object.assign(document.createElement('button'), { textContent: key, type: 'button' });
    button.onclick = () => pending?.key?.(key);
    $('keypad').append(button);
  }
  document.addEventListener('keydown', e => {
    if (e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA') return;
    if (/^[0-9*#]$/.test(e.key)) pending?.key?.(e.key);
    if (e.key === 'Enter') pending?.key?.('#');
  });
}

$('call').onclick = async () => {
  call = { sid: 'CA' + token().replaceAll('-', '').slice(0, 32), from: $('from').value, started: Date.now(), ended: false };
  $('transcript').replaceChildren();
  $('call').disabled = true;
  $('hangup').disabled = false;
  log(`(calling as ${call.from}, CallSid ${call.sid})`, 'system');
  run(await post('/twilio/voice/incoming', {}));
};
$('hangup').onclick = () => end('completed');
$('say-form').onsubmit = e => { e.preventDefault(); const text = $('say').value.trim(); $('say').value = ''; if (text) pending?.say?.(text); };
$('silence').onclick = () => pending?.silence?.();
$('rec-start').onclick = () => pending?.start?.();
$('rec-stop').onclick = () => pending?.stop?.();
$('type-form').onsubmit = e => { e.preventDefault(); const text = $('typed').value.trim(); $('typed').value = ''; if (text) pending?.typed?.(text); };
$('rec-silence').onclick = () => pending?.silence?.();
for (const button of $('dial').querySelectorAll('button')) button.onclick = () => pending?.dial?.(button.dataset.status);
$('demo').onclick = async () => { await fetch('/dev/phone/demo', { method: 'POST' }); loadDirectory(); };

keypad();
loadDirectory();
refresh();
setInterval(refresh, 3000);
