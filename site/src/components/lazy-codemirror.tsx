// The CodeMirror components, loaded when a page first shows one: CodeMirror is most of the prompt
// page's script, and parsed with the page it blocked the main thread for the page's first second
// (Lighthouse's total blocking time). Each waits in its own Suspense boundary, in a box of the
// editor's height, so the rest of the page shows at once and does not move when the editor comes.
import { lazy, Suspense } from "solid-js";
import type { PromptEditorProps } from "./prompt-editor";
import type { DiffSide } from "./version-diff";

const LoadedPromptEditor = lazy(() => import("./prompt-editor").then((module) => ({ default: module.PromptEditor })));
const LoadedVersionDiff = lazy(() => import("./version-diff").then((module) => ({ default: module.VersionDiffView })));

/** Line height × lines, plus the editor's padding: the room the editor will take. */
const editorHeight = (lines: number) => `calc(${lines} * 1.4em + 1rem)`;

export function PromptEditor(props: PromptEditorProps) {
  return (
    <Suspense fallback={<div class="editor-placeholder" style={{ "min-height": editorHeight(props.minLines ?? 8) }} aria-busy="true" />}>
      <LoadedPromptEditor {...props} />
    </Suspense>
  );
}

export function VersionDiffView(props: { from: DiffSide; to: DiffSide }) {
  return (
    <Suspense fallback={<div class="editor-placeholder" style={{ "min-height": editorHeight(8) }} aria-busy="true" />}>
      <LoadedVersionDiff from={props.from} to={props.to} />
    </Suspense>
  );
}
