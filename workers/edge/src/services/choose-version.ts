/**
 * Which version a get-prompt serves (A6). Without a running experiment: the published version.
 * With one, a caller that sends `unit_id` gets the variant the unit hashes to (sticky for as long
 * as the experiment runs, whatever edge location answers), and its exposure counts for that
 * variant. A caller without `unit_id` cannot be assigned stickily, so, as Statsig and GrowthBook
 * do with a missing unit, it is left out of the experiment: it gets the environment's published
 * version, no `variant`, and its exposure carries no experiment.
 */
import { assignVariant, type PublishedPrompt, type ServedVersion } from "@xr2/shared";

export interface ChosenVersion {
  version: ServedVersion;
  variant: string | null;
  experimentId: string | null;
}

export function chooseVersion(prompt: PublishedPrompt, unitId: string | undefined): ChosenVersion {
  const experiment = prompt.experiment;
  if (!experiment || unitId === undefined) return { version: prompt, variant: null, experimentId: null };
  const key = assignVariant(experiment.id, unitId, experiment.variants);
  const variant = experiment.variants.find((candidate) => candidate.key === key)!;
  return { version: variant.version, variant: key, experimentId: experiment.id };
}
