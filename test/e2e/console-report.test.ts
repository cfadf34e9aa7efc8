/**
 * `mapek simulate --html`, opened in Debian's Chromium: the failed fixture comes first with
 * its failed expectation visible in red, unchanged steps are collapsed and expand on click,
 * and a 24-hour, 5,760-step recording opens and scrolls to its end within a bound.
 */
import anyTest, { type TestFn } from 'ava';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { command as simulate } from '../../src/cli/simulate.js';
import { launchChromium, type BrowserHandle } from '../support/browser.js';
import { CONSOLE_RULES } from '../support/console-world.js';
import { captureIo } from '../support/io.js';
import { REPO_ROOT } from '../support/stack.js';

const test = anyTest as TestFn<{ b: BrowserHandle; dir: string }>;

const FIXTURES = path.join(REPO_ROOT, 'test/data/fixtures/console');

/**
 * A 24-hour recording at 15 s (5,760 steps) with 5 overloaded committees whose set changes
 * every hour; steps in between carry the alerts over (as a compact recording does). Step
 * 5,000 expects an action that is not planned: a failure deep in the file.
 */
function dayRecording(): string {
  const lines = ['apiVersion: mapek/v1', 'kind: Fixture', 'name: day', 'description: 24 h at 15 s, 5 alerts, a new set every hour', 'start: "2026-11-26T00:00:00Z"', 'steps:'];
  for (let i = 0; i < 5760; i++) {
    lines.push(`  - at: "+${i * 15}s"`);
    if (i % 240 === 0) {
      lines.push('    alerts:');
      for (let k = 0; k < 5; k++) lines.push(`      - { name: CommitteeOverloaded, severity: warning, labels: { committee_id: c-${(k * 7 + i / 240) % 40} } }`);
    }
    if (i === 4999) lines.push('    expect:', '      actions: [ { type: quarantine_target, target: node-1 } ]');
  }
  return `${lines.join('\n')}\n`;
}
/** Open and render the 5,760-step report, then scroll to its end (measured ~1 s here). */
const LARGE_WITHIN_MS = 15_000;

test.before(async (t) => {
  t.context.b = await launchChromium();
  t.context.dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-html-'));
});
test.after.always(async (t) => {
  await t.context.b?.close();
  if (t.context.dir) await rm(t.context.dir, { recursive: true, force: true });
});

test.serial('the failed expectation is shown first, in red; unchanged steps collapse and expand', async (t) => {
  const file = path.join(t.context.dir, 'report.html');
  const io = captureIo();
  t.is(await simulate.run([FIXTURES, '--rules', CONSOLE_RULES, '--html', file], io), 1);
  t.is(io.stderr(), `simulate: HTML report written to ${file}\n`);
  const html = await readFile(file, 'utf8');
  t.false(/\b(src|href)="https?:/.test(html), 'no network reference');
  const page = await t.context.b.context.newPage();
  await page.goto(pathToFileURL(file).href);
  const sections = page.locator('section.fixture');
  t.is(await sections.first().getAttribute('data-fixture'), 'committee-steady');
  t.is(await sections.nth(1).getAttribute('data-fixture'), 'a-holds');
  const failure = sections.first().locator('ul.failures li').first();
  t.true(await failure.isVisible());
  t.is(await failure.innerText(), `step 1 (${path.join(FIXTURES, 'committee-steady.yaml')}:11): expected action scale_committee c-1 {"delta":5}; planned: scale_committee c-1 (scale-committee-high-risk)`);
  // The page's own window (tsconfig has no DOM lib).
  t.is(await failure.locator('a').evaluate((e) => (globalThis as unknown as { getComputedStyle(x: unknown): { color: string } }).getComputedStyle(e).color), 'rgb(179, 38, 30)');
  const collapsed = sections.first().locator('.same');
  t.is(await collapsed.innerText(), '▸ 3 steps without changes (steps 2–4)');
  t.is(await page.locator('#f0-s3').count(), 0);
  await collapsed.click();
  t.regex(await page.locator('#f0-s3').innerText(), /^step 3\s+\+30s/);
  t.regex(await page.locator('#f0-s5').innerText(), /no incidents/);
  await page.close();
});

test.serial('a 24-hour, 5,760-step recording opens, renders lazily and scrolls to its end', async (t) => {
  t.timeout(120_000);
  const fixture = path.join(t.context.dir, 'day.yaml');
  await writeFile(fixture, dayRecording());
  const file = path.join(t.context.dir, 'day.html');
  t.is(await simulate.run([fixture, '--rules', CONSOLE_RULES, '--html', file, '--json'], captureIo()), 1);
  const bytes = (await stat(file)).size;
  const page = await t.context.b.context.newPage();
  const t0 = Date.now();
  await page.goto(pathToFileURL(file).href);
  await page.locator('section.fixture h2').first().waitFor();
  const openMs = Date.now() - t0;
  const rendered = await page.locator('.step, .same').count();
  t.true(rendered > 0 && rendered <= 200, `first paint renders at most one chunk (${rendered} rows)`);
  // The failure deep in the file is listed at the top; its link renders its step on demand.
  const failure = page.locator('ul.failures a').first();
  t.regex(await failure.innerText(), /^step 5000 \(.*day\.yaml:\d+\): expected action quarantine_target node-1/);
  await failure.click();
  t.true(await page.locator('#f0-s5000').isVisible());
  // Scroll until the lazy list has nothing more to add.
  for (let i = 0; i < 200; i++) {
    const more = await page.evaluate('(() => { window.scrollTo(0, document.body.scrollHeight); return document.body.innerText.includes("more rows below"); })()');
    if (more !== true) break;
    await page.waitForTimeout(20);
  }
  const totalMs = Date.now() - t0;
  t.log(`5,760 steps: ${(bytes / 1e6).toFixed(1)} MB HTML; opened in ${openMs} ms, scrolled to the end in ${totalMs} ms; ${await page.locator('.step, .same').count()} rows`);
  t.true(totalMs < LARGE_WITHIN_MS, `${totalMs} ms`);
  t.regex(await page.locator('section.fixture').first().innerText(), /steps \d+–5760\)$/);
  await page.locator('.same').last().click();
  t.regex(await page.locator('#f0-s5760').innerText(), /^step 5760\s/);
  await page.close();
});
