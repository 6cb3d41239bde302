import { PsysimError } from "../core/errors.js";
import type { AnnotationStore } from "./annotation-store.js";
import { hashPassword, MIN_PASSWORD_LENGTH, type ScryptParams } from "./password.js";
import { randomToken, tokenHash } from "./tokens.js";

export const ADMIN_PASSWORD_ENV = "PSYSIM_ADMIN_PASSWORD";

export type AdminBootstrap =
  { kind: "exists" } | { kind: "created"; name: string } | { kind: "setup-token"; token: string };

/**
 * On first start there is no admin: one is created from `PSYSIM_ADMIN_PASSWORD`, or a
 * one-time setup token is issued for the printed link. The password never touches a file.
 */
export async function bootstrapAdmin(
  store: AnnotationStore,
  env: Record<string, string | undefined>,
  scrypt?: ScryptParams,
): Promise<AdminBootstrap> {
  if (store.countUsers("admin") > 0) return { kind: "exists" };
  const password = env[ADMIN_PASSWORD_ENV];
  if (password !== undefined && password !== "") {
    if (password.length < MIN_PASSWORD_LENGTH)
      throw new PsysimError(
        "CONFIG_INVALID",
        `${ADMIN_PASSWORD_ENV} must have at least ${MIN_PASSWORD_LENGTH} characters`,
      );
    store.createUser("admin", "admin", await hashPassword(password, scrypt));
    return { kind: "created", name: "admin" };
  }
  const token = randomToken();
  store.createSetupToken(tokenHash(token));
  return { kind: "setup-token", token };
}
