import type { ServiceContext } from "../../context.ts";
import { loadExperiment } from "./experiment-view.ts";

/** One experiment of the workspace with its variants; 404 otherwise. */
export async function getExperiment({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; experimentId: string } }) {
  return (await loadExperiment(ctx.http(), input)).view;
}
