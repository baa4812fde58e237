/**
 * Importers of other products' prompt exports (`xr2 import --from <product> <file>`): each turns
 * an export into xR2's import document (the body of POST /api/prompts/import), mapping the
 * product's variable syntax to ours and listing what it could not map.
 *
 * Each version is imported as a draft whatever its labels were; the products' formats and what is
 * mapped are described at the top of langfuse.ts and promptlayer.ts.
 */
import { convertLangfuse } from "./langfuse.ts";
import { convertPromptLayer } from "./promptlayer.ts";

export const IMPORT_SOURCES = ["langfuse", "promptlayer"] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

export interface ConvertedImport {
  /** The body of POST /api/prompts/import ({ prompts: [...] }). */
  document: { prompts: unknown[] };
  /** What could not be mapped, one readable line each, naming the prompt (and version) it concerns. */
  warnings: string[];
}

/** Converts the text of an export file of `source`; throws an Error with a readable message when the file is not such an export. */
export function convertExport(source: ImportSource, text: string): ConvertedImport {
  switch (source) {
    case "langfuse":
      return convertLangfuse(text);
    case "promptlayer":
      return convertPromptLayer(text);
    default:
      throw new Error(`Unknown import source ${JSON.stringify(source)}: use ${IMPORT_SOURCES.join(" or ")}`);
  }
}
