export * from "./template.js";
export * from "./role-card-text.js";
export * from "./client-manner.js";
