/** Password rules (等保 2.0 level 3) and argon2id hashing. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { TFieldIssue } from '../../../common/errors.ts';

// Common passwords and the "complex-looking" defaults seen in Chinese government systems; compared
// case-insensitively, so each entry also covers its capitalised variants.
const COMMON = new Set(
  [
    'password',
    'password1',
    'password123',
    'passw0rd',
    'p@ssw0rd',
    'p@ssword',
    'p@ssw0rd1',
    'p@55w0rd',
    'passw0rd!',
    'password!',
    'password@123',
    'password#123',
    'admin123',
    'admin@123',
    'admin#123',
    'admin123!',
    'admin@1234',
    'admin@2024',
    'admin@2025',
    'admin@2026',
    'administrator',
    'abc@123',
    'abc@1234',
    'abc123!@#',
    'abcd@1234',
    'abc12345',
    'aa123456',
    'aa123456!',
    'aa@123456',
    'a123456!',
    'a1234567',
    'a12345678',
    'qwer1234',
    'qwer@1234',
    'qwe123!@#',
    'qwerty123',
    'qwerty@123',
    'qwerty1!',
    '1qaz@wsx',
    '1qaz2wsx',
    '1qaz!qaz',
    '1qazxsw@',
    '1q2w3e4r',
    '1q2w3e4r!',
    '1q2w3e4r5t',
    'zaq1@wsx',
    'zaq12wsx',
    'asdf1234',
    'asdf@1234',
    'root@123',
    'root123!',
    'test@123',
    'test1234',
    'welcome1',
    'welcome@1',
    'welcome123',
    'letmein1',
    'iloveyou1',
    'changeme1',
    'changeme!',
    'huawei@123',
    'huawei12#$',
    'sangfor@123',
    'h3c@1234',
    'sysadmin@1',
    'system@123',
    'gov@1234',
    'china@123',
    'woaini1314',
    'woaini@1314',
    'zhangsan1',
    'demo#2025',
    'summer2025!',
    'winter2025!',
    'spring2026!',
    '12345678',
    '123456789',
    '1234567890',
    '11111111',
    '88888888',
    '66666666',
    '123123123',
  ].map((s) => s.toLowerCase()),
);

const CLASSES: [RegExp, string][] = [
  [/[a-z]/, '小写字母'],
  [/[A-Z]/, '大写字母'],
  [/[0-9]/, '数字'],
  [/[^A-Za-z0-9]/, '符号'],
];

/** Problems with a proposed password; empty when it is acceptable. */
export function passwordProblems(password: string, username?: string, field = 'password'): TFieldIssue[] {
  const problems: TFieldIssue[] = [];
  if (password.length < 8) problems.push({ field, message: '密码至少 8 位' });
  const classes = CLASSES.filter(([re]) => re.test(password)).length;
  if (classes < 3) problems.push({ field, message: '密码须包含大写字母、小写字母、数字、符号中的至少三类' });
  if (COMMON.has(password.toLowerCase())) problems.push({ field, message: '该密码属于常见弱口令,请更换' });
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    problems.push({ field, message: '密码不得包含用户名' });
  }
  return problems;
}

// OWASP's argon2id baseline (19 MiB, 2 iterations); the library's defaults, pinned so they can't drift.
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

const GENERATED_PREFIX = '$gc-sha256$';

/**
 * Hash for a machine-generated initial password only (14 random characters, about 80 bits): guessing
 * it is infeasible whatever the hash costs, so a salted SHA-256 stands in for argon2id and importing
 * 5,000 people takes seconds instead of most of a minute. Such accounts must change the password at
 * first login, which stores argon2id. Never use this for a password a person chose.
 */
export function hashGeneratedPassword(password: string): string {
  const salt = randomBytes(16);
  const digest = createHash('sha256').update(salt).update(password, 'utf8').digest();
  return `${GENERATED_PREFIX}${salt.toString('base64')}$${digest.toString('base64')}`;
}

function verifyGenerated(stored: string, password: string): boolean {
  const [salt, digest] = stored.slice(GENERATED_PREFIX.length).split('$');
  if (!salt || !digest) return false;
  const expected = Buffer.from(digest, 'base64');
  const actual = createHash('sha256').update(Buffer.from(salt, 'base64')).update(password, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  if (stored.startsWith(GENERATED_PREFIX)) return verifyGenerated(stored, password);
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** Spend the same time on an unknown username as on a wrong password, so timing tells nothing. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword('timing-equaliser-Aa1!');
  await verifyPassword(await dummy, password);
}
