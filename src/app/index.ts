// The application layer: what a command run needs from its working directory (psysim.yaml,
// the call cache) before it calls the library. Used by the CLI and the server, never below them.
export * from "./model-context.js";
export * from "./run-settings.js";
