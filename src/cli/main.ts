#!/usr/bin/env node
import { buildProgram } from "./program.js";
import { reportFailure } from "./run-action.js";

try {
  const program = await buildProgram();
  await program.parseAsync(process.argv);
} catch (error) {
  reportFailure(error);
}
