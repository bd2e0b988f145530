import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchBrowser, type Running, startServer } from './harness.ts';

let server: Running;
let browser: Browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function login(page: Page, username: string) {
  await page.goto(`${server.baseUrl}/login`);
  await page.fill('#username', username);
  await page.fill('#password', 'Demo#2026');
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20_000 });
}

async function openMap(page: Page) {
  await page.goto(`${server.baseUrl}/map`);
  await page.locator('[data-testid="grid-map"][data-ready="yes"]').waitFor({ timeout: 60_000 });
  await page.waitForFunction(
    () => {
      const m = (globalThis as unknown as { __gcMap?: { loaded(): boolean; areTilesLoaded(): boolean } }).__gcMap;
      return !!m && m.loaded() && m.areTilesLoaded();
    },
    null,
    { timeout: 60_000 },
  );
}

test('the leader opens the grid map offline, clicks a cell and sees its owners and who is responsible', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  // Nothing may leave the machine: no tiles, no glyphs, no fonts from elsewhere.
  const external: string[] = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(server.baseUrl) && !u.startsWith('data:') && !u.startsWith('blob:')) external.push(u);
  });
  await login(page, 'leader');
  await openMap(page);
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person reads
  const summary = await page.locator('[data-testid="map-summary"]').innerText();
  assert.match(summary, /4,900 个网格 · 3 个办事处 · 6 个社区/);
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person reads
  const legend = await page.locator('[data-testid="map-legend"]').innerText();
  for (const name of ['明湖办事处', '九龙办事处', '潮河办事处', '李南岗社区', '辖区边界'])
    assert.ok(legend.includes(name), name);
  await page.screenshot({ path: path.join(ARTIFACTS, 'map-leader.png') });

  // Zoom into 李南岗 (north-west) and click the middle of the map.
  await page.evaluate(() => {
    const m = (globalThis as unknown as { __gcMap: { jumpTo(o: unknown): void } }).__gcMap;
    m.jumpTo({ center: [113.7, 34.735], zoom: 16 });
  });
  await page.waitForTimeout(500);
  const box = await page.locator('[data-testid="grid-map"] canvas').boundingBox();
  assert.ok(box);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const panel = page.locator('[data-testid="grid-panel"]');
  await panel.getByText('网格编码').waitFor({ timeout: 15_000 });
  // The routing explanation: who answers here for each category group, and by which rule.
  const explain = panel.locator('[data-testid="explain-result"]');
  await explain.waitFor({ timeout: 15_000 });
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person reads
  const why = await explain.innerText();
  assert.match(why, /属地责任:李南岗社区/);
  assert.ok(why.includes('市容环境'), why);
  assert.match(why, /责任矩阵规则|分类牵头单位|网格属地/);
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person reads
  const text = await panel.innerText();
  assert.match(text, /4101710010010\d\d|410171001001\d{3}/, 'a 李南岗 cell code');
  assert.ok(text.includes('李南岗社区') && text.includes('明湖办事处'));
  assert.ok(text.includes('责任归属'));
  await page.screenshot({ path: path.join(ARTIFACTS, 'map-cell-panel.png') });
  assert.deepEqual(external, [], 'no request left the server');
  await page.close();
});

test('a grid worker sees only the cells of their community', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  await login(page, 'field_worker');
  await openMap(page);
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person reads
  const summary = await page.locator('[data-testid="map-summary"]').innerText();
  assert.match(summary, /1 个办事处 · 1 个社区/);
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person reads
  const legend = await page.locator('[data-testid="map-legend"]').innerText();
  assert.ok(legend.includes('李南岗社区') && !legend.includes('九龙社区'));
  await page.close();
});
