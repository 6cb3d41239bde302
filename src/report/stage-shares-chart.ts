import type { TopLevelSpec } from "vega-lite";
import type { Language } from "../core/language.js";
import { HILL_STAGES, type HillStage } from "../evaluation/stages/hill-stages.js";
import type { StageShares } from "../evaluation/stages/stage-measures.js";
import { chartText } from "./chart-text.js";

/** Exploration light, action dark: the order a session should move in reads as getting darker. */
const STAGE_COLOURS: Record<HillStage, string> = {
  exploration: "#9ecae1",
  insight: "#4292c6",
  action: "#08306b",
};

/**
 * Hill's stages through a session: per dataset or counselor, the mean share of each stage
 * among counselor turns in each tenth of the session, stacked to 100%. Tenths no session
 * reached (all sessions under ten counselor turns) are left empty, not drawn as zero.
 */
export function stageSharesSpec(
  groups: readonly { name: string; share_by_tenth: readonly (StageShares | null)[] }[],
  language: Language,
  /** The report stacks every panel, so that each stays readable on a phone; files put two side by side. */
  options: { stacked?: boolean } = {},
): TopLevelSpec {
  const text = chartText(language);
  const stageName = (s: HillStage) => text.stages[s];
  const rows = groups.flatMap((g) =>
    g.share_by_tenth.flatMap((shares, tenth) =>
      shares === null
        ? []
        : HILL_STAGES.map((stage, order) => ({
            group: g.name,
            tenth: `${tenth * 10}–${tenth * 10 + 10}%`,
            stage: stageName(stage),
            order,
            share: shares[stage],
          })),
    ),
  );
  const tenths = Array.from({ length: 10 }, (_, t) => `${t * 10}–${t * 10 + 10}%`);
  return {
    title: text.stagesTitle,
    data: { values: rows },
    facet: {
      field: "group",
      type: "nominal",
      sort: groups.map((g) => g.name),
      title: null,
      header: { labelFontSize: 12, labelLimit: 320 },
    },
    // Two panels sit side by side; more stack, so no row ends with an empty panel's stray axis.
    columns: groups.length === 2 && !options.stacked ? 2 : 1,
    spec: {
      width: 320,
      height: 160,
      mark: { type: "bar" },
      encoding: {
        x: {
          field: "tenth",
          type: "ordinal",
          sort: tenths,
          scale: { domain: tenths },
          title: text.stagesAxis,
          axis: { labelAngle: -45 },
        },
        y: {
          field: "share",
          type: "quantitative",
          stack: "normalize",
          title: text.stagesShare,
          axis: { format: ".0%" },
        },
        color: {
          field: "stage",
          type: "nominal",
          sort: HILL_STAGES.map(stageName),
          scale: {
            domain: HILL_STAGES.map(stageName),
            range: HILL_STAGES.map((s) => STAGE_COLOURS[s]),
          },
          title: null,
          legend: { orient: "top", direction: "horizontal" },
        },
        order: { field: "order", type: "quantitative" },
      },
    },
  } as TopLevelSpec;
}
