// The report's sections in page order. A new section is one file here: a function that
// reads `b.options.inputs`, adds nothing when its inputs are absent, and calls `b.add`.
import { clientEffectsSection } from "./client-effects-section.js";
import type { ReportBuilder } from "../report-builder.js";
import { agreementSection } from "./agreement-section.js";
import { arenaSafetySection } from "./arena-safety-section.js";
import { browserSection } from "./browser-section.js";
import { compareSection } from "./compare-section.js";
import { fidelitySection } from "./fidelity-section.js";
import { inputsSection } from "./inputs-section.js";
import { topicsSection, waiSection } from "./judge-sections.js";
import { ratingsSections } from "./ratings-sections.js";
import { safetySection } from "./safety-section.js";
import { sideBySideSection } from "./side-by-side-section.js";
import { stagesSection } from "./stages-section.js";
import { tableOneSection } from "./table-one-section.js";

export type ReportSection = (b: ReportBuilder) => void | Promise<void>;

export const REPORT_SECTIONS: readonly ReportSection[] = [
  tableOneSection,
  fidelitySection,
  topicsSection,
  waiSection,
  stagesSection,
  safetySection,
  clientEffectsSection,
  compareSection,
  sideBySideSection,
  ratingsSections,
  arenaSafetySection,
  agreementSection,
  browserSection,
  inputsSection,
];
