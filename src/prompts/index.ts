export * from "./template.js";
export * from "./role-card-text.js";
