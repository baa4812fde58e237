// The whole data model, one module per table group. drizzle-kit reads this file
// (drizzle.config.ts) and the drizzle client takes it as its `schema` for relational queries.
export * from "./enums";
export * from "./users";
export * from "./workspaces";
export * from "./prompts";
export * from "./versions";
export * from "./deployments";
export * from "./api-keys";
export * from "./access-tokens";
export * from "./events";
export * from "./exposures";
export * from "./stats";
export * from "./experiments";
export * from "./audit";
export * from "./limits";
export * from "./llm";
export * from "./webhooks";
export * from "./dead-letters";
export * from "./request-log";
export * from "./alerts";
export * from "./scheduled-deployments";
