/**
 * The console when its read views need the token (consoleReadAuth, as off loopback): the
 * page says so instead of showing data; once the token is entered the live state arrives,
 * and the token stays out of the URL.
 */
import test from 'ava';
import { launchChromium } from '../support/browser.js';
import { CONSOLE_TOKEN, consoleWorld } from '../support/console-world.js';

test('read views behind the token: a clear message, then live data once the token is entered', async (t) => {
  t.timeout(60_000);
  const w = await consoleWorld(t, { consoleReadAuth: true });
  const b = await launchChromium();
  t.teardown(() => b.close());
  const page = await b.context.newPage();
  await page.goto(`${w.url()}/#now`);
  await page.getByText('this console needs the API token to show data').waitFor({ timeout: 10_000 });
  t.is(await page.getByTestId('live').innerText(), 'missing or wrong bearer token');
  await page.getByTestId('token').fill(CONSOLE_TOKEN);
  await page.getByTestId('save-token').click();
  await page.getByTestId('live').filter({ hasText: /^live/ }).waitFor({ timeout: 10_000 });
  t.regex(await page.getByTestId('ruleset-hash').innerText(), /^[0-9a-f]{16}$/);
  t.false(page.url().includes(CONSOLE_TOKEN));
});
