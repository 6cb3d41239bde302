import { PsysimError } from "../core/errors.js";

/**
 * Where the template names below were read: every `register_template(name=…)` in
 * LLaMA-Factory's `src/llamafactory/data/template.py`. Training with a name that is not
 * registered there fails ("Template … does not exist"), so psysim checks against this list.
 */
export const LLAMAFACTORY_SOURCE = {
  repository: "hiyouga/LlamaFactory",
  file: "src/llamafactory/data/template.py",
  commit: "007303c05e78f02a25ada1450a4bb4fd4c662d8e",
  version: "0.9.6.dev0",
} as const;

/** LLaMA-Factory's registered chat templates at {@link LLAMAFACTORY_SOURCE}, in registration order. */
// prettier-ignore
export const LLAMAFACTORY_TEMPLATES: readonly string[] = [
  "alpaca", "bailing", "bailing_v2", "breeze", "chatglm3", "chatml", "chatml_de", "cohere",
  "tiny_aya", "cpm4", "dbrx", "deepseek", "deepseek3", "deepseekr1", "hy3", "deepseekcoder",
  "default", "dots_ocr", "empty", "ernie", "ernie_nothink", "ernie_vl", "exaone", "falcon",
  "falcon_h1", "fewshot", "gemma", "gemma2", "gemma3", "gemma3n", "gemma4", "gemma4n",
  "gemma4n_nothink", "glm5_next", "glm4", "glm4_moe", "glm4v", "glm4_5v", "glm_ocr", "glm4_7",
  "glmz1", "gpt_oss", "granite3", "granite3_vision", "granite4", "index", "hunyuan",
  "hunyuan_small", "hy_dense_1_8b", "hy_dense_7b", "intern2", "intern_vl", "intern_s1",
  "keye_vl", "kimi_vl", "lfm2", "lfm2_vl", "llama2", "llama2_zh", "llama3", "llama4", "mllama",
  "moonlight", "moss_vl", "llava", "llava_next", "llava_next_llama3", "llava_next_mistral",
  "llava_next_qwen", "llava_next_yi", "llava_next_video", "llava_next_video_mistral",
  "llava_next_video_yi", "mimo", "mimo_v2", "mimo_vl", "minicpm_v", "minicpm_v_4_6",
  "minicpm_o", "minicpm5", "minimax1", "minimax2", "ministral", "mistral", "mistral_small",
  "ministral3", "olmo", "openchat", "openchat-3.6", "opencoder", "paligemma", "paligemma_chat",
  "phi", "phi_small", "phi4", "phi4_mini", "pixtral", "qwen", "qwen3", "qwen3_nothink",
  "qwen2_audio", "qwen2_omni", "qwen3_omni", "qwen3_omni_nothink", "qwen2_vl", "qwen3_vl",
  "qwen3_vl_nothink", "qwen3_5", "qwen3_5_nothink", "qwen3_6", "qwen3_8", "sailor",
  "seed_coder", "seed_oss", "smollm", "smollm2", "solar", "starchat", "telechat2", "vicuna",
  "video_llava", "xuanyuan", "yi", "yi_vl", "youtu", "youtu_vl", "yuan", "zephyr", "aeva",
];

interface BackboneRule {
  /** Tested against the backbone's Hugging Face id or path, case-insensitively. */
  pattern: RegExp;
  family: string;
  /** The registry's template, or why there is none to pick. */
  template: string | { none: string };
}

/**
 * Backbone family → chat template, for the text-chat families people fine-tune counselors
 * on; first match wins, so specific variants come before their family. Chosen from the
 * registry above: the template whose turn markup is the model's own chat format.
 */
export const BACKBONE_TEMPLATES: readonly BackboneRule[] = [
  // R1 distills keep the base model's weights but DeepSeek-R1's chat format and thinking.
  { pattern: /deepseek-r1/i, family: "DeepSeek-R1 and its distills", template: "deepseekr1" },
  {
    pattern: /deepseek-v3|deepseek-v2\.5|deepseek-v2-chat-0628/i,
    family: "DeepSeek-V2.5/V3",
    template: "deepseek3",
  },
  {
    pattern: /deepseek-coder-v2|deepseek-v2/i,
    family: "DeepSeek-V2 (incl. Lite, Coder-V2)",
    template: "deepseek",
  },
  { pattern: /deepseek-coder/i, family: "DeepSeek-Coder", template: "deepseekcoder" },
  { pattern: /deepseek-(llm|moe|math)/i, family: "DeepSeek-LLM/MoE/Math", template: "deepseek" },
  // Qwen3 Instruct-2507 has no thinking mode; the hybrid and Thinking models do.
  { pattern: /qwen3-.*instruct-2507/i, family: "Qwen3 Instruct-2507", template: "qwen3_nothink" },
  { pattern: /qwen3\.5/i, family: "Qwen3.5", template: "qwen3_5" },
  { pattern: /qwen3\.6/i, family: "Qwen3.6", template: "qwen3_6" },
  { pattern: /qwen3(?![.\d])/i, family: "Qwen3 (hybrid and Thinking)", template: "qwen3" },
  { pattern: /qwen(1\.5|2|2\.5)?-|qwq/i, family: "Qwen1.5/2/2.5, QwQ", template: "qwen" },
  { pattern: /gemma-3n/i, family: "Gemma 3n", template: "gemma3n" },
  // Gemma 3 1B is text-only; the larger Gemma 3 models take gemma3's multimodal plugin.
  { pattern: /gemma-3-1b/i, family: "Gemma 3 1B", template: "gemma" },
  { pattern: /gemma-3/i, family: "Gemma 3", template: "gemma3" },
  { pattern: /gemma-2(?!b)/i, family: "Gemma 2", template: "gemma2" },
  { pattern: /gemma-4(?!b)/i, family: "Gemma 4", template: "gemma4" },
  { pattern: /gemma/i, family: "Gemma, CodeGemma", template: "gemma" },
  { pattern: /llama-4/i, family: "Llama 4", template: "llama4" },
  { pattern: /llama-3/i, family: "Llama 3, 3.1, 3.2, 3.3", template: "llama3" },
  { pattern: /chinese-(llama|alpaca)-2/i, family: "Chinese-LLaMA/Alpaca-2", template: "llama2_zh" },
  { pattern: /llama-2/i, family: "Llama 2", template: "llama2" },
  { pattern: /glm-z1/i, family: "GLM-Z1", template: "glmz1" },
  { pattern: /glm-4\.7/i, family: "GLM-4.7", template: "glm4_7" },
  { pattern: /glm-4\.[56]/i, family: "GLM-4.5/4.6", template: "glm4_moe" },
  { pattern: /glm-4/i, family: "GLM-4", template: "glm4" },
  { pattern: /chatglm3/i, family: "ChatGLM3", template: "chatglm3" },
  { pattern: /mistral-small/i, family: "Mistral Small", template: "mistral_small" },
  { pattern: /ministral-3/i, family: "Ministral 3", template: "ministral3" },
  { pattern: /ministral|mistral-nemo/i, family: "Ministral, Mistral-Nemo", template: "ministral" },
  { pattern: /mistral|mixtral/i, family: "Mistral, Mixtral", template: "mistral" },
  { pattern: /(^|\/)yi-/i, family: "Yi, Yi-1.5", template: "yi" },
  { pattern: /internlm[23]/i, family: "InternLM 2, 2.5, 3", template: "intern2" },
  { pattern: /phi-4-mini/i, family: "Phi-4-mini", template: "phi4_mini" },
  { pattern: /phi-4/i, family: "Phi-4", template: "phi4" },
  { pattern: /phi-3(\.5)?-small/i, family: "Phi-3-small", template: "phi_small" },
  { pattern: /phi-3/i, family: "Phi-3, Phi-3.5", template: "phi" },
  { pattern: /gpt-oss/i, family: "gpt-oss", template: "gpt_oss" },
  { pattern: /falcon-h1/i, family: "Falcon-H1", template: "falcon_h1" },
  { pattern: /granite-4/i, family: "Granite 4", template: "granite4" },
  { pattern: /granite-3/i, family: "Granite 3", template: "granite3" },
  { pattern: /smollm2/i, family: "SmolLM2", template: "smollm2" },
  { pattern: /minicpm4/i, family: "MiniCPM4", template: "cpm4" },
  {
    pattern: /baichuan/i,
    family: "Baichuan, Baichuan2",
    template: {
      none: `LLaMA-Factory ${LLAMAFACTORY_SOURCE.version} no longer registers a Baichuan or Baichuan2 template`,
    },
  },
  {
    pattern: /internlm(?![23])/i,
    family: "InternLM (first generation)",
    template: {
      none: `LLaMA-Factory ${LLAMAFACTORY_SOURCE.version} no longer registers InternLM's first template`,
    },
  },
];

/**
 * LLaMA-Factory's `template` for a backbone. An explicit `--template` must be a registered
 * name; otherwise the backbone is looked up in {@link BACKBONE_TEMPLATES}, and a backbone
 * psysim cannot place is refused rather than guessed, since the wrong template trains the
 * wrong chat markup without any error.
 */
export function templateFor(backbone: string, explicit?: string): string {
  const registry = `LLaMA-Factory ${LLAMAFACTORY_SOURCE.version} (${LLAMAFACTORY_SOURCE.file})`;
  if (explicit !== undefined) {
    if (LLAMAFACTORY_TEMPLATES.includes(explicit)) return explicit;
    throw new PsysimError(
      "CONFIG_INVALID",
      `--template: "${explicit}" is not a chat template in ${registry}; closest: ${closestNames(explicit, LLAMAFACTORY_TEMPLATES).join(", ")}`,
    );
  }
  const rule = BACKBONE_TEMPLATES.find((r) => r.pattern.test(backbone));
  if (!rule)
    throw new PsysimError(
      "CONFIG_INVALID",
      `--backbone: cannot tell LLaMA-Factory's chat template for "${backbone}"; pass --template NAME (a template registered in ${registry}, e.g. qwen, llama3, deepseek)`,
    );
  if (typeof rule.template !== "string")
    throw new PsysimError(
      "CONFIG_INVALID",
      `--backbone: "${backbone}" (${rule.family}): ${rule.template.none}; pass --template NAME with a registered template whose markup matches the model's chat format`,
    );
  return rule.template;
}

/** The `count` names nearest to `name` by edit distance, ties in list order. */
export function closestNames(name: string, names: readonly string[], count = 3): string[] {
  const target = name.toLowerCase();
  return names
    .map((n, i) => ({ n, i, d: editDistance(target, n.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, count)
    .map((x) => x.n);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}
