/**
 * The API test files that run alone (API_FILES_ALONE in test/support/worker-files.ts: they run
 * the jobs that sweep every workspace, or check what those must not yet have done), one at a
 * time, in a group after every other worker test file.
 */
import { ALONE_GROUP_ORDER, API_FILES_ALONE } from "../../test/support/worker-files.ts";
import { apiTestProject } from "./vitest.config.ts";

export default apiTestProject({ name: "api-sweeps", include: API_FILES_ALONE, maxWorkers: 1, groupOrder: ALONE_GROUP_ORDER });
