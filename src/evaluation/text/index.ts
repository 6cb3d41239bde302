// The text the metrics read: word segmentation (jieba for Chinese; it lives in core because
// grounding retrieval, below the evaluation layer, segments the same way) and a session's
// client utterances, transcript and role-card content.
export * from "../../core/word-segmenter.js";
export * from "./session-text.js";
