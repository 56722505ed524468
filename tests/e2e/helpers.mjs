// Shared set-up for the browser tests: serve dist/ on a free loopback port and launch
// Debian's Chromium through playwright-core (no browser download).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHOTS = join(ROOT, 'target', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

export const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'];

export async function start(root = join(ROOT, 'dist')) {
  const server = await serve(root, 0);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS, headless: true });
  return {
    server, base, browser,
    async stop() { await browser.close(); server.close(); },
    /// Close every page a test left open (each file runs this after each test): a page left
    /// playing animates on and takes CPU from every test after it (page.test.mjs alone kept
    /// both cores busy this way).
    async closePages() { for (const c of browser.contexts()) await c.close(); },
  };
}

/// Open a page and collect console errors and page errors.
export async function open(browser, url, viewport = { width: 1280, height: 720 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => window.clusterlab && document.querySelector('[data-node-id], [data-testid=cluster-canvas]'));
  return { page, errors, context };
}

export const state = page => page.evaluate(() => window.clusterlab.state());
export const pause = page => page.evaluate(() => window.clusterlab.pause());
export const runFor = (page, us) => page.evaluate(us => window.clusterlab.runFor(us), us);
/// Paused at the start, whatever autoplay did before.
export const fromStart = async page => { await pause(page); await page.evaluate(() => window.clusterlab.seek(0)); };
/// The overlay's table with this title, and node 0's field of this name, from a state().
export const table = (s, title) => s.overlay.tables.find(t => t.title === title);
export const field = (s, name) => s.nodes[0].fields[name];

/// Play `page` for `ms` and measure each animation frame: the interval between frames (what
/// the eye sees; 16.7 ms at 60 Hz) and the frame's work on the main thread, from the start of
/// the animation callback to the first task after it, which runs once style, layout, paint
/// and the commit to the compositor (where canvases are rasterised) are done.
export async function measureFrames(page, ms = 4000) {
  await page.evaluate(() => window.clusterlab.play());
  return page.evaluate(ms => new Promise(done => {
    const intervals = [], work = [];
    const after = new MessageChannel();
    let start = 0;
    after.port1.onmessage = () => work.push(performance.now() - start);
    let last = performance.now();
    const t0 = last;
    const tick = now => {
      start = performance.now();
      intervals.push(now - last);
      last = now;
      after.port2.postMessage(0);
      if (now - t0 < ms) requestAnimationFrame(tick); else setTimeout(() => done({ intervals, work }), 50);
    };
    requestAnimationFrame(tick);
  }), ms);
}

/// The `p` quantile (0 to 1) of `xs`.
export const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
