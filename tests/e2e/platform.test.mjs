// The protocol platform in the page. One page module per protocol family: the page fetches only the module the address names
// (a preset or a #s= link, read before any module loads), swaps modules in place when a
// scenario of another family is opened (menu, load(), a pasted link), keeps language, theme
// and embed mode across the swap, and leaves the open run as it was when a module fails.
// A run that goes beyond its protocol's declared fault assumptions is labelled.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { start, open, state, ROOT, SHOTS } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

const manifest = () => {
  const html = readFileSync(join(ROOT, 'dist', 'index.html'), 'utf8');
  return JSON.parse(html.match(/id="clusterlab-manifest">(.*?)<\/script>/s)[1]);
};

// Open a page, recording which module files it fetched.
async function openRecording(url) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const fetched = [];
  const errors = [];
  page.on('request', r => { const m = r.url().match(/pkg\/([a-z]+)\.[0-9a-f]+\.(wasm|js)(\.lzma)?$/); if (m) fetched.push(`${m[1]}.${m[2]}`); });
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => window.clusterlab && document.querySelector('[data-node-id], [data-testid=cluster-canvas]'));
  return { page, context, fetched, errors };
}

const waitProtocol = (page, protocol) =>
  page.waitForFunction(p => window.clusterlab && window.clusterlab.state().protocol === p, protocol, { timeout: 15000 });

test('each family is its own content-hashed module, and a preset fetches only its family', async () => {
  const m = manifest();
  for (const [fam, files] of Object.entries(m.families)) {
    assert.match(files.wasm, new RegExp(`^pkg/${fam}\\.[0-9a-f]{12}\\.wasm\\.lzma$`));
    assert.match(files.js, new RegExp(`^pkg/${fam}\\.[0-9a-f]{12}\\.js$`));
  }
  assert.ok(Object.keys(m.families).length >= 4, 'families: ' + Object.keys(m.families));
  for (const [preset, family] of [['raft-election', 'raft'], ['swim-crash-detection', 'gossip'], ['lock-holder-crash', 'lock']]) {
    const { page, context, fetched, errors } = await openRecording(env.base + '#preset=' + preset);
    assert.deepEqual(fetched.sort(), [`${family}.js`, `${family}.wasm`], `${preset} fetched ${fetched}`);
    // The page carries no list of every family's presets: a preset's name says its protocol.
    assert.equal(manifest().presets, undefined);
    assert.equal((await state(page)).preset, preset);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('a #s= link is read before any module loads and opens in its own family', async () => {
  // Make a Paxos link in the Paxos module, then open it in a fresh page.
  const { page, context } = await openRecording(env.base + '#preset=paxos-clean-round');
  await page.evaluate(() => window.clusterlab.runFor(300000));
  const link = await page.evaluate(() => window.clusterlab.link());
  const before = await state(page);
  await context.close();
  const fresh = await openRecording(env.base + link);
  assert.deepEqual(fresh.fetched.sort(), ['paxos.js', 'paxos.wasm']);
  const after = await state(fresh.page);
  assert.equal(after.protocol, 'paxos');
  assert.equal(after.traceHash, before.traceHash, 'the link replays exactly');
  await fresh.context.close();
});

test('opening another family swaps modules in place and keeps language, theme and embed mode', async () => {
  const { page, context, fetched, errors } = await openRecording(env.base + '?lang=zh&theme=dark#preset=raft-election');
  const answer = await page.evaluate(() => window.clusterlab.load('#preset=swim-false-suspicion'));
  assert.deepEqual(answer, { ok: true, loading: 'gossip' });
  await waitProtocol(page, 'swim');
  const s = await state(page);
  assert.equal(s.preset, 'swim-false-suspicion');
  assert.equal(s.lang, 'zh');
  assert.equal(s.theme, 'dark');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.ok(page.url().endsWith('#preset=swim-false-suspicion'), page.url());
  assert.deepEqual(fetched.sort(), ['gossip.js', 'gossip.wasm', 'raft.js', 'raft.wasm']);
  // The new module works: its API, its views, time moves.
  const t = (await page.evaluate(() => window.clusterlab.runFor(500000))).simTimeUs;
  assert.ok(t >= 500000);
  // Back through the menu, as a student would: opening it fetches every family's presets.
  await page.focus('[data-testid=preset]');
  await page.selectOption('[data-testid=preset]', 'paxos-clean-round');
  await waitProtocol(page, 'paxos');
  assert.equal((await state(page)).lang, 'zh');
  assert.equal(await page.locator('svg.cluster [data-node-id]').count(), 5);
  await page.screenshot({ path: join(SHOTS, 'modules-swapped.png') });
  assert.deepEqual(errors, []);
  await context.close();

  const embed = await openRecording(env.base + '?embed=1#preset=raft-election');
  await embed.page.evaluate(() => window.clusterlab.load('lock-acquire-release'));
  await waitProtocol(embed.page, 'lock');
  assert.equal((await state(embed.page)).embed, true);
  await embed.context.close();
});

test('a pasted link of another family opens it; a module that fails to load leaves the run as it was', async () => {
  const { page, context } = await openRecording(env.base + '#preset=raft-election');
  await page.evaluate(() => { location.hash = '#preset=flood-basic'; });
  await waitProtocol(page, 'flood');

  await page.route(/pkg\/paxos\.[0-9a-f]+\.wasm\.lzma$/, route => route.abort());
  await page.evaluate(() => window.clusterlab.pause());
  const before = await state(page);
  const answer = await page.evaluate(() => window.clusterlab.load('paxos-livelock'));
  assert.equal(answer.loading, 'paxos');
  await page.waitForFunction(() => /could not be loaded/.test(window.clusterlab.state().notice || ''), null, { timeout: 10000 });
  const s = await state(page);
  assert.equal(s.protocol, 'flood');
  assert.equal(s.traceHash, before.traceHash, 'the open run is untouched');
  assert.ok((await page.evaluate(() => window.clusterlab.runFor(100000))).simTimeUs > before.simTimeUs, 'and still runs');
  await page.screenshot({ path: join(SHOTS, 'modules-load-failed.png') });

  // A module file that arrives damaged (a proxy's error page, a truncated copy): the
  // loader's decoder refuses it, and the page says so and keeps its run.
  await page.unroute(/pkg\/paxos\.[0-9a-f]+\.wasm\.lzma$/);
  await page.route(/pkg\/paxos\.[0-9a-f]+\.wasm\.lzma$/, route => route.fulfill({ status: 200, body: '<html>gateway timeout</html>' }));
  assert.equal((await page.evaluate(() => window.clusterlab.load('paxos-livelock'))).loading, 'paxos');
  await page.waitForFunction(() => /damaged/.test(window.clusterlab.state().notice || ''), null, { timeout: 10000 });
  assert.equal((await state(page)).protocol, 'flood');
  await context.close();
});

test('a parent page hears when a swapped module is ready', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.base + 'static/style.css');
  await page.setContent(`<iframe id="f" src="${env.base}?embed=1#preset=raft-election" width="800" height="500"></iframe>`);
  const frame = page.frameLocator('#f');
  await frame.locator('[data-node-id]').first().waitFor();
  const loaded = await page.evaluate(() => new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('no "loaded" message within 15 s')), 15000);
    window.addEventListener('message', e => { if (e.data && e.data.clusterlab === 'loaded') resolve(e.data); });
    document.getElementById('f').contentWindow.postMessage({ clusterlab: 'load', link: '#preset=paxos-clean-round' }, '*');
  }));
  assert.equal(loaded.family, 'paxos');
  assert.equal(loaded.state.protocol, 'paxos');
  await context.close();
});

test('a one-file build opens another family\'s scenario in that family\'s file, keeping the language', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(pathToFileURL(join(ROOT, 'dist', 'clusterlab.html')).href + '#preset=raft-election');
  await page.waitForFunction(() => window.clusterlab && window.clusterlab.state().protocol === 'raft');
  await page.selectOption('[data-testid=lang]', 'zh');
  const menus = JSON.parse(readFileSync(join(ROOT, 'dist', manifest().menuFile), 'utf8'));
  assert.equal(await page.locator('[data-testid=preset] option').count(), menus.menu.length, 'the menu lists every family\'s presets');
  await page.evaluate(() => window.clusterlab.load('swim-crash-detection'));
  await waitProtocol(page, 'swim');
  assert.match(page.url(), /clusterlab-gossip\.html\?lang=zh#preset=swim-crash-detection$/);
  assert.equal((await state(page)).lang, 'zh');
  assert.deepEqual(errors, []);
  await context.close();
});

test('every family has a one-file build, each under 1 MB', () => {
  const m = manifest();
  for (const fam of Object.keys(m.families)) {
    const file = fam === m.defaultFamily ? 'clusterlab.html' : `clusterlab-${fam}.html`;
    const size = readFileSync(join(ROOT, 'dist', file)).length;
    assert.ok(size < 1024 * 1024, `${file}: ${size} bytes`);
  }
});

test('a clock drifting beyond the lock service\'s bound ρ is labelled "assumption exceeded"; Raft has no such bound', async () => {
  const { page, context, errors } = await openRecording(env.base + '#preset=lock-acquire-release');
  await page.evaluate(() => window.clusterlab.pause());
  const r = await page.evaluate(() => window.clusterlab.inject({ kind: 'clock_drift', node: 1, drift_ppm: 400000 }));
  assert.equal(r.ok, true);
  const s = await state(page);
  assert.equal(s.exceeded.length, 1);
  assert.match(s.exceeded[0].what, /ρ = 10%/);
  await page.locator('[data-testid=assumption-exceeded]').waitFor();
  assert.equal(await page.getAttribute('[data-testid=invariants]', 'data-exceeded-count'), '1');
  await page.screenshot({ path: join(SHOTS, 'platform-assumption-exceeded.png') });
  // Within the bound: nothing.
  await page.evaluate(() => window.clusterlab.inject({ kind: 'clock_drift', node: 2, drift_ppm: 50000 }));
  assert.equal((await state(page)).exceeded.length, 1);
  await page.evaluate(() => window.clusterlab.load('raft-election'));
  await waitProtocol(page, 'raft');
  await page.evaluate(() => window.clusterlab.inject({ kind: 'clock_drift', node: 1, drift_ppm: 400000 }));
  assert.equal((await state(page)).exceeded.length, 0);
  assert.equal(await page.locator('[data-testid=assumption-exceeded]').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
