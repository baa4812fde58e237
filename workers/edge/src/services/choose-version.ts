/**
 * Which version a get-prompt serves (A6): the shared rule (workers/shared/src/assignment.ts),
 * which the SDKs bundle too, so a unit gets the same variant from the edge and from an SDK.
 */
import { chooseVersion as chooseServedVersion, type ChosenVersion as Chosen, type PublishedPrompt, type ServedVersion } from "@xr2/shared";

export type ChosenVersion = Chosen<ServedVersion>;

export function chooseVersion(prompt: PublishedPrompt, unitId: string | undefined): ChosenVersion {
  return chooseServedVersion<ServedVersion, PublishedPrompt>(prompt, unitId);
}
