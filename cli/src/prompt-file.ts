/**
 * The prompt file: one readable file per prompt, `<slug>.md` in the project's prompts folder.
 *
 *   ---
 *   name: Welcome e-mail
 *   description: Sent after sign-up
 *   tags: [onboarding]
 *   type: text
 *   variables:
 *     - name: user
 *       type: string
 *       required: true
 *   model_config:
 *     model: gpt-4o-mini
 *   ---
 *   Hello {user}!
 *
 * A text prompt's body is its template. A chat prompt (`type: chat`) has one section per message,
 * each opened by a marker line `<!-- xr2:system -->` (or user, assistant). A message whose text
 * holds such a marker line itself cannot be written that way: then the messages go into the front
 * matter (`messages:`) and the body stays empty. The body ends with one newline the template does
 * not have, so editors that add a final newline change nothing. Serialising then parsing gives the
 * same document back (see prompt-file.test.ts), and parsing reports errors with their line.
 */
import { createHash } from "node:crypto";
import { parseDocument, stringify } from "yaml";

export type Role = "system" | "user" | "assistant";
export interface ChatMessage {
  role: Role;
  content: string;
}
export interface Variable {
  name: string;
  type: "string" | "number" | "boolean" | "enum";
  required?: boolean;
  default?: string | number | boolean;
  values?: string[];
  description?: string;
}

/** What a prompt file says: the prompt's fields and the body of its version. */
export interface PromptDocument {
  name: string;
  description: string | null;
  tags: string[];
  variables: Variable[];
  model_config: Record<string, unknown>;
  /** Exactly one of content (text prompt) and messages (chat prompt). */
  content?: string;
  messages?: ChatMessage[];
}

/** Where in the file each part starts (1-based lines), for error messages. */
export interface BodyLocation {
  /** The line of the first character of the text template. */
  content?: number;
  /** The line of the first character of each message's text. */
  messages?: number[];
}

export class PromptFileError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const ROLES: readonly Role[] = ["system", "user", "assistant"];
const MARKER = /^<!-- xr2:(system|user|assistant) -->$/;
const FRONT_MATTER_KEYS = new Set(["name", "description", "tags", "type", "variables", "model_config", "messages"]);

export function serializePromptFile(document: PromptDocument): string {
  const front: Record<string, unknown> = { name: document.name };
  if (document.description !== null && document.description !== "") front.description = document.description;
  if (document.tags.length > 0) front.tags = document.tags;
  front.type = document.messages === undefined ? "text" : "chat";
  if (document.variables.length > 0) front.variables = document.variables;
  if (Object.keys(document.model_config).length > 0) front.model_config = document.model_config;
  let body: string;
  if (document.messages === undefined) {
    body = `${document.content ?? ""}\n`;
  } else if (document.messages.some((message) => message.content.split("\n").some((line) => MARKER.test(line)))) {
    front.messages = document.messages;
    body = "";
  } else {
    body = document.messages.map((message) => `<!-- xr2:${message.role} -->\n${message.content}\n`).join("");
  }
  // No block scalars (`|`): YAML reads a line of only spaces inside one as an empty line, so text
  // such as " \n" would come back changed; nor folded double-quoted lines, which the library
  // misreads around an escaped space. Multi-line strings are written as one JSON-style string.
  return `---\n${stringify(front, { lineWidth: 0, blockQuote: false, doubleQuotedAsJSON: true })}---\n${body}`;
}

/** Parses a prompt file; throws PromptFileError naming the line of the first problem. */
export function parsePromptFile(text: string): { document: PromptDocument; location: BodyLocation } {
  const normalised = text.replace(/\r\n/g, "\n");
  if (!normalised.startsWith("---\n")) throw new PromptFileError("the file must start with a front matter block opened by a line '---'", 1);
  const close = normalised.indexOf("\n---\n", 3);
  const closeAtEnd = close === -1 && normalised.endsWith("\n---") ? normalised.length - 4 : -1;
  const end = close !== -1 ? close : closeAtEnd;
  if (end === -1) throw new PromptFileError("the front matter is never closed by a line '---'", 1);
  const yamlText = normalised.slice(4, end + 1);
  const bodyStartLine = lineCount(normalised.slice(0, end + 5)) + 1;
  const body = close === -1 ? "" : normalised.slice(end + 5);

  const parsed = parseDocument(yamlText, { prettyErrors: false });
  if (parsed.errors.length > 0) {
    const error = parsed.errors[0]!;
    throw new PromptFileError(`front matter: ${error.message.split("\n")[0]}`, 1 + (error.linePos?.[0]?.line ?? 1));
  }
  const front = (parsed.toJS() ?? {}) as Record<string, unknown>;
  const keyLine = (key: string) => {
    const index = yamlText.split("\n").findIndex((line) => line.startsWith(`${key}:`));
    return index === -1 ? 1 : index + 2;
  };
  if (typeof front !== "object" || Array.isArray(front)) throw new PromptFileError("the front matter must be a YAML mapping", 2);
  const unknownKey = Object.keys(front).find((key) => !FRONT_MATTER_KEYS.has(key));
  if (unknownKey !== undefined) throw new PromptFileError(`unknown front matter field "${unknownKey}" (known: ${[...FRONT_MATTER_KEYS].join(", ")})`, keyLine(unknownKey));
  if (typeof front.name !== "string" || front.name.trim() === "") throw new PromptFileError("the front matter needs a name", keyLine("name"));
  const description = front.description ?? null;
  if (description !== null && typeof description !== "string") throw new PromptFileError("description must be text", keyLine("description"));
  const tags = front.tags ?? [];
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== "string")) throw new PromptFileError("tags must be a list of tag names", keyLine("tags"));
  const variables = front.variables ?? [];
  if (!Array.isArray(variables) || variables.some((variable) => typeof variable !== "object" || variable === null || typeof (variable as Variable).name !== "string")) {
    throw new PromptFileError("variables must be a list of {name, type, …}", keyLine("variables"));
  }
  const modelConfig = front.model_config ?? {};
  if (typeof modelConfig !== "object" || modelConfig === null || Array.isArray(modelConfig)) throw new PromptFileError("model_config must be a mapping", keyLine("model_config"));
  const type = front.type ?? "text";
  if (type !== "text" && type !== "chat") throw new PromptFileError('type must be "text" or "chat"', keyLine("type"));

  const document: PromptDocument = { name: front.name, description: description as string | null, tags: tags as string[], variables: variables as Variable[], model_config: modelConfig as Record<string, unknown> };
  if (type === "text") {
    if (front.messages !== undefined) throw new PromptFileError("messages are for chat prompts (type: chat)", keyLine("messages"));
    document.content = body.endsWith("\n") ? body.slice(0, -1) : body;
    return { document, location: { content: bodyStartLine } };
  }
  if (front.messages !== undefined) {
    if (body.trim() !== "") throw new PromptFileError("give the messages either in the front matter or in the body, not both", bodyStartLine);
    const messages = front.messages;
    if (!Array.isArray(messages) || messages.some((message) => !isMessage(message))) throw new PromptFileError("messages must be a list of {role: system|user|assistant, content}", keyLine("messages"));
    document.messages = messages as ChatMessage[];
    return { document, location: { messages: messages.map(() => keyLine("messages")) } };
  }
  const { messages, lines } = parseMessages(body, bodyStartLine);
  document.messages = messages;
  return { document, location: { messages: lines } };
}

function parseMessages(body: string, firstLine: number): { messages: ChatMessage[]; lines: number[] } {
  const bodyLines = body.split("\n");
  if (bodyLines.at(-1) === "") bodyLines.pop();
  const messages: ChatMessage[] = [];
  const lines: number[] = [];
  let current: { role: Role; text: string[] } | undefined;
  const finish = () => {
    if (current) messages.push({ role: current.role, content: current.text.join("\n") });
  };
  bodyLines.forEach((line, index) => {
    const marker = MARKER.exec(line);
    if (marker) {
      finish();
      current = { role: marker[1] as Role, text: [] };
      lines.push(firstLine + index + 1);
    } else if (current) current.text.push(line);
    else if (line.trim() !== "") throw new PromptFileError("a chat prompt's body is a list of messages, each opened by a line <!-- xr2:system -->, <!-- xr2:user --> or <!-- xr2:assistant -->", firstLine + index);
  });
  finish();
  if (messages.length === 0) throw new PromptFileError("a chat prompt needs at least one message (<!-- xr2:user --> then its text)", firstLine);
  return { messages, lines };
}

function isMessage(value: unknown): value is ChatMessage {
  return typeof value === "object" && value !== null && ROLES.includes((value as ChatMessage).role) && typeof (value as ChatMessage).content === "string";
}

function lineCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}

/**
 * The document as the API would store it, in a canonical JSON form: compared with the remote
 * version's to decide whether a push has anything to send (variables get their default
 * `required: false`, setting keys are sorted).
 */
export function versionFingerprint(document: Pick<PromptDocument, "content" | "messages" | "variables" | "model_config">): string {
  return canonicalJson({
    content: document.messages === undefined ? (document.content ?? "") : null,
    messages: document.messages ?? null,
    variables: document.variables.map((variable) => ({ required: false, ...variable })),
    model_config: document.model_config,
  });
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === "object" && !Array.isArray(item) ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : item,
  );
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
