import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** 256 random bits, URL-safe: session ids, CSRF tokens, invite and setup tokens. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Only hashes of bearer tokens are stored, so a leaked database cannot be replayed as logins. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
