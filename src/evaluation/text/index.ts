// The text the metrics read: word segmentation (jieba for Chinese) and a session's client
// utterances, transcript and role-card content.
export * from "./word-segmenter.js";
export * from "./session-text.js";
