/** Print the current TOTP codes of the demo admin accounts (their secrets are public demo data). */
import { DEMO_TOTP_SECRETS } from '../server/db/seed/demo.ts';
import { otpauthUri, totpNow } from '../server/modules/auth/index.ts';

const now = new Date();
const left = 30 - (Math.floor(now.getTime() / 1000) % 30);
for (const [user, secret] of Object.entries(DEMO_TOTP_SECRETS)) {
  process.stdout.write(`${user.padEnd(12)} ${totpNow(secret, now)}   (secret ${secret})\n`);
}
process.stdout.write(
  `codes change in ${left} s; add to an authenticator app with e.g. ${otpauthUri(DEMO_TOTP_SECRETS.sys_admin, 'sys_admin')}\n`,
);
