import * as vega from "vega";

/**
 * Advance widths of printable ASCII (32–126) in Noto Sans CJK SC, the chart font, per 1000
 * units of font size; measured with canvas `measureText` in Chromium. Vega without a canvas
 * guesses 0.8 em for every character, which made Latin titles far too wide (an off-centre
 * 1,684 px histogram) and Chinese labels too narrow (clipped on the left).
 */
const ASCII_REGULAR = [
  224, 323, 474, 555, 555, 921, 680, 278, 338, 338, 467, 555, 278, 347, 278, 392, 555, 555, 555,
  555, 555, 555, 555, 555, 555, 555, 278, 278, 555, 555, 555, 474, 946, 608, 657, 638, 688, 589,
  552, 689, 728, 293, 535, 646, 543, 812, 723, 742, 633, 742, 635, 596, 599, 721, 575, 878, 573,
  531, 603, 338, 392, 338, 555, 559, 606, 563, 618, 510, 620, 554, 325, 564, 607, 275, 275, 552,
  284, 926, 610, 606, 620, 620, 388, 468, 377, 607, 521, 802, 498, 521, 475, 338, 270, 338, 555,
];
const ASCII_BOLD = [
  227, 370, 574, 590, 590, 963, 740, 325, 378, 378, 507, 590, 325, 370, 325, 387, 590, 590, 590,
  590, 590, 590, 590, 590, 590, 590, 325, 325, 590, 590, 590, 514, 1007, 641, 681, 656, 714, 615,
  585, 717, 757, 330, 568, 686, 578, 853, 749, 770, 667, 770, 682, 624, 625, 748, 619, 915, 627,
  580, 613, 378, 387, 378, 590, 567, 626, 591, 644, 527, 644, 581, 372, 597, 640, 304, 306, 604,
  315, 964, 641, 626, 644, 644, 436, 495, 421, 637, 576, 863, 562, 574, 511, 378, 296, 378, 590,
];

/** Wide (one em) characters: CJK ideographs and punctuation, kana, Hangul, full-width forms. */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    code >= 0x20000
  );
}

/**
 * Width in pixels of `text` set in the chart font. Characters outside ASCII and the wide
 * ranges (–, ±, σ, accented letters) count as 0.65 em, a little above their real width,
 * so an estimate errs towards a margin rather than a clipped label.
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  const ascii = bold ? ASCII_BOLD : ASCII_REGULAR;
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 32 && code <= 126) units += ascii[code - 32]!;
    else if (isWide(code)) units += 1000;
    else units += 650;
  }
  return (units * fontSize) / 1000;
}

interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number;
}

function isBold(weight: number | string | undefined): boolean {
  return weight === "bold" || weight === "bolder" || (weight !== undefined && +weight >= 600);
}

// vega re-exports vega-scenegraph's text metrics but its typings omit them.
const { textMetrics } = vega as unknown as {
  textMetrics: { width: (item: TextItem, text: unknown) => number };
};

let installed = false;

/**
 * Makes Vega lay out text with `textWidth` instead of its 0.8 em guess, so axes, legends and
 * titles get the room their labels really take. Vega reads `textMetrics.width` for every
 * label it places or truncates; a width above the item's `limit` is reported as the limit,
 * as Vega truncates such text to fit.
 */
export function useChartTextMetrics(): void {
  if (installed) return;
  installed = true;
  textMetrics.width = (item: TextItem, text: unknown) => {
    const size = item.fontSize == null ? 11 : +item.fontSize || 0;
    const value = text == null ? "" : String(text).trim();
    const width = textWidth(value, size, isBold(item.fontWeight));
    return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
}
