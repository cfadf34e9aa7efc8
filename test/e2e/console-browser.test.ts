/**
 * The console in a real browser (Debian's Chromium, headless, through playwright-core)
 * against `mapek run` as a child process and the reference Charter: an injected fault shows
 * up as an incident with its facts and chosen action; a click approves a waiting high-risk
 * action (Charter gets the write, the store records who), another is rejected (nothing is
 * written), and Approve without a token shows the service's refusal. With MAPEK_SCREENSHOTS
 * set (npm run report), a screenshot of each view is written there.
 */
import anyTest, { type TestFn } from 'ava';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, type BrowserHandle } from '../support/browser.js';
import { readApprovals, startConsoleChild, type ConsoleChildWorld } from '../support/console-child.js';
import { CONSOLE_TOKEN } from '../support/console-world.js';
import { readExecutions } from '../support/e2e-service.js';
import { waitUntil } from '../support/stack.js';

const test = anyTest as TestFn<{ w: ConsoleChildWorld; b: BrowserHandle; page: Page }>;

/** How long a fault may take to show in the console: ~1 s cycles, a 250 ms Charter tick. */
const SHOW_WITHIN_MS = 15_000;

test.before(async (t) => {
  t.context.w = await startConsoleChild();
  t.context.b = await launchChromium();
  t.context.page = await t.context.b.context.newPage();
});
test.after.always(async (t) => {
  await t.context.b?.close();
  await t.context.w?.stop();
});

const committeeWrites = (w: ConsoleChildWorld, id: string) => w.charter.writes.list().filter((r) => r.path === `/api/v1/committees/${id}` && r.applied);

async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env['MAPEK_SCREENSHOTS'];
  if (dir === undefined || dir === '') return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `console-${name}.png`), fullPage: true });
}

test.serial('an injected fault shows as an incident with its facts and the chosen action', async (t) => {
  t.timeout(60_000);
  const { w, page } = t.context;
  await page.goto(`${w.mapek.url}/#now`);
  await page.getByTestId('live').filter({ hasText: /^live/ }).waitFor({ timeout: 10_000 });
  await page.getByTestId('source-charter').filter({ hasText: 'ok' }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'now');
  const injectedAt = Date.now();
  w.charter.faults.inject('committee_overload', 'committee-safety');
  await page.getByTestId('tab-incidents').click();
  const card = page.locator('[data-testid="incident"][data-incident="committee:committee-safety"]');
  await card.waitFor({ timeout: SHOW_WITHIN_MS });
  t.log(`incident shown ${Date.now() - injectedAt} ms after the fault`);
  const facts = await card.getByTestId('facts').innerText();
  t.regex(facts, /rootCause\s+derived\s+committee_overload/);
  t.regex(facts, /alertnames\s+observed\s+\["CommitteeOverloaded"\]/);
  t.regex(await card.getByTestId('chosen').innerText(), /^scale_committee on committee-safety by scale-committee-high-risk@1/);
  t.regex(await card.innerText(), /scale-committee-by-one@1 scale_committee: lower effective priority 10 < 80/);
  t.regex(await card.getByTestId('alert').first().innerText(), /^CommitteeOverloaded warning/);
  await screenshot(page, 'incidents');
});

test.serial('approve without a token: the refusal is shown and nothing changes', async (t) => {
  t.timeout(60_000);
  const { w, page } = t.context;
  await page.getByTestId('tab-approvals').click();
  const card = page.locator('[data-testid="approval"][data-target="committee-safety"]');
  await card.waitFor({ timeout: SHOW_WITHIN_MS });
  await card.getByTestId('approve').click();
  const err = card.getByTestId('verdict-error');
  await err.waitFor({ timeout: 5_000 });
  t.is(await err.innerText(), 'not authorised: missing or wrong bearer token');
  const id = await card.getAttribute('data-approval');
  t.is((await readApprovals(w.knowledgeDir)).find((a) => a.id === id)?.state, 'waiting');
  t.deepEqual(committeeWrites(w, 'committee-safety'), []);
  await screenshot(page, 'approvals');
});

test.serial('approve by clicking: Charter receives the write and the store records who approved', async (t) => {
  t.timeout(60_000);
  const { w, page } = t.context;
  await page.getByTestId('operator').fill('ana');
  await page.getByTestId('token').fill(CONSOLE_TOKEN);
  await page.getByTestId('save-token').click();
  t.is(await page.evaluate('sessionStorage.getItem("mapek.apiToken")'), CONSOLE_TOKEN);
  t.false(page.url().includes(CONSOLE_TOKEN));
  const card = page.locator('[data-testid="approval"][data-target="committee-safety"]');
  await card.waitFor({ timeout: SHOW_WITHIN_MS });
  const id = (await card.getAttribute('data-approval'))!;
  await card.getByTestId('reason').fill('capacity is cheap');
  await card.getByTestId('approve').click();
  await waitUntil(() => (committeeWrites(w, 'committee-safety').length > 0 ? true : undefined), 20_000, 'the approved write at Charter', 100);
  t.is(committeeWrites(w, 'committee-safety').length, 1);
  const a = await waitUntil(async () => (await readApprovals(w.knowledgeDir)).find((x) => x.id === id && x.state === 'approved'), 10_000, 'the approval on disk');
  t.like(a, { state: 'approved', resolvedBy: 'ana', reason: 'capacity is cheap' });
  await page.getByTestId('tab-executions').click();
  await page.locator('[data-testid="execution"]').first().waitFor({ timeout: 10_000 });
  await screenshot(page, 'executions');
});

test.serial('reject by clicking: recorded, and nothing is written to Charter', async (t) => {
  t.timeout(60_000);
  const { w, page } = t.context;
  w.charter.faults.inject('committee_overload', 'committee-ops');
  await page.getByTestId('tab-approvals').click();
  const card = page.locator('[data-testid="approval"][data-target="committee-ops"]');
  await card.waitFor({ timeout: SHOW_WITHIN_MS });
  const id = (await card.getAttribute('data-approval'))!;
  await card.getByTestId('reason').fill('change freeze');
  await card.getByTestId('reject').click();
  await card.waitFor({ state: 'detached', timeout: 10_000 });
  const a = await waitUntil(async () => (await readApprovals(w.knowledgeDir)).find((x) => x.id === id && x.state === 'rejected'), 10_000, 'the rejection on disk');
  t.like(a, { resolvedBy: 'ana', reason: 'change freeze' });
  await waitUntil(async () => ((await readExecutions(w.knowledgeDir)).find((e) => e.id === id)?.status === 'rejected' ? true : undefined), 10_000, 'the intent closed as rejected', 100);
  t.deepEqual(committeeWrites(w, 'committee-ops'), []);
  t.regex(await page.getByTestId('decided').innerText(), /^rejected scale_committee committee-ops by ana at .+: change freeze\napproved scale_committee committee-safety by ana at .+: capacity is cheap$/);
  await page.getByTestId('tab-learning').click();
  await page.locator('section[data-view="learning"]').waitFor();
  // Every plan rule is listed with its weight, learned or not.
  t.regex(await page.locator('[data-testid="learning-rule"][data-rule="scale-committee-by-one"]').innerText(), /^scale-committee-by-one weight 1\b/);
  await screenshot(page, 'learning');
});
