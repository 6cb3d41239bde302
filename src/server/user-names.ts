/**
 * User names appear in judge ids (`human:<name>`) and on every page, so two accounts must
 * never look alike: names are NFKC-normalised (full-width `ａｄｍｉｎ` becomes `admin`), may
 * not mix Latin with Cyrillic or Greek letters, and are compared by a confusable skeleton
 * (Cyrillic `аdmin` matches `admin`). The table covers the letters that pass for Latin ones
 * in common fonts (Unicode TR39's confusables for these scripts, abridged).
 */
const CONFUSABLES: Record<string, string> = {
  а: "a",
  в: "b",
  е: "e",
  ё: "e",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  ѕ: "s",
  і: "i",
  ї: "i",
  ј: "j",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  ү: "y",
  һ: "h",
  α: "a",
  β: "b",
  ε: "e",
  η: "n",
  ι: "i",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
  ω: "w",
  ɡ: "g",
  ı: "i",
  ȷ: "j",
  ℓ: "l",
  "0": "o",
  "1": "l",
  "|": "l",
};

export function normaliseName(raw: string): string {
  return raw.normalize("NFKC").trim();
}

/** Letters, digits, `_`, `.`, `-`; at most 64; one script among Latin, Cyrillic and Greek. */
export function validName(name: string): boolean {
  if (!/^[\p{L}\p{N}_.-]{1,64}$/u.test(name)) return false;
  const scripts = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u].filter((s) =>
    s.test(name),
  );
  return scripts.length <= 1;
}

/** What a name looks like: two names with the same skeleton are confusable. */
export function nameSkeleton(name: string): string {
  return [...normaliseName(name).toLowerCase()]
    .map((ch) => CONFUSABLES[ch] ?? ch)
    .join("")
    .replace(/rn/g, "m");
}
