// Dialogue files in: reading psysim dialogues and importing outside formats (ShareGPT, OpenAI, pairs).
export * from "./read-dialogue-file.js";
export * from "./import-dialogues.js";
export * from "./infer-ending.js";
export * from "./attach-cards.js";
