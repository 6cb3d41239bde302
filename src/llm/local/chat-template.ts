import { readFileSync } from "node:fs";
import type { ChatWrapper, SpecializedChatWrapperTypeName } from "node-llama-cpp";
import { PsysimError } from "../../core/errors.js";
import type { NodeLlamaCpp } from "./node-llama-cpp-loader.js";

/**
 * Turns a `chat_template` override into a node-llama-cpp chat wrapper. The override is
 * a built-in format name (`chatML`, `qwen`, `llama3.1`, `deepSeek`, `mistral`, `gemma`, …),
 * a Jinja template, or the path of a `.jinja` file. Without one, node-llama-cpp reads
 * the template stored in the GGUF (`tokenizer.chat_template`).
 */
export function resolveChatTemplate(
  lib: NodeLlamaCpp,
  override: string,
  spec: string,
): ChatWrapper {
  if (override.includes("{%") || override.includes("{{")) return jinja(lib, override, spec);
  if ((lib.specializedChatWrapperTypeNames as readonly string[]).includes(override)) {
    const name = override as SpecializedChatWrapperTypeName;
    return new lib.chatWrappers[name]();
  }
  if (/\.(jinja2?|j2)$/.test(override)) {
    let template: string;
    try {
      template = readFileSync(override, "utf8");
    } catch (error) {
      throw new PsysimError(
        "NOT_FOUND",
        `${spec}: chat_template file ${override} cannot be read: ${(error as Error).message}`,
      );
    }
    return jinja(lib, template, spec);
  }
  throw new PsysimError(
    "CONFIG_INVALID",
    `${spec}: chat_template ${JSON.stringify(override)} is not a Jinja template, a .jinja file or one of ${lib.specializedChatWrapperTypeNames.join(", ")}`,
  );
}

function jinja(lib: NodeLlamaCpp, template: string, spec: string): ChatWrapper {
  try {
    return new lib.JinjaTemplateChatWrapper({ template });
  } catch (error) {
    throw new PsysimError(
      "CONFIG_INVALID",
      `${spec}: chat_template is not a usable Jinja chat template: ${(error as Error).message}`,
    );
  }
}
