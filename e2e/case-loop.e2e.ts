/**
 * The closed loop in the browser, as the people do it: a grid worker reports a broken traffic sign in
 * 李南岗 from a phone (photo, GPS, category), the 交通指挥部 commander registers and dispatches it,
 * the 李南岗 community's staff accept it and hand in an after-photo, an inspector verifies, the
 * commander closes — and the case's page shows every step and both photos.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { ARTIFACTS, launchBrowser, type Running, startServer } from './harness.ts';

let server: Running;
let browser: Browser;
const contexts: BrowserContext[] = [];
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };
/** A point in 李南岗 (WGS-84): the matrix routes it to 李南岗社区. */
const SPOT = { lng: 113.7, lat: 34.735 };

/** A photo-like JPEG: a sky, a road and a (fallen) sign, 800×600. */
async function photo(label: string, colour: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600">
    <rect width="800" height="360" fill="#9cc3e6"/><rect y="360" width="800" height="240" fill="#6b6f76"/>
    <rect x="0" y="470" width="800" height="12" fill="#f4f4f4"/>
    <rect x="380" y="200" width="14" height="260" fill="#8a8d91"/>
    <circle cx="387" cy="190" r="80" fill="#fff" stroke="${colour}" stroke-width="22"/>
    <text x="387" y="212" font-size="64" text-anchor="middle" font-family="sans-serif" fill="#222">40</text>
    <text x="24" y="50" font-size="32" font-family="sans-serif" fill="#102a43">${label}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

async function newPage(user: string, viewport: { width: number; height: number }, geo = false): Promise<Page> {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(geo
      ? { geolocation: { latitude: SPOT.lat, longitude: SPOT.lng, accuracy: 8 }, permissions: ['geolocation'] }
      : {}),
    ...(viewport.width < 500 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/login`);
  await page.fill('#username', user);
  await page.fill('#password', 'Demo#2026');
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20_000 });
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `case-${name}.png`) });

/** The detail page, once it shows the given status. */
async function detailAt(page: Page, status: string) {
  await page.locator(`[data-testid="case-detail"][data-status="${status}"]`).waitFor({ timeout: 20_000 });
}

/** Press the action bar's button, confirm (or fill) the dialog, and wait for the new status. */
async function act(
  page: Page,
  label: string,
  to: string,
  fill?: (dialog: ReturnType<Page['getByRole']>) => Promise<void>,
) {
  await page.locator('[data-testid="case-actions"]').getByRole('button', { name: label, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  if (fill) await fill(dialog);
  await dialog.getByRole('button', { name: label, exact: true }).click();
  await detailAt(page, to);
  await dialog.waitFor({ state: 'hidden' });
}

// biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person reads
const textOf = (page: Page, selector: string) => page.locator(selector).innerText();

test('report → register → dispatch → accept → handle → verify → close, all on the timeline', async () => {
  const errors: string[] = [];
  const watch = (p: Page, who: string) => {
    p.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));
    p.on('console', (m) => {
      // The lost answer and the stale write below are on purpose; the browser logs both.
      const expected = /ERR_CONNECTION_RESET|status of 412/.test(m.text());
      if (m.type() === 'error' && !expected) errors.push(`${who} console: ${m.text()}`);
    });
  };

  // ---- 1. The grid worker reports from a phone. ----
  const worker = await newPage('field_worker', PHONE, true);
  watch(worker, 'field_worker');
  await worker.goto(`${server.baseUrl}/report`);
  await worker.locator('[data-testid="report-map"][data-ready="yes"]').waitFor({ timeout: 60_000 });

  // Tap the map next to the spot (a worker who allowed location may already have a marker on it) …
  await worker.evaluate(({ lng, lat }) => {
    const m = (globalThis as unknown as { __gcCaseMap: { jumpTo(o: unknown): void } }).__gcCaseMap;
    m.jumpTo({ center: [lng, lat], zoom: 17 });
  }, SPOT);
  await worker.waitForTimeout(300);
  const canvas = worker.locator('[data-testid="report-map"] canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  assert.ok(box);
  await worker.touchscreen.tap(box.x + box.width / 2 + 60, box.y + box.height / 2 + 40);
  await worker.locator('[data-testid="report-point"]', { hasText: '地图选点' }).waitFor();
  // … then take the phone's own position, which is exact.
  await worker.getByTestId('use-gps').click();
  await worker.locator('[data-testid="report-point"]', { hasText: '当前位置' }).waitFor();
  assert.match(await textOf(worker, '[data-testid="report-point"]'), /113\.700000, 34\.735000/);

  // Category: 道路交通 / 交通标志牌损坏.
  await worker.locator('#category').click();
  await worker.getByRole('menuitemcheckbox', { name: '道路交通' }).click();
  await worker.getByRole('menuitemcheckbox', { name: '交通标志牌损坏' }).click();
  await worker.fill('#description', '李南岗路口东侧限速 40 标志牌倾倒,影响通行');

  // Photo, uploaded as soon as it is chosen.
  await worker.locator('[data-testid="report-photos"] input[type="file"]').setInputFiles({
    name: 'before.jpg',
    mimeType: 'image/jpeg',
    buffer: await photo('处置前 · 标志牌倾倒', '#c8161d'),
  });
  await worker.locator('[data-testid="report-photos"] .gc-photo-cell[data-status="done"]').waitFor({ timeout: 20_000 });

  // Who will get it.
  const preview = worker.getByTestId('routing-preview');
  await preview.waitFor({ timeout: 15_000 });
  const why = await textOf(worker, '[data-testid="routing-preview"]');
  assert.match(why, /将派往:李南岗社区/);
  assert.ok(why.includes('交通指挥部'), why);
  assert.ok(why.includes('依据'), why);
  await shot(worker, '1-report-phone');
  await worker.screenshot({ path: path.join(ARTIFACTS, 'case-1-report-phone-full.png'), fullPage: true });

  // The first answer is lost on the way back (the server did create the case): the worker sees that
  // the report did not go through and sends again — with the same id and Idempotency-Key.
  const keys: string[] = [];
  let lost = false;
  await worker.route('**/api/v1/cases', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push(route.request().headers()['idempotency-key'] ?? '');
    if (lost) return route.continue();
    lost = true;
    const res = await route.fetch();
    assert.equal(res.status(), 201);
    await route.abort('connectionreset');
  });
  await worker.getByTestId('submit-case').click();
  await worker.getByTestId('submit-retry').waitFor({ timeout: 15_000 });
  await shot(worker, '1b-report-retry-phone');
  await worker.getByTestId('submit-case').click();
  await worker.waitForURL(/\/cases\/[0-9a-f-]{36}$/, { timeout: 20_000 });
  await detailAt(worker, 'reported');
  const caseUrl = new URL(worker.url()).pathname;
  const number = (await textOf(worker, '[data-testid="case-number"]')).trim();
  assert.match(number, /^\d{4}-\d{6}$/);
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'the retry reuses the Idempotency-Key');
  assert.match(keys[0] ?? '', /^[0-9a-f-]{36}$/);
  await worker.unroute('**/api/v1/cases');
  // The worker may not register their own report: no such button.
  assert.equal(await worker.getByRole('button', { name: '立案', exact: true }).count(), 0);
  await shot(worker, '2-reported-phone');

  // ---- 2. The commander registers from the dispatch queue, then dispatches from the case. ----
  const commander = await newPage('commander', DESK);
  watch(commander, 'commander');
  await commander.goto(`${server.baseUrl}/dispatch`);
  const row = commander.locator('tr', { hasText: number });
  await row.waitFor({ timeout: 15_000 });
  await shot(commander, '3-dispatch-queue');
  await row.getByRole('button', { name: '立案' }).click();
  const dialog = commander.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: '立案', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await commander.locator('tr', { hasText: number }).getByRole('button', { name: '派遣' }).waitFor({ timeout: 15_000 });
  await commander.goto(`${server.baseUrl}${caseUrl}`);
  await detailAt(commander, 'registered');
  // A second tab still shows the case as registered when the first one dispatches it.
  const stale = await commander.context().newPage();
  watch(stale, 'commander tab 2');
  await stale.goto(`${server.baseUrl}${caseUrl}`);
  await detailAt(stale, 'registered');
  await act(commander, '派遣', 'dispatched');
  await shot(commander, '4-dispatched');
  // Its 派遣 is refused (If-Match is stale): the page says so and shows the case as it is now.
  await stale.locator('[data-testid="case-actions"]').getByRole('button', { name: '派遣', exact: true }).click();
  await stale.getByRole('dialog').getByRole('button', { name: '派遣', exact: true }).click();
  await stale.getByText('案件已被他人更新,已刷新').waitFor({ timeout: 15_000 });
  await detailAt(stale, 'dispatched');
  await stale.close();

  // ---- 3. The community's staff accept in "my tasks" and hand in the after-photo (phone). ----
  const staff = await newPage('unit_staff', PHONE);
  watch(staff, 'unit_staff');
  await staff.goto(`${server.baseUrl}/tasks`);
  const card = staff.getByTestId(`case-card-${number}`);
  await card.waitFor({ timeout: 15_000 });
  await shot(staff, '5-tasks-phone');
  await card.getByRole('button', { name: '签收' }).click();
  const accept = staff.getByRole('dialog');
  await accept.waitFor();
  await accept.getByRole('button', { name: '签收', exact: true }).click();
  await accept.waitFor({ state: 'hidden' });
  await staff.getByTestId(`case-card-${number}`).getByRole('button', { name: '处置' }).waitFor({ timeout: 15_000 });
  await staff.getByTestId(`case-card-${number}`).click();
  await detailAt(staff, 'in_progress');
  await act(staff, '处置完成', 'handled', async (d) => {
    await d.locator('input[type="file"]').setInputFiles({
      name: 'after.jpg',
      mimeType: 'image/jpeg',
      buffer: await photo('处置后 · 已扶正加固', '#1f9d6b'),
    });
    await d.locator('.gc-photo-cell[data-status="done"]').waitFor({ timeout: 20_000 });
    await d.locator('textarea').fill('已将标志牌扶正并加固底座');
    await shot(staff, '6-handle-dialog-phone');
  });

  // ---- 4. The inspector verifies. ----
  const inspector = await newPage('inspector', DESK);
  watch(inspector, 'inspector');
  await inspector.goto(`${server.baseUrl}${caseUrl}`);
  await detailAt(inspector, 'handled');
  await act(inspector, '核查通过', 'verified');

  // ---- 5. The commander closes. ----
  await commander.goto(`${server.baseUrl}${caseUrl}`);
  await detailAt(commander, 'verified');
  await act(commander, '结案', 'closed');
  await commander.locator('[data-testid="photos-after"] img').first().waitFor();
  await shot(commander, '7-closed');
  await commander.screenshot({ path: path.join(ARTIFACTS, 'case-7-closed-full.png'), fullPage: true });

  // ---- The timeline shows it all, and both photos. ----
  const timeline = await textOf(commander, '[data-testid="case-timeline"]');
  const steps = ['上报', '立案', '派遣', '签收', '处置完成', '核查通过', '结案'];
  let at = -1;
  for (const s of steps) {
    const i = timeline.indexOf(s, at + 1);
    assert.ok(i > at, `timeline has "${s}" after the previous step:\n${timeline}`);
    at = i;
  }
  for (const who of ['李南岗社区网格员', '交通指挥部指挥长', '李南岗社区工作人员', '已将标志牌扶正并加固底座'])
    assert.ok(timeline.includes(who), `timeline mentions ${who}:\n${timeline}`);
  assert.equal(await commander.locator('[data-testid="timeline-event"]').count(), 7);
  assert.equal(await commander.locator('[data-testid="photos-before"]').getAttribute('data-count'), '1');
  assert.equal(await commander.locator('[data-testid="photos-after"]').getAttribute('data-count'), '1');
  for (const sel of ['[data-testid="photos-before"] img', '[data-testid="photos-after"] img']) {
    const loaded = await commander
      .locator(sel)
      .first()
      .evaluate((el) => {
        const img = el as unknown as { complete: boolean; naturalWidth: number };
        return img.complete && img.naturalWidth > 0;
      });
    assert.ok(loaded, `${sel} shows an image`);
  }
  // Nothing left to do on a closed case.
  assert.match(await textOf(commander, '[data-testid="case-action-card"]'), /没有可执行的操作/);

  // ---- The ledger lists it as closed, and exports what it shows. ----
  await commander.goto(`${server.baseUrl}/cases?status=closed`);
  const ledgerRow = commander.locator('tr', { hasText: number });
  await ledgerRow.waitFor({ timeout: 15_000 });
  assert.ok((await ledgerRow.textContent())?.includes('已结案'));
  await shot(commander, '8-ledger');
  const [download] = await Promise.all([
    commander.waitForEvent('download'),
    commander.getByTestId('export-xlsx').click(),
  ]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const file = await download.path();
  assert.ok(file);

  assert.deepEqual(errors, [], 'no page errors');
});
