/**
 * Every request to the model passes through the redactor: the prompt, the issue, file
 * contents, tool results and the gate's command output. A credential that got into any of
 * them (printed by a test, say) is replaced before it leaves the machine.
 */
import type { ContentBlock, LanguageModel, Message, Redactor } from "../core/index.js";

function redactValue(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redact));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, redact)]));
  }
  return value;
}

function redactBlock(block: ContentBlock, redact: (text: string) => string): ContentBlock {
  switch (block.type) {
    case "text":
      return { ...block, text: redact(block.text) };
    case "tool_result":
      return { ...block, content: redact(block.content) };
    case "tool_use":
      return { ...block, input: redactValue(block.input, redact) };
  }
}

export function withModelRedaction(model: LanguageModel, redactor: Redactor): LanguageModel {
  const redact = (text: string) => redactor.redact(text);
  return {
    name: model.name,
    generate: (request) =>
      model.generate({
        ...request,
        system: redact(request.system),
        messages: request.messages.map((m): Message => ({
          ...m,
          content: m.content.map((b) => redactBlock(b, redact)),
        })),
      }),
  };
}
