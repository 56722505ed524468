// The Content-Security-Policy of the page and of the one-file builds: inline scripts and
// styles only by hash, no 'unsafe-inline' or 'unsafe-eval', wasm by 'wasm-unsafe-eval',
// nothing from another origin. The page works under it with no violation reported: it
// plays, swaps family modules, opens the history viewer (a module fetched on demand) and
// draws every view; the one-file build runs from file:// under its own policy.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { start, ARGS, ROOT } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

const policyOf = html => (html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/) || [])[1];

test('every page carries a policy without unsafe-inline or unsafe-eval', () => {
  const pages = readdirSync(join(ROOT, 'dist')).filter(f => f.endsWith('.html'));
  assert.ok(pages.length >= 6, pages.join(' '));
  for (const f of pages) {
    const policy = policyOf(readFileSync(join(ROOT, 'dist', f), 'utf8'));
    assert.ok(policy, `${f} has a policy`);
    assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'|\*|https?:/, f);
    assert.match(policy, /default-src 'none'/, f);
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/, f);
  }
});

// Record every policy violation the page reports, from before its first script.
async function watched(url) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => window.clusterlab && document.querySelector('[data-node-id], [data-testid=cluster-canvas]'), null, { timeout: 20_000 });
  return { page, context, errors, violations: () => page.evaluate(() => window.__csp) };
}

test('the served page plays, swaps modules and opens the history viewer under its policy', async () => {
  const { page, context, errors, violations } = await watched(env.base + '#preset=raft-stale-read');
  await page.evaluate(() => window.clusterlab.runFor(4_000_000));
  await page.click('[data-testid=show-history]');
  await page.waitForSelector('[data-testid=history-verdict]', { timeout: 20_000 });
  await page.keyboard.press('Escape');
  // Timeline marks and the space-time diagram are placed through the CSSOM.
  await page.click('[data-node-id="1"]');
  await page.click('[data-testid=crash]');
  const left = await page.$eval('.mark.fault', m => m.style.left);
  assert.match(left, /%$/, 'the fault mark is placed');
  await page.evaluate(() => window.clusterlab.load('#preset=gossip-push-1000'));
  await page.waitForFunction(() => window.clusterlab && window.clusterlab.state().protocol === 'gossip', null, { timeout: 20_000 });
  assert.deepEqual(await violations(), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the one-file build runs from file:// under its policy', async () => {
  const { page, context, errors, violations } = await watched(pathToFileURL(join(ROOT, 'dist', 'clusterlab.html')).href + '#preset=raft-stale-read');
  await page.evaluate(() => window.clusterlab.runFor(4_000_000));
  await page.click('[data-testid=show-history]');
  await page.waitForSelector('[data-testid=history-verdict]', { timeout: 20_000 });
  assert.deepEqual(await violations(), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an inline script the policy does not list is refused (the policy is in force)', async () => {
  const { page, context, violations } = await watched(env.base + '#preset=raft-election');
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__ran = true';
    document.body.appendChild(s);
  });
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => window.__ran), undefined);
  assert.ok((await violations()).some(v => v.startsWith('script-src')), 'reported as a violation');
  await context.close();
});
