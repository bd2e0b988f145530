/** `npm run audit:verify`: walk every tenant's audit chain and name the first broken row. Exit 1 if any. */
import path from 'node:path';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/client.ts';
import { listTenantIds } from '../server/jobs/jobs.repo.ts';
import { verifyChain } from '../server/modules/audit/index.ts';

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pg') });
let broken = 0;
try {
  for (const tenantId of await listTenantIds(database.db)) {
    const v = await verifyChain(database.db, tenantId);
    if (v.ok) {
      process.stdout.write(`tenant ${tenantId}: OK, ${v.checked} events\n`);
    } else {
      broken++;
      process.stdout.write(
        `tenant ${tenantId}: BROKEN at seq ${v.firstBroken?.seq}: ${v.firstBroken?.reason} (${v.checked} events verified before it)\n`,
      );
    }
  }
} finally {
  await database.close();
}
process.exit(broken ? 1 : 0);
