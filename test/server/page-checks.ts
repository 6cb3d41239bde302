import { createRequire } from "node:module";
import { join } from "node:path";
import type { Page } from "playwright-core";

/** The two screens the issue names: a phone and a laptop. */
export const SCREENS = [
  { name: "phone", width: 390, height: 844 },
  { name: "laptop", width: 1366, height: 900 },
] as const;
export type Screen = (typeof SCREENS)[number];
export const UI_LANGUAGES = ["zh", "en"] as const;

const AXE = join(
  createRequire(import.meta.url).resolve("axe-core/package.json"),
  "..",
  "axe.min.js",
);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core's WCAG 2.1 A/AA and best-practice rules on the page as it is now. The context must
 * be created with `bypassCSP`, since the platform's CSP (rightly) refuses the injected script.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE });
  // Source text: the tests are typed without the DOM library.
  return (await page.evaluate(`axe
    .run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 4).map((n) => n.target.join(" ")) })))`)) as AxeViolation[];
}

/** Serious and critical violations: what the issue says must not occur on any page. */
export const blocking = (violations: AxeViolation[]) =>
  violations.filter((v) => v.impact === "serious" || v.impact === "critical");

/** How far the document reaches past the screen's right edge (0: no sideways scroll). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return (await page.evaluate(
    "document.scrollingElement.scrollWidth - window.innerWidth",
  )) as number;
}

/** The box of the first match in viewport coordinates, or null when nothing matches. */
export async function viewportBox(
  page: Page,
  selector: string,
): Promise<{ top: number; bottom: number; left: number; right: number; inner: number } | null> {
  return (await page.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, inner: window.innerHeight };
  })()`)) as { top: number; bottom: number; left: number; right: number; inner: number } | null;
}

/** The configured strings (names, URLs, keys) that occur in `text`. */
export function leakedSecrets(text: string, secrets: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return secrets.filter((s) => lower.includes(s.toLowerCase()));
}
