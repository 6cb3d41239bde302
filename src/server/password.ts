import {
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
  type ScryptOptions,
} from "node:crypto";

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Work factor from OWASP's scrypt guidance (N=2^15, r=8, p=1): ~50 ms a hash, 32 MiB of memory. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 1 << 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function scrypt(
  password: string,
  salt: Buffer,
  keyLength: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(
      password.normalize("NFKC"),
      salt,
      keyLength,
      { ...options, maxmem: 64 * 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash` (base64url), so the parameters can be raised later without breaking stored hashes. */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, params);
  return [
    "scrypt",
    params.N,
    params.r,
    params.p,
    salt.toString("base64url"),
    key.toString("base64url"),
  ].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, "base64url");
  const expected = Buffer.from(parts[5]!, "base64url");
  const key = await scrypt(password, salt, expected.length, { N, r, p });
  return timingSafeEqual(key, expected);
}

/**
 * Long passphrases beat composition rules (NIST SP 800-63B): a minimum length, a maximum so a
 * huge body cannot make scrypt run for seconds, and a refusal of the obviously guessable
 * (few distinct characters, whitespace, the user's name with digits, the commonest passwords).
 */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

const COMMON = new Set([
  "1234567890",
  "12345678910",
  "0123456789",
  "qwertyuiop",
  "password123",
  "password1234",
  "passwordpassword",
  "1q2w3e4r5t",
  "iloveyou123",
  "abcdefghij",
  "aaaaaaaaaa",
  "1111111111",
  "woaini1314",
  "qwerty123456",
]);

export type PasswordProblem = "tooShort" | "tooLong" | "tooWeak";

export function passwordProblem(password: string, name: string): PasswordProblem | null {
  if (password.length > MAX_PASSWORD_LENGTH) return "tooLong";
  const core = password.trim();
  if ([...core].length < MIN_PASSWORD_LENGTH) return "tooShort";
  const lower = core.toLowerCase();
  if (new Set(lower).size < 4) return "tooWeak";
  const rest = lower.startsWith(name.toLowerCase()) ? lower.slice(name.length) : null;
  if (COMMON.has(lower) || (rest !== null && /^[\d\s]*$/.test(rest))) return "tooWeak";
  return null;
}
