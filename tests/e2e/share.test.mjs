// Sharing and page options in Chromium: language (?lang, live switch), theme (?theme, the
// toggle), the embed-code panel, trace JSON and diagram SVG downloads, fault marks on the
// timeline, hold/release on a link, and ?speed/?autoplay with a scenario link.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import { start, open, state, SHOTS } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

const link = scenario => '#s=1.' + deflateRawSync(Buffer.from(JSON.stringify(scenario))).toString('base64url');
const pause = page => page.evaluate(() => window.clusterlab.pause());
const text = async (page, sel) => (await page.textContent(sel)).trim();

// The raft-election preset's captions (src/protocols/raft/presets.rs).
const CAPTION_EN = 'Five followers wait for a heartbeat.';
const CAPTION_ZH = '五个跟随者等待心跳。';

test('?lang=zh speaks Chinese and ?lang=en English', async () => {
  const zh = await open(env.browser, env.base + '?lang=zh#preset=raft-election');
  await pause(zh.page);
  assert.equal((await state(zh.page)).lang, 'zh');
  assert.match(await text(zh.page, '[data-testid=play]'), /播放/);
  assert.ok((await text(zh.page, '[data-testid=caption]')).startsWith(CAPTION_ZH));
  assert.equal(await text(zh.page, '[data-testid=invariants] h2'), '安全性质');
  assert.equal(await text(zh.page, '[data-testid=embed]'), '嵌入…');
  assert.equal(await zh.page.inputValue('[data-testid=lang]'), 'zh');
  await zh.page.click('[data-node-id="0"]');
  await zh.page.screenshot({ path: join(SHOTS, 'share-lang-zh.png') });
  assert.deepEqual(zh.errors, []);

  const en = await open(env.browser, env.base + '?lang=en#preset=raft-election');
  await pause(en.page);
  assert.equal((await state(en.page)).lang, 'en');
  assert.match(await text(en.page, '[data-testid=play]'), /Play/);
  assert.ok((await text(en.page, '[data-testid=caption]')).startsWith(CAPTION_EN));
  assert.equal(await text(en.page, '[data-testid=invariants] h2'), 'Safety properties');
  assert.equal(await en.page.inputValue('[data-testid=lang]'), 'en');
});

test('the language select switches every panel live, also while paused', async () => {
  const { page, errors } = await open(env.browser, env.base + '?lang=en#preset=raft-election');
  await pause(page);
  await page.selectOption('[data-testid=lang]', 'zh');
  assert.equal((await state(page)).lang, 'zh');
  assert.ok((await text(page, '[data-testid=caption]')).startsWith(CAPTION_ZH), 'caption switched');
  assert.equal(await text(page, '[data-testid=embed]'), '嵌入…', 'header switched');
  // Panels whose data did not change must follow too.
  assert.match(await text(page, '[data-testid=play]'), /播放/, 'play button switched to Chinese');
  assert.equal(await text(page, '[data-testid=invariants] h2'), '安全性质', 'invariant panel switched to Chinese');
  assert.equal(await text(page, '[data-testid=fault-panel] h2'), '注入故障', 'fault panel switched to Chinese');
  await page.selectOption('[data-testid=lang]', 'en');
  assert.ok((await text(page, '[data-testid=caption]')).startsWith(CAPTION_EN));
  assert.match(await text(page, '[data-testid=play]'), /Play/, 'play button back to English');
  assert.equal(await text(page, '[data-testid=invariants] h2'), 'Safety properties', 'invariant panel back to English');
  assert.deepEqual(errors, []);
});

test('<html lang> follows the page language (screen readers, CJK fonts)', async () => {
  const { page } = await open(env.browser, env.base + '?lang=zh#preset=raft-election');
  assert.match(await page.getAttribute('html', 'lang'), /^zh/);
  await page.selectOption('[data-testid=lang]', 'en');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
});

test('the theme button cycles data-theme (system → dark → light → system); ?theme=dark starts dark', async () => {
  const { page, errors } = await open(env.browser, env.base + '#preset=raft-election');
  await pause(page);
  const theme = () => page.evaluate(() => document.documentElement.getAttribute('data-theme'));
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await theme(), null, 'no ?theme: follow the system');
  await page.click('[data-testid=theme]');
  assert.equal(await theme(), 'dark');
  assert.equal((await state(page)).theme, 'dark');
  const darkBg = await bg();
  await page.click('[data-testid=theme]');
  assert.equal(await theme(), 'light');
  assert.notEqual(await bg(), darkBg, 'the light theme paints a different background');
  await page.click('[data-testid=theme]');
  assert.equal(await theme(), null);
  assert.equal((await state(page)).theme, null);
  assert.deepEqual(errors, []);

  await page.goto(env.base + '?theme=dark#preset=raft-election');
  await page.locator('[data-node-id]').first().waitFor();
  await pause(page);
  assert.equal(await theme(), 'dark', '?theme=dark starts dark');
  assert.equal(await page.getAttribute('[data-testid=theme]', 'aria-label'), 'Theme: dark');
  assert.equal(await bg(), darkBg);
  await page.click('[data-testid=theme]');
  assert.equal(await theme(), 'light', 'and the cycle goes on from there');
});

/// The snippet in the embed panel, parsed as HTML: its iframe's attributes.
// The snippet read here, not parsed in the page: a document parsed there would apply the
// snippet's style attribute under the page's Content-Security-Policy (and be refused).
const snippet = async page => {
  const code = await page.$eval('[data-testid=embed-code]', t => t.value);
  const attr = name => { const m = code.match(new RegExp(`\\s${name}="([^"]*)"`)); return m ? m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"') : null; };
  return { code, count: (code.match(/<[a-z]+[\s>]/g) || []).length, src: attr('src'), width: attr('width'), height: attr('height') };
};

test('"Embed…" opens a panel with an <iframe> snippet that follows its options', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=raft-election');
  await pause(page);
  await page.evaluate(() => window.clusterlab.runFor(700000));
  const panel = '[data-testid=embed-panel]';
  assert.equal(await page.locator(panel).count(), 0);
  await page.click('[data-testid=embed]');
  assert.equal(await page.getAttribute('[data-testid=embed]', 'aria-expanded'), 'true');
  await page.locator(panel).waitFor();
  let s = await snippet(page);
  assert.equal(s.count, 1, `one element: ${s.code}`);
  assert.match(s.code, /^<iframe src="[^"]*\?embed=1[^"]*#s=1\.[A-Za-z0-9_-]+"[^>]*><\/iframe>$/);
  const src = new URL(s.src);
  assert.equal(src.origin + src.pathname, env.base);
  assert.equal(src.searchParams.get('embed'), '1');
  assert.equal(src.searchParams.get('autoplay'), '1');
  assert.equal(src.searchParams.get('lang'), 'en');
  assert.equal(src.searchParams.get('theme'), null);
  assert.equal(src.hash, await page.evaluate(() => window.clusterlab.link()), 'the snippet captures this very state');
  assert.deepEqual([s.width, s.height], ['800', '500']);
  await page.screenshot({ path: join(SHOTS, 'share-embed-panel.png') });

  await page.selectOption(`${panel} select[aria-label=Size]`, '2');
  s = await snippet(page);
  assert.deepEqual([s.width, s.height], ['1280', '720']);
  await page.uncheck(`${panel} input[type=checkbox]`);
  s = await snippet(page);
  assert.equal(new URL(s.src).searchParams.get('autoplay'), null, 'autoplay off');
  await page.selectOption(`${panel} select[aria-label=Speed]`, '5');
  s = await snippet(page);
  assert.equal(new URL(s.src).searchParams.get('speed'), '5');
  await page.selectOption(`${panel} select[aria-label=Language]`, 'zh');
  s = await snippet(page);
  assert.equal(new URL(s.src).searchParams.get('lang'), 'zh');
  await page.selectOption(`${panel} select[aria-label=Theme]`, 'dark');
  s = await snippet(page);
  const q = new URL(s.src).searchParams;
  assert.equal(q.get('theme'), 'dark');
  assert.equal(q.get('embed'), '1', 'still an embed after every change');
  assert.deepEqual([s.width, s.height], ['1280', '720'], 'earlier choices kept');
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(env.base).origin });
  await page.click('[data-testid=copy-embed]');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), s.code, '"Copy embed code" copies the snippet shown');

  // The snippet's address opens the same moment, embedded, Chinese and dark.
  const emb = await open(env.browser, s.src);
  assert.equal(await emb.page.locator('[data-testid=embed]').getAttribute('class'), 'shell embed');
  const t = await state(emb.page);
  assert.deepEqual([t.embed, t.lang, t.theme], [true, 'zh', 'dark']);
  assert.deepEqual(errors, []);
});

test('"Trace JSON" downloads the trace with the page\'s hash; "Diagram SVG" downloads well-formed SVG', async () => {
  const { page, errors } = await open(env.browser, env.base + '#preset=raft-election');
  await pause(page);
  const s = await page.evaluate(() => window.clusterlab.runFor(1200000));

  let wait = page.waitForEvent('download');
  await page.click('[data-testid=export-trace]');
  let dl = await wait;
  assert.equal(await dl.failure(), null);
  assert.match(dl.suggestedFilename(), /\.json$/);
  const trace = JSON.parse(await readFile(await dl.path(), 'utf8'));
  assert.equal(trace.traceHash, s.traceHash);
  assert.equal(trace.traceHash, (await state(page)).traceHash);
  assert.equal(trace.eventCount, s.eventCount);
  assert.equal(trace.simTimeUs, s.simTimeUs);
  assert.equal(trace.protocol, 'raft');
  assert.ok(Array.isArray(trace.records) && trace.records.length > 0, 'records');
  assert.ok(trace.records.every(r => r.event <= s.eventCount), 'records stop at the playhead');
  assert.ok(trace.link.startsWith('#s=1.'));

  wait = page.waitForEvent('download');
  await page.click('[data-testid=export-svg]');
  dl = await wait;
  assert.equal(await dl.failure(), null);
  assert.match(dl.suggestedFilename(), /\.svg$/);
  const svg = await readFile(await dl.path(), 'utf8');
  assert.ok(svg.startsWith('<?xml'), svg.slice(0, 60));
  assert.ok(svg.includes('<svg xmlns="http://www.w3.org/2000/svg"'), svg.slice(0, 200));
  const parsed = await page.evaluate(text => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.localName,
      ns: doc.documentElement.namespaceURI, arrows: doc.querySelectorAll('[data-msg-id]').length };
  }, svg);
  assert.equal(parsed.error, null, 'parses as XML');
  assert.deepEqual([parsed.root, parsed.ns], ['svg', 'http://www.w3.org/2000/svg']);
  assert.ok(parsed.arrows > 0, `message arrows in the file: ${parsed.arrows}`);
  assert.deepEqual(errors, []);
});

test('a crash from the panel adds a fault mark to the timeline; clicking the mark seeks to it', async () => {
  const { page, errors } = await open(env.browser, env.base + '#preset=raft-election');
  await pause(page);
  await page.evaluate(() => window.clusterlab.runFor(1000000));
  const count = async () => Number(await page.getAttribute('.timeline', 'data-fault-count'));
  const before = await count();
  await page.click('[data-node-id="1"]');
  await page.click('[data-testid=crash]');
  const crashed = await state(page);
  assert.equal(crashed.nodes[1].status, 'crashed');
  assert.equal(await count(), before + 1);
  const mark = page.locator('.mark.fault[title*="crash n1"]');
  assert.equal(await mark.count(), 1, 'one crash mark');
  const title = await mark.getAttribute('title');
  const event = Number(title.match(/^#(\d+):/)[1]);
  assert.equal(event, crashed.eventCount, `the mark sits at the crash: ${title}`);

  await page.evaluate(() => window.clusterlab.runFor(500000));
  const later = await state(page);
  assert.ok(later.eventCount > event);
  const left = parseFloat(await mark.evaluate(m => m.style.left));
  assert.ok(Math.abs(left - event * 100 / later.frontier) < 0.1, `mark placed at ${left}%`);
  await mark.click();
  const at = await state(page);
  assert.equal(at.eventCount, event, 'seeked to the crash');
  assert.equal(at.nodes[1].status, 'crashed');
  assert.equal(at.frontier, later.frontier, 'seeking keeps the future');
  assert.equal(await page.inputValue('[data-testid=timeline]'), String(event), 'the scrubber moved too');
  assert.deepEqual(errors, []);
});

test('hold and release a link: held messages wait and are drawn as held, release lets them go', async () => {
  const { page, errors } = await open(env.browser, env.base + '#preset=raft-election');
  await pause(page);
  const s0 = await page.evaluate(() => window.clusterlab.runFor(1500000));
  const leader = s0.nodes.find(n => n.role === 'leader');
  assert.ok(leader, 'a leader by 1.5 s');
  // Node 0 always talks to the leader (replies) or, as leader, to node 1 (heartbeats).
  const peer = leader.id === 0 ? 1 : leader.id;
  await page.click('[data-node-id="0"]');
  await page.selectOption('[data-testid=fault-panel] select[aria-label=Peer]', String(peer));
  await page.click('[data-testid=hold]');
  let s = await state(page);
  assert.deepEqual(s.heldLinks, [[0, peer]]);
  s = await page.evaluate(() => window.clusterlab.runFor(300000));
  const held = s.messages.filter(m => m.held);
  assert.ok(held.length > 0, 'messages wait on the held link');
  for (const m of held) assert.deepEqual([m.from, m.to], [0, peer], `only n0→n${peer} is held: ${JSON.stringify(m)}`);
  assert.ok(s.messages.filter(m => !m.held).every(m => !(m.from === 0 && m.to === peer)), 'no message on the held link flies');
  assert.equal(Number(await page.getAttribute('[data-testid=messages]', 'data-count')), s.messages.length, 'every message in flight is drawn');
  assert.match(await text(page, '[data-testid=release]'), new RegExp(`n0→n${peer}`));

  await page.click('[data-testid=release]');
  s = await state(page);
  assert.deepEqual(s.heldLinks, []);
  await page.locator('[data-testid=hold]').waitFor();
  s = await page.evaluate(() => window.clusterlab.runFor(300000));
  assert.equal(s.messages.filter(m => m.held).length, 0, 'released messages are delivered');
  assert.deepEqual(errors, []);
});

test('?speed=5&autoplay=1 with a scenario link starts playing at 5×', async () => {
  const { page, errors } = await open(env.browser, env.base + '?speed=5&autoplay=1' + link({ protocol: 'raft', nodes: 5, seed: 11 }));
  const s = await state(page);
  assert.equal(s.notice, null);
  assert.equal(s.preset, null, 'opened from the link');
  assert.equal(s.playing, true, 'autoplay overrides a link\'s pause');
  assert.equal(await page.inputValue('[data-testid=speed]'), '5×');
  assert.equal(await page.getAttribute('[data-testid=play]', 'aria-pressed'), 'true');
  // Simulated time per frame against the frame timestamps. Frames slower than 100 ms (a
  // loaded machine) are left out: the page caps one frame's step there on purpose.
  const r = await page.evaluate(() => new Promise(done => {
    let sim = 0, wall = 0, last = null;
    const t0 = performance.now();
    const frame = ts => {
      const now = window.clusterlab.state().simTimeUs;
      if (last && ts - last.ts <= 100) { sim += now - last.now; wall += ts - last.ts; }
      last = { ts, now };
      if (wall < 1000 && ts - t0 < 6000) requestAnimationFrame(frame); else done({ sim, wall });
    };
    requestAnimationFrame(frame);
  }));
  const rate = r.sim / 1000 / r.wall;
  console.log(`?speed=5: ${(r.sim / 1000).toFixed(0)} simulated ms over ${r.wall.toFixed(0)} ms of frames: ${rate.toFixed(2)}×`);
  assert.ok(r.wall > 250, `enough frames measured: ${r.wall} ms`);
  assert.ok(rate > 4.5 && rate < 5.5, `5× real time: ${rate}`);
  assert.deepEqual(errors, []);
});
