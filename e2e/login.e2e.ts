import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_TOTP_SECRETS } from '../server/db/seed/demo.ts';
import { totpNow } from '../server/modules/auth/index.ts';
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

test('a leader logs in and sees the district home page in Chinese', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  await page.goto(`${server.baseUrl}/`);
  await page.waitForURL(/\/login/);
  await page.locator('#username').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  await page.screenshot({ path: path.join(ARTIFACTS, 'login.png') });
  await page.fill('#username', 'leader');
  await page.fill('#password', 'Demo#2026');
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByText('交通指挥部').first().waitFor({ timeout: 15_000 });
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person reads
  const text = await page.locator('body').innerText();
  for (const expected of [
    '经开区',
    '明湖办事处',
    '九龙办事处',
    '潮河办事处',
    '李南岗社区',
    '铁路河渠指挥部',
    '区领导(演示)',
  ]) {
    assert.ok(text.includes(expected), `home page shows ${expected}`);
  }
  // The leader's menu has no admin entries.
  assert.ok(!text.includes('审计日志'));
  await page.screenshot({ path: path.join(ARTIFACTS, 'home-leader.png'), fullPage: true });
  await page.close();
});

test('an administrator needs the TOTP code, then gets the admin menu', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${server.baseUrl}/login`);
  await page.fill('#username', 'sys_admin');
  await page.fill('#password', 'Demo#2026');
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.locator('#totp').waitFor({ timeout: 10_000 });
  await page.fill('#totp', totpNow(DEMO_TOTP_SECRETS.sys_admin, new Date()));
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByText('用户管理').first().waitFor({ timeout: 15_000 });
  await page.getByText('用户管理').first().click();
  await page.getByText('field_worker').first().waitFor({ timeout: 10_000 });
  await page.screenshot({ path: path.join(ARTIFACTS, 'users-sys-admin.png'), fullPage: true });
  await page.close();
});
