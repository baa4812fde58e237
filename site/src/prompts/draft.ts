// The prompt page's working copy of a version: what the editor, the variables and model forms
// hold while the user types (form strings), and its translation to the API's version body with
// the same checks the API makes, so a save or a preview is only sent when it can succeed.
import { VARIABLE_NAME, type ChatMessage, type ModelConfig, type Scalar, type VariableDefinition, type VariableType, type Version } from "~/api/prompts";

export interface VariableRow {
  key: number;
  name: string;
  type: VariableType;
  required: boolean;
  /** The default as typed; "" for none. */
  defaultValue: string;
  /** Enum values, comma-separated. */
  values: string;
  description: string;
}

export interface ModelForm {
  provider: "" | "openai" | "anthropic" | "google";
  model: string;
  temperature: string;
  maxTokens: string;
  /** Settings the form does not show (top_p, seed…), kept as they were. */
  other: Record<string, unknown>;
}

export interface Draft {
  kind: "text" | "chat";
  content: string;
  messages: Array<ChatMessage & { key: number }>;
  variables: VariableRow[];
  model: ModelForm;
  changelog: string;
}

let nextKey = 1;
export const newKey = (): number => nextKey++;

export function emptyDraft(): Draft {
  return { kind: "text", content: "", messages: [{ key: newKey(), role: "system", content: "" }], variables: [], model: { provider: "", model: "", temperature: "", maxTokens: "", other: {} }, changelog: "" };
}

export function newVariable(name = ""): VariableRow {
  return { key: newKey(), name, type: "string", required: false, defaultValue: "", values: "", description: "" };
}

export function draftFromVersion(version: Version, keepChangelog: boolean): Draft {
  const { provider, model, temperature, max_tokens: maxTokens, ...other } = version.model_config;
  return {
    kind: version.kind,
    content: version.content ?? "",
    messages: (version.messages ?? [{ role: "system", content: "" }]).map((message) => ({ ...message, key: newKey() })),
    variables: version.variables.map((variable) => ({
      key: newKey(),
      name: variable.name,
      type: variable.type,
      required: variable.required,
      defaultValue: variable.default === undefined ? "" : String(variable.default),
      values: (variable.values ?? []).join(", "),
      description: variable.description ?? "",
    })),
    model: {
      provider: provider ?? "",
      model: model ?? "",
      temperature: temperature === undefined ? "" : String(temperature),
      maxTokens: maxTokens === undefined ? "" : String(maxTokens),
      other,
    },
    changelog: keepChangelog ? (version.changelog ?? "") : "",
  };
}

export const splitValues = (text: string): string[] => text.split(",").map((value) => value.trim()).filter(Boolean);

/** Each row's problem (by key), and the definitions of the rows that have none. */
export function checkVariables(rows: readonly VariableRow[]): { variables: VariableDefinition[]; problems: Map<number, string> } {
  const problems = new Map<number, string>();
  const variables: VariableDefinition[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const name = row.name.trim();
    const fail = (message: string) => problems.set(row.key, message);
    if (!VARIABLE_NAME.test(name)) {
      fail(name === "" ? "Give the variable a name." : "Names start with a letter or '_' and continue with letters, digits or '_'.");
      continue;
    }
    if (seen.has(name)) {
      fail(`“${name}” is declared twice.`);
      continue;
    }
    seen.add(name);
    const definition: VariableDefinition = { name, type: row.type, required: row.required };
    if (row.description.trim()) definition.description = row.description.trim();
    if (row.type === "enum") {
      const values = splitValues(row.values);
      if (values.length === 0) {
        fail("An enum needs its values, separated by commas.");
        continue;
      }
      if (new Set(values).size !== values.length) {
        fail("Enum values must not repeat.");
        continue;
      }
      definition.values = values;
    }
    const typed = row.defaultValue.trim();
    if (typed !== "") {
      const value = parseScalar(row.type, row.defaultValue);
      if (value === undefined) {
        fail(row.type === "number" ? "The default must be a number." : row.type === "boolean" ? "The default must be true or false." : "The default must be one of the values.");
        continue;
      }
      if (row.type === "enum" && !definition.values!.includes(value as string)) {
        fail("The default must be one of the values.");
        continue;
      }
      definition.default = value;
    }
    variables.push(definition);
  }
  return { variables, problems };
}

/** A form string as a value of the type; undefined when it is not one. */
export function parseScalar(type: VariableType, text: string): Scalar | undefined {
  if (type === "number") {
    const number = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN;
    return Number.isFinite(number) ? number : undefined;
  }
  if (type === "boolean") return text === "true" ? true : text === "false" ? false : undefined;
  return text;
}

export function checkModel(model: ModelForm): { config: ModelConfig; problem: string | null } {
  const config: ModelConfig = { ...model.other };
  if (model.provider) config.provider = model.provider;
  if (model.model.trim()) config.model = model.model.trim();
  if (model.temperature.trim() !== "") {
    const temperature = Number(model.temperature);
    if (!Number.isFinite(temperature) || temperature < 0 || temperature > 2) return { config, problem: "Temperature is a number from 0 to 2." };
    config.temperature = temperature;
  }
  if (model.maxTokens.trim() !== "") {
    const maxTokens = Number(model.maxTokens);
    if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > 200_000) return { config, problem: "Max tokens is a whole number from 1 to 200 000." };
    config.max_tokens = maxTokens;
  }
  return { config, problem: null };
}

/** The version body of POST/PATCH /api/prompts/{id}/versions. */
export function versionBody(draft: Draft, variables: VariableDefinition[], modelConfig: ModelConfig): Record<string, unknown> {
  const body: Record<string, unknown> = { variables, model_config: modelConfig };
  if (draft.kind === "text") body.content = draft.content;
  else body.messages = draft.messages.map(({ role, content }) => ({ role, content }));
  return body;
}

/** A comparable fingerprint of what a save would send (unsaved-changes detection). */
export function fingerprint(draft: Draft): string {
  return JSON.stringify({
    kind: draft.kind,
    content: draft.kind === "text" ? draft.content : null,
    messages: draft.kind === "chat" ? draft.messages.map(({ role, content }) => [role, content]) : null,
    variables: draft.variables.map(({ name, type, required, defaultValue, values, description }) => [name, type, required, defaultValue, values, description]),
    model: [draft.model.provider, draft.model.model, draft.model.temperature, draft.model.maxTokens],
    changelog: draft.changelog,
  });
}
